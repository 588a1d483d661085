for i in $(seq 300); do cat "$TESTDATA/clean-first20.ndjson"; done | abstract-clean | head -1 | cut -c1-20
