# shell glob hep-*
arxiv-filter-cat 'hep-*' -i $TESTDATA/filter-mix.ndjson | sed 's/^{"id":"\([^"]*\)".*/\1/'
