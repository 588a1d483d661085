# An unopenable hypothesis file: exit 66, nothing printed.
title-eval --ref "$SHARED/data/arxiv/kaggle-first200.ndjson" --hyp "$TMP/nonexistent.jsonl"
