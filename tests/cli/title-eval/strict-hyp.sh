# --strict stops at the first bad hypothesis line.
printf '%s\n' '{"id":"1","title":"T","abstract":"A."}' > "$TMP/ref.jsonl"
printf '%s\n' '{"id":"1"}' > "$TMP/hyp.jsonl"
title-eval --ref "$TMP/ref.jsonl" --hyp "$TMP/hyp.jsonl" --strict
