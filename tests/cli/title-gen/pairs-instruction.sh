# pairs from pair-build: "input" is the abstract and the record's own instruction is used,
# exactly as --instruction with the same text would
. ./tg-model.inc
jq -cR '{instruction: "Write a title.", input: ., output: "x"}' < "$ABS" > $TMP/pairs
a=$(title-gen -m "$M" --beams 2 --n 2 --max-new-tokens 6 --ids $TMP/pairs | jq -c .titles)
b=$(title-gen -m "$M" --text --instruction "Write a title." --beams 2 --n 2 --max-new-tokens 6 --ids < "$ABS" | jq -c .titles)
c=$(title-gen -m "$M" --text --beams 2 --n 2 --max-new-tokens 6 --ids < "$ABS" | jq -c .titles)
[ "$a" = "$b" ] && echo same
[ "$a" != "$c" ] && echo different
