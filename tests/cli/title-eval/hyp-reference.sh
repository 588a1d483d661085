# The model's per-example ROUGE F1 (first of "titles" in title-gen output,
# joined by id) for the 200 records of kaggle-first200 against rouge-score's
# (tests/data/eval-hyp-ref.tsv, from tests/reference/rouge_reference.py hyp).
title-eval --ref "$SHARED/data/arxiv/kaggle-first200.ndjson" --hyp "$TESTDATA/eval-hyp.jsonl" --per-example > "$TMP/got.tsv" || exit 1
awk -F'\t' '$2 == "model"' "$TMP/got.tsv" | cut -f1-5 | diff - "$TESTDATA/eval-hyp-ref.tsv" && echo same
