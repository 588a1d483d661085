# SentencePiece-style tokenizer.json (LLaMA pipeline: Prepend+Replace normalizer, byte_fallback, [a,b] merges): ids of hard strings, real lines and texts with newlines equal the tokenizers library's (committed fixture, tests/reference/make_hf_tokenizers.py)
{
tok-encode -t "$TESTDATA/hf-spm.tokenizer.json" -f ids "$TESTDATA/hf-fixture.txt"
tok-encode -t "$TESTDATA/hf-spm.tokenizer.json" -f ids --pairs --no-bos --no-eos --template "$TESTDATA/hf-raw.template.json" "$TESTDATA/hf-fixture-nl.jsonl"
} | cmp - "$TESTDATA/hf-spm.ids" && echo same
