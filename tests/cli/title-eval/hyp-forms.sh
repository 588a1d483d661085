# Hypothesis forms: "titles" of objects (first taken), of strings, empty
# (scored 0), "title", "output"; ids as numbers.
printf '%s\n' \
  '{"id":1,"title":"Graph decompositions","abstract":"We study graph decompositions. More."}' \
  '{"id":2,"title":"Graph decompositions","abstract":"We study graph decompositions. More."}' \
  '{"id":3,"title":"Graph decompositions","abstract":"We study graph decompositions. More."}' \
  '{"id":4,"title":"Graph decompositions","abstract":"We study graph decompositions. More."}' \
  '{"id":5,"title":"Graph decompositions","abstract":"We study graph decompositions. More."}' > "$TMP/ref.jsonl"
printf '%s\n' \
  '{"id":1,"title":"ignored","titles":[{"title":"graph decompositions","score":-1},{"title":"x"}]}' \
  '{"id":2,"titles":["graph","x"]}' \
  '{"id":3,"titles":[]}' \
  '{"id":4,"title":"decompositions"}' \
  '{"id":5,"output":"graph decompositions of graphs"}' > "$TMP/hyp.jsonl"
title-eval --ref "$TMP/ref.jsonl" --hyp "$TMP/hyp.jsonl" --per-example | awk -F'\t' '$2 == "model"'
