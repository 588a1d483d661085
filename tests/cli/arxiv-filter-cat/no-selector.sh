# nothing to filter by is a usage error
arxiv-filter-cat < /dev/null
