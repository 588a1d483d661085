# malformed lines are reported FILE:LINE, skipped, counted; the others still come out; exit 65
arxiv-filter-cat cs hep-th hep-ph -i $TESTDATA/filter-bad.ndjson | sed 's/^{"id":"\([^"]*\)".*/\1/'
exit ${PIPESTATUS[0]}
