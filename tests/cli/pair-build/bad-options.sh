# Usage errors exit 64: each of these alone would.
for args in "--split 1:2:3:4" "--split 0:0:0" "--split a:b" "--test-since 2020-13-01" \
            "--val-since 2021-01-01 --test-since 2020-01-01" "--val-since 2020-01-01 --split 9:1" \
            "--seed -1" "--out=" "--bogus"; do
    pair-build $args < /dev/null
    echo "$args: $?"
done
exit 64
