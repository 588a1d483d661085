# --exclude with --primary looks at the first category only
arxiv-filter-cat --primary -x cs -x physics -i $TESTDATA/filter-mix.ndjson | sed 's/^{"id":"\([^"]*\)".*/\1/'
