# only --exclude: keep every other record
arxiv-filter-cat -x physics -x cs -i $TESTDATA/filter-mix.ndjson | sed 's/^{"id":"\([^"]*\)".*/\1/'
