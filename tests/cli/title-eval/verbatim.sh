# Verbatim: the hypothesis, lower-cased with white space squeezed, inside the
# lower-cased squeezed abstract; an empty one never counts.
printf '%s\n' '{"id":"1","title":"T","abstract":"  We present A  New\n  Method for graphs. It works."}' > "$TMP/ref.jsonl"
for h in 'a new method' 'A NEW   method for GRAPHS' 'new methods' ''; do
    printf '{"id":"1","title":"%s"}\n' "$h" > "$TMP/hyp.jsonl"
    title-eval --ref "$TMP/ref.jsonl" --hyp "$TMP/hyp.jsonl" --per-example | awk -F'\t' '$2 == "model" {print $6, $7}'
done
