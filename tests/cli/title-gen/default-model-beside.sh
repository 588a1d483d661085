# No --model and no GENTITLE_*: the default model beside the executable.
# A build tree (T/build/bin/title-gen): T/data/model when it holds base.json,
# its base in T/data/base/; installed (P/bin/title-gen): P/share/gentitle/model
# and its base in P/share/gentitle/base/, also through a symbolic link to the
# executable; the build tree's folder wins over share/gentitle/; from a build
# tree only, the base is also found in REPO/data/base/ and GT_SHARED. Each
# gives the titles of the explicit command; a build tree whose data/model has
# no base.json is not used.
. ./default-model.inc
exe=$(command -v title-gen)
want=$(explicit)
mkdir -p "$TMP/T/build/bin" "$TMP/T/data/base" "$TMP/P/bin" "$TMP/P/share/gentitle/base" "$TMP/link"
cp "$exe" "$TMP/T/build/bin/title-gen"
cp -r "$F" "$TMP/T/data/model"
cp "$G/tiny-q8_0.gguf" "$TMP/T/data/base/"
[ "$(TG=$TMP/T/build/bin/title-gen tg)" = "$want" ] && echo "build tree: default = explicit"
cp "$exe" "$TMP/P/bin/title-gen"
cp -r "$F" "$TMP/P/share/gentitle/model"
cp "$G/tiny-q8_0.gguf" "$TMP/P/share/gentitle/base/"
[ "$(TG=$TMP/P/bin/title-gen tg)" = "$want" ] && echo "installed: default = explicit"
ln -s "$TMP/P/bin/title-gen" "$TMP/link/title-gen"
[ "$(TG=$TMP/link/title-gen tg)" = "$want" ] && echo "through a link: default = explicit"
# from a build tree, for any folder, the base is also looked for in
# REPO/data/base/ and in $GT_SHARED/models/smollm2-135m-instruct/
cp -r "$F" "$TMP/m2"
[ "$(GENTITLE_MODEL=$TMP/m2 TG=$TMP/T/build/bin/title-gen tg)" = "$want" ] && echo "build tree: REPO/data/base/"
mkdir -p "$TMP/sh/models/smollm2-135m-instruct"
cp "$G/tiny-q8_0.gguf" "$TMP/sh/models/smollm2-135m-instruct/"
[ "$(GENTITLE_MODEL=$TMP/m2 GT_SHARED=$TMP/sh tg)" = "$want" ] && echo "build tree: GT_SHARED"
[ "$(GENTITLE_MODEL=$TMP/m2 GT_SHARED=$TMP/sh TG=$TMP/P/bin/title-gen tg 2>/dev/null)" != "$want" ] &&
    echo "installed: not GT_SHARED"
# both layouts in one tree: T/build/share/gentitle/model is broken, data/model wins
mkdir -p "$TMP/T/build/share/gentitle/model"
[ "$(TG=$TMP/T/build/bin/title-gen tg)" = "$want" ] && echo "build tree first"
# without T/data/model/base.json, T/build/share/gentitle/model is the default
rm "$TMP/T/data/model/base.json"
"$TMP/T/build/bin/title-gen" < "$TMP/rec.jsonl"; echo "no base.json in data/model: $?"
