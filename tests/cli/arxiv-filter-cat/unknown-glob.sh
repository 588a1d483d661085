# a glob matching no category is a usage error
arxiv-filter-cat 'zz.*' < /dev/null
