# an unknown selector is a usage error, with a suggestion (case first)
arxiv-filter-cat cs.Cl -i $TESTDATA/filter-mix.ndjson
