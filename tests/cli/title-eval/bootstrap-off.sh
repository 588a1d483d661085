# --bootstrap 0: means only, no intervals.
cd "$TMP" && cp "$SHARED/data/arxiv/kaggle-first200.ndjson" ref.jsonl || exit 1
title-eval --ref ref.jsonl --bootstrap 0
