# --primary: only the first category counts
arxiv-filter-cat --primary cs.LG -i $TESTDATA/filter-mix.ndjson | sed 's/^{"id":"\([^"]*\)".*/\1/'
