# examples/own-model.sh: tokenize with the model's tokenizer, LoRA-train, titles
# for the test pairs, a title-eval table; the adapter is in the PEFT layout.
root=$(cd ../../.. && pwd)
head -40 "$TESTDATA/lt-pairs.jsonl" > "$TMP/p.train.jsonl"
sed -n 41,44p "$TESTDATA/lt-pairs.jsonl" > "$TMP/p.val.jsonl"
sed -n 45,48p "$TESTDATA/lt-pairs.jsonl" > "$TMP/p.test.jsonl"
STEPS=2 BATCH=8 MICRO=4 RANK=4 TEST=3 BEAMS=2 JOBS=2 sh "$root/examples/own-model.sh" "$TESTDATA/lt-model" "$TMP/p" "$TMP/run" \
    > "$TMP/out" 2> "$TMP/err" || { cat "$TMP/err" >&2; exit 1; }
(cd "$TMP/run" && ls . adapter)
jq -r '.r, .target_modules[]' "$TMP/run/adapter/adapter_config.json"
jq -s 'length' "$TMP/run/titles.jsonl"
sed -n 's/^\(references\|hypotheses\): .*(\([0-9]*\) examples)$/\1 \2/p; s/^\(lt-model+lora\) .*/\1 row/p' "$TMP/out"
grep -c '^own-model: web page: title-gen --model' "$TMP/err"
sh "$root/examples/own-model.sh" 2>&1 | head -1; sh "$root/examples/own-model.sh" >/dev/null 2>&1; echo "no arguments: $?"
