# A file where the base should be but of another size than base.json's "size":
# passed over with a note naming it and both sizes. When nothing else is
# found: exit 66, the list saying why; when a later place has the right
# file: the titles of the explicit command, the note on standard error.
. ./default-model.inc
mkdir -p "$TMP/short" "$TMP/t/base"
head -c 1000 "$G/tiny-q8_0.gguf" > "$TMP/short/tiny-q8_0.gguf"
GENTITLE_MODEL=$F GENTITLE_BASE=$TMP/short GT_SHARED=$TMP/shared title-gen < "$TMP/rec.jsonl"; echo "only a short file: $?"
cp -r "$F" "$TMP/t/model"
cp "$G/tiny-q8_0.gguf" "$TMP/t/base/"
[ "$(GENTITLE_MODEL=$TMP/t/model GENTITLE_BASE=$TMP/short/tiny-q8_0.gguf tg)" = "$(explicit)" ] &&
    echo "then MODEL/../base/: default = explicit"
