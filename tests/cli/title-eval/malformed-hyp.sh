# Bad hypothesis lines: reported, counted, exit 65; their references are
# missing (scored 0).
printf '%s\n' '{"id":"1","title":"Graph decompositions","abstract":"We study graph decompositions."}' \
  '{"id":"2","title":"Graph decompositions","abstract":"We study graph decompositions."}' > "$TMP/ref.jsonl"
printf '%s\n' '{"id":"1","title":"graph decompositions"}' '{"id":"2","titles":"graph"}' '{"id":"3","titles":[{"score":1}]}' '{"id":"4"}' '{' > "$TMP/hyp.jsonl"
title-eval --ref "$TMP/ref.jsonl" --hyp "$TMP/hyp.jsonl" --per-example > "$TMP/out.tsv"
status=$?
awk -F'\t' '$2 == "model"' "$TMP/out.tsv"
exit $status
