# a model directory without a tokenizer: exit 66
. ./tg-model.inc
rm "$M/tokenizer.model"
title-gen -m "$M" --text < "$ABS"
