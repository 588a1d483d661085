# a closed pipe ends the tool quietly (stderr must stay empty)
for i in $(seq 300); do cat $TESTDATA/filter-mix.ndjson; done > $TMP/big
arxiv-filter-cat physics -i $TMP/big | head -1 | cut -c1-20
