# a bad --since date is a usage error
arxiv-filter-cat --since 2020-13-01 cs < /dev/null
