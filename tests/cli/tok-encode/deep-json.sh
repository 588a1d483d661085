# a tokenizer.json nested 400,000 levels deep (800 KB): refused with the file
# named before a tree is built (yajl_tree_free recursed past the stack: SIGSEGV)
{ printf '{"model":'; head -c 400000 /dev/zero | tr '\0' '['; head -c 400000 /dev/zero | tr '\0' ']'; echo '}'; } \
    > $TMP/tokenizer.json
echo hi | tok-encode -t $TMP/tokenizer.json --text
