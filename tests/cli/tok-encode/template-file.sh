# --template: another template in alpaca-lora JSON form, braces escaped as in str.format
printf "%s" "{\"description\":\"t\",\"prompt_input\":\"[{{{instruction}}}] {input} =>\",\"prompt_no_input\":\"[{instruction}] =>\",\"response_split\":\"=>\"}" > $TMP/t.json
head -1 "$TESTDATA/tok-pairs.jsonl" | jq -c ".input = \"short abstract\"" | tok-encode -m "$SHARED/models/llama2-tokenizer" --template $TMP/t.json | tok-decode -m "$SHARED/models/llama2-tokenizer" -f json
