# an adapter kept apart or merged gives the same titles, and not those of the base model
. ./tg-model.inc
a=$(title-gen -m "$M" --lora "$TESTDATA/tg-lora-tg" --text --beams 3 --n 2 --max-new-tokens 8 --ids < "$ABS" | jq -c '.titles | map(.ids)')
b=$(title-gen -m "$M" --lora "$TESTDATA/tg-lora-tg" --lora-merge --text --beams 3 --n 2 --max-new-tokens 8 --ids < "$ABS" | jq -c '.titles | map(.ids)')
c=$(title-gen -m "$M" --text --beams 3 --n 2 --max-new-tokens 8 --ids < "$ABS" | jq -c '.titles | map(.ids)')
[ "$a" = "$b" ] && echo same
[ "$a" != "$c" ] && echo different
