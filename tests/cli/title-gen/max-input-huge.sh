# a 16 MB abstract with --max-input-tokens 163: only as much of it is encoded as
# the cut needs (a whole encoding took about 36 bytes a byte, 1.8 GB for 50 MB),
# and the titles are those of the abstract's first 4000 bytes. Run under a
# 400 MB address-space limit (not with AddressSanitizer, which reserves terabytes).
yes 'deep learning of graph structure with attention' | head -c 16000000 | tr '\n' ' ' > $TMP/big.txt
echo >> $TMP/big.txt
head -c 4000 $TMP/big.txt > $TMP/small.txt
echo >> $TMP/small.txt
ldd "$(command -v title-gen)" | grep -q libasan || ulimit -v 400000
a=(-m "$TESTDATA/lt-model" --text --max-input-tokens 163 --max-new-tokens 6 --beams 2 --n 2 --ids)
title-gen "${a[@]}" $TMP/big.txt | jq -c .titles > $TMP/big.out || exit
title-gen "${a[@]}" $TMP/small.txt | jq -c .titles > $TMP/small.out || exit
cmp $TMP/big.out $TMP/small.out && echo "same titles as the first 4000 bytes"
