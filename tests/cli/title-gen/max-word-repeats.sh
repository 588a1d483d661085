# --max-word-repeats on the default model and two 2026 test abstracts whose best
# beam repeats a word three times ("Reflection", "Network(s)"): off, the titles
# have a word 3 times by title-eval's count (rep3+ 100%); at 2, none does, and
# the file's max_word_repeats is the default that the option overrides.
export GENTITLE_BASE=$SHARED/models/smollm2-135m-instruct GENTITLE_MODEL=$DATA/model
in=max-word-repeats.jsonl
rep3() { # the rep3+ share title-eval reports for the titles in $1
    jq -c "{title: .titles[0].title, input}" "$1" > "$TMP/hyp"
    jq -c "{title: .output, input}" "$in" > "$TMP/ref"
    title-eval --ref "$TMP/ref" --hyp "$TMP/hyp" --json | jq '.systems[0].repeat3_pct'
}
title-gen -j2 --max-word-repeats 0 "$in" > "$TMP/off"
title-gen -j2 "$in" > "$TMP/on"     # the file's 2
jq -r '.titles[0].title' "$TMP/off" "$TMP/on"
echo "rep3+ off: $(rep3 "$TMP/off")"
echo "rep3+ at the default 2: $(rep3 "$TMP/on")"
jq -e '.max_word_repeats == 2' "$DATA/model/generation_config.json" >/dev/null && echo "the model's default: 2"
