# byte-level tokenizer.json with the LLaMA-3 Split regex, ByteLevel(use_regex=false), ignore_merges: ids of hard strings, real lines and texts with newlines equal the tokenizers library's (committed fixture, tests/reference/make_hf_tokenizers.py)
{
tok-encode -t "$TESTDATA/hf-llama3.tokenizer.json" -f ids "$TESTDATA/hf-fixture.txt"
tok-encode -t "$TESTDATA/hf-llama3.tokenizer.json" -f ids --pairs --no-bos --no-eos --template "$TESTDATA/hf-raw.template.json" "$TESTDATA/hf-fixture-nl.jsonl"
} | cmp - "$TESTDATA/hf-llama3.ids" && echo same
