# --stats: read, kept, skipped on stderr
arxiv-filter-cat --stats --count cs -i $TESTDATA/filter-bad.ndjson
