# Joined by id (every hypothesis has one) but a reference has none: malformed.
printf '%s\n' '{"id":"1","title":"T","abstract":"A."}' '{"title":"T","abstract":"A."}' > "$TMP/ref.jsonl"
printf '%s\n' '{"id":"1","title":"T"}' > "$TMP/hyp.jsonl"
title-eval --ref "$TMP/ref.jsonl" --hyp "$TMP/hyp.jsonl" --per-example
