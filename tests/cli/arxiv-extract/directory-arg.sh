arxiv-extract /
