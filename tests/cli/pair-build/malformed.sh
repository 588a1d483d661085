# Malformed lines are reported as FILE:LINE: reason, skipped and counted; the
# good records still come out; exit 65.
pair-build "$TESTDATA/pair-bad.jsonl" | python3 -c 'import json,sys; [print(json.loads(l)["id"]) for l in sys.stdin]'
exit "${PIPESTATUS[0]}"
