# a record without v1_date is dropped silently under a date filter
arxiv-filter-cat --since 1990-01-01 -i $TESTDATA/filter-edited.ndjson | sed 's/^{"id":"\([^"]*\)".*/\1/'
