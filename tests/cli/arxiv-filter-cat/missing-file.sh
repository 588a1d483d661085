# an input that cannot be opened: exit 66, nothing written
arxiv-filter-cat cs -i $TESTDATA/filter-mix.ndjson -i $TMP/nonexistent.ndjson
