# A repeated hypothesis id: reported, the first kept.
printf '%s\n' '{"id":"a","title":"Graph decompositions","abstract":"Text."}' > "$TMP/ref.jsonl"
printf '%s\n' '{"id":"a","title":"graph decompositions"}' '{"id":"a","title":"nothing alike"}' > "$TMP/hyp.jsonl"
title-eval --ref "$TMP/ref.jsonl" --hyp "$TMP/hyp.jsonl" --per-example | awk -F'\t' '$2 == "model"'
