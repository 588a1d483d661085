# An MPI build started as one of several processes by a launcher that MPI
# does not see (srun without --mpi=pmix, here its environment): MPI_Init
# finds a world of one, and lora-train refuses, exit 78, rather than have
# each process train alone into the same folder; nothing is written.
. ./mpi.env
SLURM_PROCID=1 SLURM_NTASKS=2 lora-train -m "$TESTDATA/lt-model" -t "$TESTDATA/lt-train.tok" -o "$TMP/out" \
    --max-steps 1 -j 1
rc=$?
[ -e "$TMP/out" ] || echo "no output folder" >&2
exit $rc
