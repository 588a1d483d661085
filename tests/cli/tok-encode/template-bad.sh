# a template with an unknown placeholder is refused
printf "%s" "{\"prompt_input\":\"{instruction} {abstract}\",\"prompt_no_input\":\"x\",\"response_split\":\"y\"}" > $TMP/t.json
tok-encode -m "$SHARED/models/llama2-tokenizer" --template $TMP/t.json < /dev/null
