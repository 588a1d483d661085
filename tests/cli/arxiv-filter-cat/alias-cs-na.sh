# cs.NA selector matches a math.NA-only record
arxiv-filter-cat cs.NA -i $TESTDATA/filter-mix.ndjson | sed 's/^{"id":"\([^"]*\)".*/\1/'
