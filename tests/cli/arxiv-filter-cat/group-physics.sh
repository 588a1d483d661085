# group physics: astro-ph, cond-mat, gr-qc, hep-*, math-ph, nlin, quant-ph, physics.*, retired chao-dyn
arxiv-filter-cat physics -i $TESTDATA/filter-mix.ndjson | sed 's/^{"id":"\([^"]*\)".*/\1/'
