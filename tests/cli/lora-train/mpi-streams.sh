# Ranks that do not read the same examples (rank R reads $TMP/s.R): the rank
# whose stream differs from rank 0's (fingerprints compared at the start)
# stops the run, exit 65, naming itself and the file; a rank that cannot open
# its stream stops it likewise, exit 66. Nothing is written.
. ./mpi.env
cp "$TESTDATA/lt-train.tok" "$TMP/s.0"
cp "$TESTDATA/lt-short.tok" "$TMP/s.1"
run() {
    mpirun2 sh -c 'exec lora-train -m "$TESTDATA/lt-model" -t "$TMP/s.$OMPI_COMM_WORLD_RANK" -o "$TMP/out" --max-steps 2 -j 1' \
        2>"$TMP/err"
    echo "exit $?"
    grep '^lora-train:' "$TMP/err" | sed "s|$TMP|TMP|g"
}
run
rm "$TMP/s.1"
run
[ -e "$TMP/out" ] || echo "no output folder"
