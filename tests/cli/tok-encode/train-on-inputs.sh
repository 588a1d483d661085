# --train-on-inputs: the same ids as the default stream, but response start 0
# (tok-decode shows the whole example as "text", not prompt + response);
# with --text it is a usage error.
m="$SHARED/models/llama2-tokenizer"
head -3 "$TESTDATA/tok-pairs.jsonl" > "$TMP/p.jsonl"
tok-encode -m "$m" "$TMP/p.jsonl" > "$TMP/a" || exit 1
tok-encode -m "$m" --train-on-inputs "$TMP/p.jsonl" > "$TMP/b" || exit 1
[ "$(tok-decode -m "$m" -f ids "$TMP/a")" = "$(tok-decode -m "$m" -f ids "$TMP/b")" ] && echo "same ids"
tok-decode -m "$m" -f json "$TMP/a" | jq -r 'keys | join(",")'
tok-decode -m "$m" -f json "$TMP/b" | jq -r 'keys | join(",")'
tok-decode -m "$m" -f json "$TMP/a" | jq -r '.prompt + .response' > "$TMP/ta"
tok-decode -m "$m" -f json "$TMP/b" | jq -r .text > "$TMP/tb"
cmp -s "$TMP/ta" "$TMP/tb" && echo "text = prompt + response"
echo x | tok-encode -m "$m" --text --train-on-inputs; echo "with --text: $?"
exit 0
