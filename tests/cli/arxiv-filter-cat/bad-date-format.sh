# --until needs YYYY-MM-DD exactly
arxiv-filter-cat --until 2020-1-1 cs < /dev/null
