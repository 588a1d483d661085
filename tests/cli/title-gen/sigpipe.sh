# a closed pipe ends title-gen quietly
. ./tg-model.inc
for i in 1 2 3; do cat "$ABS"; done > $TMP/in
title-gen -m "$M" --text --beams 1 --max-new-tokens 2 $TMP/in | head -1 | jq -r '.titles | length'
