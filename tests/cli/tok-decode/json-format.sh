# --format json splits each pair record at its response start
tok-encode -m "$SHARED/models/llama2-tokenizer" "$TESTDATA/tok-pairs.jsonl" | tok-decode -m "$SHARED/models/llama2-tokenizer" -f json | jq -r ".response"
head -2 "$TESTDATA/tok-arxiv.txt" | tok-encode -m "$SHARED/models/llama2-tokenizer" --text | tok-decode -m "$SHARED/models/llama2-tokenizer" -f json
