#!/bin/sh
# Print the failures and the closing line "N passed, M failed" over result files.
cat "$@" 2>/dev/null | grep '^FAIL ' | sed 's/^/  /'
p=$(cat "$@" 2>/dev/null | grep -c '^PASS ')
f=$(cat "$@" 2>/dev/null | grep -c '^FAIL ')
for r in "$@"; do [ -f "$r" ] || { echo "missing results: $r"; f=$((f + 1)); }; done
echo "$p passed, $f failed"
[ "$f" -eq 0 ]
