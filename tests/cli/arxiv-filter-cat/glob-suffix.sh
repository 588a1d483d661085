# shell glob *.IT: cs.IT and math.IT
arxiv-filter-cat '*.IT' -i $TESTDATA/filter-mix.ndjson | sed 's/^{"id":"\([^"]*\)".*/\1/'
