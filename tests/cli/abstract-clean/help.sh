abstract-clean --help | head -1
