# math.AG also matches retired alg-geom
arxiv-filter-cat math.AG -i $TESTDATA/filter-mix.ndjson | sed 's/^{"id":"\([^"]*\)".*/\1/'
