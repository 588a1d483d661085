# --load-8bit: 8-bit weights (about half the bytes of the F16 file), titles still come out
. ./tg-model.inc
title-gen -m "$M" --load-8bit --stats --text --beams 2 --n 2 --max-new-tokens 5 < "$ABS" | jq -c '.titles | length'
