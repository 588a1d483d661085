# a 16 MB input with --cutoff-len 256: only as much of it is encoded as the cut
# needs (a whole encoding took about 36 bytes a byte, 1.8 GB for 50 MB), and the
# example is the one a whole encoding gives: the same ids as the same pair with
# only the input's first 4000 bytes. Run under a 400 MB address-space limit
# (not with AddressSanitizer, which reserves terabytes).
text() { yes 'deep learning of graph structure with attention' | head -c "$1" | tr '\n' ' '; }
pair() { printf '{"instruction":"Write a title.","input":"%s","output":"A title"}\n' "$(text "$1")"; }
pair 16000000 > $TMP/big.jsonl
pair 4000 > $TMP/small.jsonl
ldd "$(command -v tok-encode)" | grep -q libasan || ulimit -v 400000
tok-encode -t "$TESTDATA/hf-spm.tokenizer.json" --cutoff-len 256 -f ids --pairs $TMP/big.jsonl > $TMP/big.ids || exit
tok-encode -t "$TESTDATA/hf-spm.tokenizer.json" --cutoff-len 256 -f ids --pairs $TMP/small.jsonl > $TMP/small.ids || exit
wc -w < $TMP/big.ids
cmp $TMP/big.ids $TMP/small.ids && echo "same ids as the first 4000 bytes"
tok-encode -t "$TESTDATA/hf-spm.tokenizer.json" --cutoff-len 256 --stats $TMP/big.jsonl > /dev/null
