# archive math: its categories, aliases (cs.IT, cs.NA, math-ph, stat.TH) and retired codes (alg-geom)
arxiv-filter-cat math -i $TESTDATA/filter-mix.ndjson | sed 's/^{"id":"\([^"]*\)".*/\1/'
