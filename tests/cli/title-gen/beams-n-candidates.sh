# --n 3 with the default 4 beams: 3 distinct titles, best score first, the input kept
. ./tg-model.inc
title-gen -m "$M" --text --n 3 --max-new-tokens 6 < "$ABS" |
    jq -c '[.abstract == "'"$(cat "$ABS")"'", (.titles | length), (.titles | map(.title) | unique | length),
            (.titles | map(.score) | . == (sort | reverse)), (.titles | map(.score < 0) | all),
            (.titles | map(.title == (.title | gsub("^\\s+|\\s+$"; ""))) | all)]'
