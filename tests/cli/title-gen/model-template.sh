# A model folder's prompt_template.json is its default template: the titles
# equal those of --template with the same file, and differ from alpaca's;
# --template still wins over it. tok-encode -m DIR uses it too.
. ./tg-model.inc
g() { title-gen "$@" --text -b 1 --max-new-tokens 6 --ids < "$ABS" | jq -c .titles; }
alpaca=$(g -m "$M")
explicit=$(g -m "$M" --template "$TESTDATA/lt-short.template.json")
cp "$TESTDATA/lt-short.template.json" "$M/prompt_template.json"
own=$(g -m "$M")
[ "$own" = "$explicit" ] && echo "prompt_template.json = --template"
[ "$own" != "$alpaca" ] && echo "not alpaca"
cp "$TESTDATA/lt-short.template.json" "$TMP/t.json"
printf '{"prompt_input":"{input}\\n","prompt_no_input":"{instruction}\\n","response_split":"\\n"}' > "$TMP/other.json"
[ "$(g -m "$M" --template "$TMP/other.json")" != "$own" ] && echo "--template wins"
jq -cR '{instruction: "i", input: ., output: "A title"}' < "$ABS" > "$TMP/p.jsonl"
tok-encode -m "$M" "$TMP/p.jsonl" | tok-decode -m "$M" -f json | jq -r .prompt | tail -1
printf '{' > "$M/prompt_template.json"
echo x | title-gen -m "$M" --text >/dev/null; echo "broken prompt_template.json: $?"
exit 0
