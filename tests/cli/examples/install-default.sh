# make install puts the default model beside the tools: MODEL_DIR (data/model;
# here the tiny fixture tests/data/default-model-tiny, data/model being made
# apart from the repository's history) into PREFIX/share/gentitle/model/, and
# its base (BASE_FILE, else what examples/find-base.sh finds, when of
# base.json's size) as PREFIX/share/gentitle/base/FILE. The installed
# title-gen then runs it with no --model and no environment: the titles of the
# explicit command. Without the base (find-base.sh finds the SmolLM2 file or
# nothing, neither the fixture's): a note, the model installed without it,
# and the installed title-gen says where it looked (exit 66).
root=$(cd ../../.. && pwd)
build=$(cd "$(dirname "$(command -v title-gen)")/.." && pwd)
case $build in "$root"/*) build=${build#"$root"/} ;; esac
F=$TESTDATA/default-model-tiny G=$TESTDATA/gguf
unset GENTITLE_MODEL GENTITLE_BASE GT_SHARED
mk() {      # the tools as built (no make variables from a make check that runs this test)
    env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL -u MAKEOVERRIDES make --no-print-directory -C "$root" install \
        BUILD="$build" PREFIX=/usr MODEL_DIR="$F" "$@"
}
mk DESTDIR="$TMP/d" BASE_FILE="$G/tiny-q8_0.gguf" > "$TMP/make.out" 2>&1 || { cat "$TMP/make.out" >&2; exit 1; }
(cd "$TMP/d/usr/share/gentitle" && find . -type f | sort)
cmp "$F/base.json" "$TMP/d/usr/share/gentitle/model/base.json" && cmp "$G/tiny-q8_0.gguf" \
    "$TMP/d/usr/share/gentitle/base/tiny-q8_0.gguf" && echo "installed as they are"
g() { "$@" --text --ids "$DATA/focus-rcnet.txt" | jq -c '.titles[0] | [.score, .ids]'; }
want=$(g title-gen --model "$G/tiny-q8_0.gguf" --lora "$F" --template "$F/prompt_template.json" --beams 1 \
    --no-repeat-ngram 2 --encoder-repetition-penalty 2 --max-new-tokens 10)
[ -n "$want" ] && [ "$(g "$TMP/d/usr/bin/title-gen")" = "$want" ] && echo "installed title-gen: default = explicit"
mk DESTDIR="$TMP/d2" > "$TMP/make2.out" 2>&1 || { cat "$TMP/make2.out" >&2; exit 1; }
grep -A1 '^note:' "$TMP/make2.out"
ls "$TMP/d2/usr/share/gentitle"
"$TMP/d2/usr/bin/title-gen" --text "$DATA/focus-rcnet.txt" 2>&1 | sed "s|$TMP/d2||g"
"$TMP/d2/usr/bin/title-gen" --text "$DATA/focus-rcnet.txt" 2>/dev/null; echo "without the base: $?"
