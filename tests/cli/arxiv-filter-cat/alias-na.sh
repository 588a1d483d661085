# math.NA and cs.NA are one category, both directions, on real records
arxiv-filter-cat math.NA -i $TESTDATA/filter-mix.ndjson | sed 's/^{"id":"\([^"]*\)".*/\1/'
