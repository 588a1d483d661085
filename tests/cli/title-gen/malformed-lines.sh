# bad lines are reported FILE:LINE, skipped, and make the exit status 65
. ./tg-model.inc
{ jq -cR '{id: "a", abstract: .}' < "$ABS"; echo '{"id": "b", "abstract": '; echo '{"id": "c", "title": "no abstract"}'
  echo '{"id": "d", "abstract": "   "}'; echo '[1]'; jq -cR '{id: "e", input: .}' < "$ABS"; } > $TMP/in
title-gen -m "$M" --beams 1 --max-new-tokens 3 $TMP/in > $TMP/out
st=$?
jq -r .id $TMP/out
exit $st
