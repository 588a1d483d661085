# -j 1 and -j 2 give the same output
. ./tg-model.inc
a=$(title-gen -m "$M" --text -j 1 --n 2 --max-new-tokens 6 --ids < "$ABS")
b=$(title-gen -m "$M" --text -j 2 --n 2 --max-new-tokens 6 --ids < "$ABS")
[ "$a" = "$b" ] && echo same
