# References as pair-build writes them (output = title, input = abstract,
# categories an array); hypotheses as {"id","output"} lines.
printf '%s\n' '{"id":"0704.0002","output":"Sparsity-certifying Graph Decompositions"}' \
    '{"id":"0704.0001","output":"Diphoton production at the LHC"}' > "$TMP/hyp.jsonl"
title-eval --ref "$TESTDATA/eval-pairs.jsonl" --hyp "$TMP/hyp.jsonl" --per-example 2>&1 | awk -F'\t' '$2 == "model"'
