# shell glob cs.* over codes (stat.ML records with cs.LG too)
arxiv-filter-cat 'cs.*' -i $TESTDATA/filter-mix.ndjson | sed 's/^{"id":"\([^"]*\)".*/\1/'
