# -i - is standard input; several inputs in order
arxiv-filter-cat cs.IT -i $TESTDATA/filter-edited.ndjson -i - < $TESTDATA/filter-mix.ndjson | sed 's/^{"id":"\([^"]*\)".*/\1/'
