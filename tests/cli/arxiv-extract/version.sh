arxiv-extract --version
