# A default model folder whose base.json is missing or malformed: exit 65,
# the file named and what is wrong (not JSON, not an object, "file" not a
# plain file name, "size" not a positive whole number).
. ./default-model.inc
mkdir -p "$TMP/m"
cp "$F"/adapter_* "$F"/prompt_template.json "$F"/generation_config.json "$TMP/m/"
try() {
    GENTITLE_MODEL=$TMP/m GENTITLE_BASE=$G title-gen < "$TMP/rec.jsonl"
    echo "$1: $?"
}
try "no base.json"
while IFS='|' read -r what json; do
    printf '%s\n' "$json" > "$TMP/m/base.json"
    try "$what"
done <<'CASES'
not JSON|{"file": "tiny-q8_0.gguf",
not an object|["tiny-q8_0.gguf", 227328]
no file|{"size": 227328}
file with a slash|{"file": "../gguf/tiny-q8_0.gguf", "size": 227328}
file ..|{"file": "..", "size": 227328}
file a number|{"file": 7, "size": 227328}
no size|{"file": "tiny-q8_0.gguf"}
size a string|{"file": "tiny-q8_0.gguf", "size": "227328"}
size 0|{"file": "tiny-q8_0.gguf", "size": 0}
size a fraction|{"file": "tiny-q8_0.gguf", "size": 2.5}
CASES
printf '{"file": "tiny-q8_0.gguf", "size": 227328}\n' > "$TMP/m/base.json"
GENTITLE_MODEL=$TMP/m GENTITLE_BASE=$G tg | jq -c '"well-formed: \(.[2] | length) ids"'
