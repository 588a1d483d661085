# --until on v1_date
arxiv-filter-cat --until 1999-12-31 -i $TESTDATA/filter-mix.ndjson | sed 's/^{"id":"\([^"]*\)".*/\1/'
