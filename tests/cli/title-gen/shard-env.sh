# without --shard, the rank and size of mpirun (OMPI_*), MPICH or srun --mpi
# (PMI_*) or srun (SLURM_*) choose the shard, said on standard error; a size of
# 1 is no sharding; --shard goes before them; a bad value is a usage error
. ./tg-model.inc
printf '%s\n' "$(cat "$ABS")" "$(cut -c1-100 "$ABS")" "$(cut -c50- "$ABS")" "$(cut -c20-150 "$ABS")" > $TMP/in
tg() { title-gen -m "$M" --text --beams 1 --max-new-tokens 3 "$@" $TMP/in; }
tg --shard 1/3 > $TMP/want
OMPI_COMM_WORLD_RANK=1 OMPI_COMM_WORLD_SIZE=3 SLURM_PROCID=0 SLURM_NTASKS=2 tg | cmp - $TMP/want && echo "OMPI: shard 1/3"
PMI_RANK=1 PMI_SIZE=3 tg | cmp - $TMP/want && echo "PMI: shard 1/3"
SLURM_PROCID=1 SLURM_NTASKS=3 tg | cmp - $TMP/want && echo "SLURM: shard 1/3"
SLURM_PROCID=0 SLURM_NTASKS=3 tg --shard 1/3 | cmp - $TMP/want && echo "--shard before SLURM"
SLURM_PROCID=0 SLURM_NTASKS=1 tg > $TMP/one 2> $TMP/one.err; tg | cmp - $TMP/one && [ ! -s $TMP/one.err ] && echo "size 1: all records, quietly"
SLURM_PROCID=3 SLURM_NTASKS=3 tg; echo "rank 3 of 3: exit $?"
tg --shard 2/2; echo "--shard 2/2: exit $?"
tg --shard 1/2x; echo "--shard 1/2x: exit $?"
title-gen -m "$M" --serve --shard 0/2; echo "--serve --shard: exit $?"
title-gen --shard-merge --shard 0/2 $TMP/want; echo "--shard-merge --shard: exit $?"
title-gen --shard-merge; echo "--shard-merge without files: exit $?"
