# an adapter made for another model: exit 65, the file and tensor named
. ./tg-model.inc
title-gen -m "$M" --lora "$TESTDATA/tg-lora-all" --text < "$ABS"
