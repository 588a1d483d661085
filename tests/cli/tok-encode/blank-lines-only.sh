# pairs of only blank lines (no record: as a shard of tok-encode --shard gets
# when the records all go to other shards): a stream of just its header, exit
# 0 (an empty batch's output was written from a NULL buffer: UBSan stopped it)
T="$SHARED/models/llama2-tokenizer"
printf '\n\n\n' | tok-encode -m "$T" | wc -c
printf '\n\n\n' > $TMP/in; tok-encode -m "$T" --shard 2/3 $TMP/in | wc -c
