arxiv-filter-cat --frobnicate cs < /dev/null
