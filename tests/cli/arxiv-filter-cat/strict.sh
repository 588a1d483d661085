# --strict stops at the first malformed line, after writing what came before
arxiv-filter-cat --strict cs hep-th hep-ph -i $TESTDATA/filter-bad.ndjson | sed 's/^{"id":"\([^"]*\)".*/\1/'
exit ${PIPESTATUS[0]}
