# A closed pipe at the end quiets every stage.
arxiv-extract "$DATA/arxiv-sample.ndjson.zst" | arxiv-filter-cat cs | abstract-clean | pair-build | head -1 | jq -r 'keys_unsorted[0:3] | join(",")'
