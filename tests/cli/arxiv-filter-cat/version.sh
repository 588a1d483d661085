arxiv-filter-cat --version | grep -Eq '^arxiv-filter-cat \(gentitle\) [0-9]+\.[0-9]+' && echo ok
