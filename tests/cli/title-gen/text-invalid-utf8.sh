# --text: a line that is not UTF-8 is reported and skipped
. ./tg-model.inc
printf 'abc \377 def\n' | title-gen -m "$M" --text --beams 1 --max-new-tokens 3
