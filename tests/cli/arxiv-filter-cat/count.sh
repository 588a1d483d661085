# --count prints only the number of kept records
arxiv-filter-cat --count physics -i $TESTDATA/filter-mix.ndjson
