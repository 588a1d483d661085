# lora-train built without MPI but started by an MPI launcher as one of
# several processes (here its environment as mpirun sets it): it refuses, exit
# 78, rather than have each process train alone into the same folder. An MPI
# build skips this case (mpi-lora and the others cover it).
exe=$(command -v lora-train)
ldd "$exe" | grep -q libmpi && { echo "lora-train built with MPI: the other mpi-* cases apply" >&2; exit 77; }
OMPI_COMM_WORLD_SIZE=2 OMPI_COMM_WORLD_RANK=1 lora-train -m "$TESTDATA/lt-model" -t "$TESTDATA/lt-train.tok" \
    -o "$TMP/out" --max-steps 1 -j 1
