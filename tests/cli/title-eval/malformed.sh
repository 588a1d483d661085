# Bad reference lines are reported FILE:LINE, skipped and counted; the report
# covers the good ones and the exit status is 65.
printf '%s\n' '{"id":"1","title":"Graph decompositions","abstract":"We study graph decompositions."}' \
  'not json' '{"id":"2","abstract":"No title."}' '{"id":"3","title":"No abstract"}' '[1,2]' \
  '{"id":"4","output":"Graph decompositions","input":"Graph decompositions are studied."}' > "$TMP/ref.jsonl"
cd "$TMP" || exit 1
title-eval --ref ref.jsonl --bootstrap 0
