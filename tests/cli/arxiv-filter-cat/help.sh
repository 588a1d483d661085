arxiv-filter-cat --help | head -1
