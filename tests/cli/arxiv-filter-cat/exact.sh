# exact category: cs.CL (primary or not)
arxiv-filter-cat cs.CL -i $TESTDATA/filter-mix.ndjson | sed 's/^{"id":"\([^"]*\)".*/\1/'
