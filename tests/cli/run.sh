#!/bin/sh
# Golden tool tests, in the spirit of zstd's tests/cli-tests.
#
# Each case is tests/cli/TOOL/NAME.sh (run by bash in its own folder, with the
# built tools first on PATH), beside which:
#   NAME.out   exact expected standard output (not checked when absent)
#   NAME.err   extended regexps, one per line, each must match some line of
#              standard error (when absent, standard error must be empty)
#   NAME.exit  expected exit status (0 when absent)
# A case that exits 77 without a NAME.exit saying 77 is skipped (what it
# needs is missing: the first line of its standard error says what).
# Variables for cases: $SHARED (../shared data), $DATA (repo data/),
# $TESTDATA (tests/data), $TMP (a fresh empty folder).
# Usage: tests/cli/run.sh BUILD [CASE-GLOB]
set -u
build=${1:-build}
only=${2:-}
root=$(cd "$(dirname "$0")/../.." && pwd)
bin=$(cd "$root/$build/bin" && pwd) || exit 1
SHARED=${GT_SHARED:-$root/../shared}
[ -d "$SHARED" ] || { echo "tests: no shared data at $SHARED (set GT_SHARED)"; exit 1; }
SHARED=$(cd "$SHARED" && pwd)
export SHARED DATA="$root/data" TESTDATA="$root/tests/data" PATH="$bin:$PATH" LC_ALL=C
results="$root/$build/results"
pass=0 fail=0 skip=0
for c in "$root"/tests/cli/*/*.sh; do
    [ -e "$c" ] || continue
    dir=$(dirname "$c")
    name=$(basename "$c" .sh)
    id="$(basename "$dir")/$name"
    case "$id" in *"$only"*) ;; *) continue ;; esac
    TMP=$(mktemp -d)
    export TMP
    (cd "$dir" && bash "$c" >"$TMP/.stdout" 2>"$TMP/.stderr" </dev/null)
    status=$?
    want=0
    [ -f "$dir/$name.exit" ] && want=$(cat "$dir/$name.exit")
    if [ "$status" = 77 ] && [ "$want" != 77 ]; then
        skip=$((skip + 1)); echo "SKIP cli/$id: $(head -1 "$TMP/.stderr")" >> "$results"
        rm -rf "$TMP"
        continue
    fi
    why=""
    [ "$status" = "$want" ] || why="exit status $status, expected $want"
    if [ -z "$why" ] && [ -f "$dir/$name.out" ] && ! cmp -s "$dir/$name.out" "$TMP/.stdout"; then
        why="stdout differs: $(diff "$dir/$name.out" "$TMP/.stdout" | head -5 | tr '\n' '|')"
    fi
    if [ -z "$why" ]; then
        if [ -f "$dir/$name.err" ]; then
            while IFS= read -r pat; do
                [ -n "$pat" ] || continue
                grep -Eq -- "$pat" "$TMP/.stderr" || { why="stderr lacks /$pat/: $(head -3 "$TMP/.stderr" | tr '\n' '|')"; break; }
            done < "$dir/$name.err"
        elif [ -s "$TMP/.stderr" ]; then
            why="unexpected stderr: $(head -3 "$TMP/.stderr" | tr '\n' '|')"
        fi
    fi
    if [ -z "$why" ]; then
        pass=$((pass + 1)); echo "PASS cli/$id" >> "$results"
    else
        fail=$((fail + 1)); echo "FAIL cli/$id: $why" >> "$results"
        echo "FAIL cli/$id: $why"
    fi
    rm -rf "$TMP"
done
skipped=""
[ "$skip" -eq 0 ] || skipped=", $skip skipped"
echo "tool tests ($build): $pass passed, $fail failed$skipped"
