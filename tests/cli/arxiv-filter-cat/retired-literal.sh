# --no-aliases math.AG does not match alg-geom
arxiv-filter-cat --no-aliases math.AG -i $TESTDATA/filter-mix.ndjson | sed 's/^{"id":"\([^"]*\)".*/\1/'
