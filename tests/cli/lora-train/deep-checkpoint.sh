# a checkpoint whose header is nested 400,000 levels deep is refused with the
# file named, before a tree is built (yajl_tree_free recursed past the stack: SIGSEGV)
a="-m $TESTDATA/lt-model -t $TESTDATA/lt-train.tok --batch-size 8 --micro-batch-size 4 --max-steps 4 -j 1"
lora-train $a -o "$TMP/b" --stop-after 2 || exit 1
{ printf '\000\065\014\000\000\000\000\000'; head -c 400000 /dev/zero | tr '\0' '['
  head -c 400000 /dev/zero | tr '\0' ']'; } > "$TMP/b/checkpoint-2/checkpoint.safetensors"     # header: 800000 bytes
lora-train $a -o "$TMP/b" --resume "$TMP/b/checkpoint-2"
