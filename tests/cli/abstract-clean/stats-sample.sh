arxiv-extract "$DATA/arxiv-sample.ndjson.zst" | abstract-clean --stats > /dev/null
