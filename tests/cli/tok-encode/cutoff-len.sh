# --cutoff-len 128: the abstract is shortened, the title and EOS kept, no example longer than 128
tok-encode -m "$SHARED/models/llama2-tokenizer" --cutoff-len 128 --stats "$TESTDATA/tok-pairs.jsonl" > $TMP/s
tok-decode -m "$SHARED/models/llama2-tokenizer" -f ids $TMP/s | awk "{ if (NF > 128 || \$NF != 2) bad++ } END { print NR, bad + 0 }"
tok-decode -m "$SHARED/models/llama2-tokenizer" -f json $TMP/s | jq -r .response
