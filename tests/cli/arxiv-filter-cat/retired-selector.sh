# retired code as selector matches its successor
arxiv-filter-cat alg-geom -i $TESTDATA/filter-mix.ndjson | sed 's/^{"id":"\([^"]*\)".*/\1/'
