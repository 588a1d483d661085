# archive:physics is only the physics.* archive, not the group
arxiv-filter-cat archive:physics -i $TESTDATA/filter-mix.ndjson | sed 's/^{"id":"\([^"]*\)".*/\1/'
