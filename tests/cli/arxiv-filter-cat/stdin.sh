# records from standard input by default
arxiv-filter-cat cs.IT < $TESTDATA/filter-mix.ndjson | sed 's/^{"id":"\([^"]*\)".*/\1/'
