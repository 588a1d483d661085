# one day: --since and --until both inclusive
arxiv-filter-cat --since 2007-04-04 --until 2007-04-04 -i $TESTDATA/filter-mix.ndjson | sed 's/^{"id":"\([^"]*\)".*/\1/'
