pair-build --version
