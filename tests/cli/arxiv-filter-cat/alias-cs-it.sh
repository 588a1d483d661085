# selector cs.IT matches a record listing only math.IT (edited from a real record)
arxiv-filter-cat cs.IT -i $TESTDATA/filter-mix.ndjson -i $TESTDATA/filter-edited.ndjson | sed 's/^{"id":"\([^"]*\)".*/\1/'
