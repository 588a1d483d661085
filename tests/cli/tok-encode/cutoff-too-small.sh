# an example that does not fit even without its input is left out and counted
tok-encode -m "$SHARED/models/llama2-tokenizer" --cutoff-len 70 "$TESTDATA/tok-pairs.jsonl" | tok-decode -m "$SHARED/models/llama2-tokenizer" -f json | jq -r .response
