# raw lines and cleaned fields of real records: ids equal spm_encode (committed fixture)
tok-encode -t "$SHARED/models/llama2-tokenizer/tokenizer.model" --format ids "$TESTDATA/tok-arxiv.txt" | cmp - "$TESTDATA/tok-arxiv.ids" && echo same
