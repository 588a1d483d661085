# A closed pipe ends title-eval quietly (no message on standard error).
zstdcat "$SHARED/data/arxiv/arxiv-2020.ndjson.zst" | head -300 > "$TMP/ref.jsonl"
title-eval --ref "$TMP/ref.jsonl" --per-example | head -1
