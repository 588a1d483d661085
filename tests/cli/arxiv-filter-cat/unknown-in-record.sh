# unknown categories in records are not errors
arxiv-filter-cat quant-ph -i $TESTDATA/filter-edited.ndjson | sed 's/^{"id":"\([^"]*\)".*/\1/'
