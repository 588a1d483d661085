pair-build --help | head -1
pair-build -h | grep -c -- '--test-since DATE'
