# --by-category=N: the N most frequent primary categories (first of the dump's
# space-separated "categories"), ties by name; without a model, baselines only.
cd "$TMP" && cp "$SHARED/data/arxiv/kaggle-first200.ndjson" ref.jsonl || exit 1
title-eval --ref ref.jsonl --by-category=4 --bootstrap 0
