# bad lines are reported with their line numbers, skipped and counted; the rest is encoded
printf "%s\n" "{\"instruction\":\"i\",\"input\":\"x\",\"output\":\"t\"}" "not json" "{\"instruction\":\"i\",\"input\":\"x\"}" "{\"instruction\":\"i\",\"input\":3,\"output\":\"t\"}" "[1]" > $TMP/p
tok-encode -m "$SHARED/models/llama2-tokenizer" $TMP/p > $TMP/s; st=$?; tok-decode -m "$SHARED/models/llama2-tokenizer" -f json $TMP/s | jq -r .response; exit $st
