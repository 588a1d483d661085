arxiv-extract --progress "$DATA/arxiv-sample.ndjson.zst" > /dev/null
