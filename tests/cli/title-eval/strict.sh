# --strict: stop at the first bad line, exit 65, no report.
printf '%s\n' '{"id":"1","title":"Graph decompositions","abstract":"We study graph decompositions."}' \
  '{"id":"2"}' '{"id":"3","title":"x","abstract":"y"}' > "$TMP/ref.jsonl"
title-eval --ref "$TMP/ref.jsonl" --strict
