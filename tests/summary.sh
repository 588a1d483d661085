#!/bin/sh
# Print the failures, the skipped cases and the closing line "N passed, M failed[, K skipped]" over result files.
cat "$@" 2>/dev/null | grep '^FAIL ' | sed 's/^/  /'
p=$(cat "$@" 2>/dev/null | grep -c '^PASS ')
f=$(cat "$@" 2>/dev/null | grep -c '^FAIL ')
for r in "$@"; do [ -f "$r" ] || { echo "missing results: $r"; f=$((f + 1)); }; done
s=$(cat "$@" 2>/dev/null | grep -c '^SKIP ')
[ "$s" -eq 0 ] || cat "$@" 2>/dev/null | grep '^SKIP ' | sed 's/^/  /'
if [ "$s" -eq 0 ]; then echo "$p passed, $f failed"; else echo "$p passed, $f failed, $s skipped"; fi
[ "$f" -eq 0 ]
