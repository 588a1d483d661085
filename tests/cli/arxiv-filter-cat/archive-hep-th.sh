# hep-th is an archive with no subjects
arxiv-filter-cat hep-th -i $TESTDATA/filter-mix.ndjson | sed 's/^{"id":"\([^"]*\)".*/\1/'
