# kept lines are written byte for byte: lines 1 and 2 of the fixture are the cs.CL records
arxiv-filter-cat cs.CL -i $TESTDATA/filter-mix.ndjson > $TMP/got
sed -n '1,2p' $TESTDATA/filter-mix.ndjson | cmp - $TMP/got && echo identical
