# --max-input-tokens N cuts each abstract to its first N tokens (as tok-encode
# --cutoff-len cuts training inputs): the titles change with N, and equal those
# of the template key "max_input_tokens" with the same N; 0 turns the cut off.
. ./tg-model.inc
g() { title-gen -m "$M" --text -b 1 --max-new-tokens 6 --ids "$@" < "$ABS" | jq -c '.titles[0].ids'; }
t="$TESTDATA/lt-short.template.json"
whole=$(g --template "$t")
cut=$(g --template "$t" --max-input-tokens 8)
[ "$whole" != "$cut" ] && echo "the cut changes the prompt"
[ "$(g --template "$t" --max-input-tokens 0)" = "$whole" ] && echo "0: no cut"
[ "$(g --template "$t" --max-input-tokens 100000)" = "$whole" ] && echo "a long limit: no cut"
jq -c '. + {max_input_tokens: 8}' "$t" > "$TMP/t8.json"
[ "$(g --template "$TMP/t8.json")" = "$cut" ] && echo "template key = option"
[ "$(g --template "$TMP/t8.json" --max-input-tokens 0)" = "$whole" ] && echo "the option wins"
jq -c '. + {max_input_tokens: "8"}' "$t" > "$TMP/bad.json"
echo x | title-gen -m "$M" --text --template "$TMP/bad.json" > /dev/null; echo "bad key: $?"
exit 0
