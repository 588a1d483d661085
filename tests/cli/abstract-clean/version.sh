abstract-clean --version
