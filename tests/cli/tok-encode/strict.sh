# --strict stops at the first malformed line
printf "%s\n" "{\"instruction\":\"i\",\"input\":\"x\",\"output\":\"t\"}" "oops" "{\"instruction\":\"i\",\"input\":\"x\",\"output\":\"u\"}" | tok-encode -m "$SHARED/models/llama2-tokenizer" --strict -f ids --pairs
