# --exclude drops records with any matching category
arxiv-filter-cat cs.LG --exclude stat.ML -i $TESTDATA/filter-mix.ndjson | sed 's/^{"id":"\([^"]*\)".*/\1/'
