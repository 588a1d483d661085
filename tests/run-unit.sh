#!/bin/sh
# Run unit-test binaries; append "PASS/FAIL name" lines to BUILD/results.
build=$1; shift
for t in "$@"; do
    name=$(basename "$t")
    if ! out=$("$t" 2>&1); then
        echo "$out" | grep -v '^PASS ' | sed "s|^|$name: |"
        echo "$out" | grep -q '^FAIL ' || out="$out
FAIL $name (exited with an error)"
    fi
    echo "$out" | grep -E '^(PASS|FAIL) ' | sed "s|^\(PASS\|FAIL\) |\1 unit/$name/|" >> "$build/results"
done
printf 'unit tests (%s): %s passed, %s failed\n' "$build" \
    "$(grep -c '^PASS unit/' "$build/results" 2>/dev/null || echo 0)" \
    "$(grep -c '^FAIL unit/' "$build/results" 2>/dev/null || echo 0)"
