# a record without update_date is dropped silently with --updated
arxiv-filter-cat --updated --until 2030-12-31 -i $TESTDATA/filter-edited.ndjson | sed 's/^{"id":"\([^"]*\)".*/\1/'
