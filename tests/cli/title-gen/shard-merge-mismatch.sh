# --shard-merge refuses outputs that do not line up: one with a record too
# many (of another input, or a shard that stopped early: what lines up is
# written), shards out of order or of another N (each output starts with its
# shard's {"gentitle-shard":"K/N"} line), a plain output among shards; a
# missing file exits 66
. ./tg-model.inc
for i in 1 2 3 4 5 6 7; do echo "$(cut -c$i- "$ABS")"; done > $TMP/in
for K in 0 1 2; do title-gen -m "$M" --text --beams 1 --max-new-tokens 2 --shard $K/3 $TMP/in > $TMP/out.$K; done
head -1 $TMP/out.1
cp $TMP/out.2 $TMP/more.2; echo '{"extra": 1}' >> $TMP/more.2
title-gen --shard-merge $TMP/out.0 $TMP/out.1 $TMP/more.2 | wc -l; echo "record too many: exit ${PIPESTATUS[0]}"
title-gen --shard-merge $TMP/out.1 $TMP/out.0 $TMP/out.2 | wc -l; echo "out of order: exit ${PIPESTATUS[0]}"
title-gen --shard-merge $TMP/out.0 $TMP/out.2 | wc -l; echo "a shard left out: exit ${PIPESTATUS[0]}"
title-gen -m "$M" --text --beams 1 --max-new-tokens 2 $TMP/in > $TMP/plain
title-gen --shard-merge $TMP/out.0 $TMP/plain $TMP/out.2 | wc -l; echo "a plain output: exit ${PIPESTATUS[0]}"
title-gen --shard-merge $TMP/plain | cmp - $TMP/plain && echo "one plain output: copied"
title-gen --shard-merge $TMP/out.0 $TMP/out.1 $TMP/nothere; echo "missing: exit $?"
