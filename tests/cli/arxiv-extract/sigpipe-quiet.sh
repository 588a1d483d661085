arxiv-extract "$DATA/arxiv-sample.ndjson.zst" "$DATA/arxiv-sample.ndjson.zst" | head -1 | jq -r .id
