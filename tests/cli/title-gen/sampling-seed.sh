# sampling is deterministic for a seed, and another seed samples otherwise
. ./tg-model.inc
a=$(title-gen -m "$M" --text -t 1.0 --top-k 50 --top-p 0.95 --seed 7 --max-new-tokens 8 --ids < "$ABS")
b=$(title-gen -m "$M" --text -t 1.0 --top-k 50 --top-p 0.95 --seed 7 --max-new-tokens 8 --ids -j 1 < "$ABS")
c=$(title-gen -m "$M" --text -t 1.0 --top-k 50 --top-p 0.95 --seed 8 --max-new-tokens 8 --ids < "$ABS")
[ "$a" = "$b" ] && echo same
[ "$a" != "$c" ] && echo different
