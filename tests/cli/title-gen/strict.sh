# --strict stops at the first bad line
. ./tg-model.inc
{ echo '{"id":"b"}'; jq -cR '{id: "a", abstract: .}' < "$ABS"; } > $TMP/in
title-gen -m "$M" --strict --beams 1 --max-new-tokens 3 $TMP/in
