#!/bin/sh
# run.sh SECONDS FUZZER... - `make fuzz`: run each libFuzzer harness
# (build/fuzz/fuzz_NAME) for SECONDS over build/fuzz/corpus/fuzz_NAME, which
# starts as a copy of tests/fuzz/seeds/fuzz_NAME/ and keeps what it finds.
# Its output goes to build/fuzz/fuzz_NAME.log, a crashing input to
# build/fuzz/fuzz_NAME-crash-*; one line per harness; exit 1 when any failed.
set -u
secs=$1; shift
fail=0
for f in "$@"; do
    name=${f##*/}
    dir=$(dirname "$f")
    mkdir -p "$dir/corpus/$name"
    cp tests/fuzz/seeds/"$name"/* "$dir/corpus/$name/"
    log=$dir/$name.log
    if "$f" -max_total_time="$secs" -timeout=10 -print_final_stats=1 -artifact_prefix="$dir/$name-" \
        "$dir/corpus/$name" >"$log" 2>&1; then
        runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
        cov=$(sed -n 's/^#[0-9]*.*DONE *cov: \([0-9]*\).*/\1/p' "$log")
        echo "$name: ok, $runs inputs in $secs s, coverage ${cov:-?} edges"
    else
        echo "$name: FAILED (see $log):"
        grep -m 3 -E 'ERROR|SUMMARY|runtime error|Test unit written' "$log" | sed 's/^/  /'
        fail=1
    fi
done
exit $fail
