# The baselines: first sentence (not ending at "e.g." or "Fig."), first 12
# words, and the sentence with the best ROUGE-L (here the third).
printf '%s\n' '{"id":"1","title":"Sparse graph decompositions","abstract":"We use e.g. trees in Fig. 2 here. Second sentence is about nothing at all really. Sparse graphs have decompositions."}' > "$TMP/ref.jsonl"
title-eval --ref "$TMP/ref.jsonl" --per-example
