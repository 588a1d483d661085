# LaTeX, accents, CJK, emoji, control characters, invalid UTF-8, runs of spaces: ids equal spm_encode --output_format=id (committed fixture)
tok-encode -m "$SHARED/models/llama2-tokenizer" -f ids < "$TESTDATA/tok-hard.txt" | cmp - "$TESTDATA/tok-hard.ids" && echo same
