# selector math.IT matches a record listing only cs.IT
arxiv-filter-cat math.IT -i $TESTDATA/filter-mix.ndjson -i $TESTDATA/filter-edited.ndjson | sed 's/^{"id":"\([^"]*\)".*/\1/'
