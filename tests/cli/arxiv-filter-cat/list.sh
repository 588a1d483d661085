# --list shows what selectors resolve to
arxiv-filter-cat --list 'hep-*' math.IT alg-geom
