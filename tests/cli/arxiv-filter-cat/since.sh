# --since is inclusive, on v1_date
arxiv-filter-cat --since 2025-06-09 cs -i $TESTDATA/filter-mix.ndjson | sed 's/^{"id":"\([^"]*\)".*/\1/'
