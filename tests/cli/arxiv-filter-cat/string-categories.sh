# categories as a space-separated string (raw dump style)
arxiv-filter-cat cs.CL -i $TESTDATA/filter-edited.ndjson | sed 's/^{"id":"\([^"]*\)".*/\1/'
