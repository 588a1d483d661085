# --beams 1 is greedy decoding; its first 8 ids equal the float64 PyTorch reference
# (tests/reference/make_tiny_model.py), prompt built with the alpaca template
. ./tg-model.inc
title-gen -m "$M" --text --beams 1 --ids --max-new-tokens 8 < "$ABS" |
    jq -r '.titles[0].ids | map(tostring) | join(" ")' | cmp - "$TESTDATA/tg-model/greedy.ids" && echo same
