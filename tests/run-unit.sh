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
    echo "$out" | grep -E '^(PASS|FAIL) ' | sed -E "s#^(PASS|FAIL) #\1 unit/$name/#" >> "$build/results"
done
awk -v b="$build" '/^PASS unit\//{p++} /^FAIL unit\//{f++} END{printf "unit tests (%s): %d passed, %d failed\n", b, p, f}' "$build/results"
