# --updated compares update_date
arxiv-filter-cat --updated --since 2016-01-01 -i $TESTDATA/filter-mix.ndjson | sed 's/^{"id":"\([^"]*\)".*/\1/'
