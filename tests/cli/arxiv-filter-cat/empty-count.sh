# --count on empty input prints 0
arxiv-filter-cat --count cs < /dev/null
