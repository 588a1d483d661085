# --name: the model's label in the report.
head -4 "$SHARED/data/arxiv/kaggle-first200.ndjson" > "$TMP/ref.jsonl"
title-eval --ref "$TMP/ref.jsonl" --hyp "$TESTDATA/eval-hyp.jsonl" --name llama-ft --per-example | cut -f2 | sort -u
