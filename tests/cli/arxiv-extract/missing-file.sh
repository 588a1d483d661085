arxiv-extract /nonexistent/dump.json
