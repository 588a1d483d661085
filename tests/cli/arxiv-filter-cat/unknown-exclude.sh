# --exclude selectors are checked too
arxiv-filter-cat cs -x math.XX < /dev/null
