arxiv-filter-cat --since 2020-01-02 --until 2020-01-01 cs < /dev/null
