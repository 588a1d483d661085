# --no-aliases: literal codes only
arxiv-filter-cat --no-aliases math.IT -i $TESTDATA/filter-mix.ndjson -i $TESTDATA/filter-edited.ndjson | sed 's/^{"id":"\([^"]*\)".*/\1/'
