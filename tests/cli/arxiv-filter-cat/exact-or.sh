# several selectors are ORed
arxiv-filter-cat cs.CL hep-ph -i $TESTDATA/filter-mix.ndjson | sed 's/^{"id":"\([^"]*\)".*/\1/'
