# README's first command is run as root as it is: no sudo in it or in the
# comment above it. title-gen(1) quotes the bundled templates'
# max_input_tokens as data/model/ and data/scratch-model/ hold them.
root=../../..
awk '/^```sh/ {f = 1; next} f && /^```/ {exit} f' "$root/README.md" | head -2 > "$TMP/first"
grep -qi sudo "$TMP/first" && echo "README's first command mentions sudo" || echo "README's first command: no sudo"
grep -q '^apt-get ' "$TMP/first" && echo "it starts with apt-get"
man=$(tr '\n' ' ' < "$root/man/man1/title-gen.1")
for m in scratch-model model; do
    n=$(jq .max_input_tokens "$root/data/$m/prompt_template.json")
    case "$man" in
    *"data/$m's says $n"* | *"data/$m's $n"*) echo "title-gen(1): data/$m max_input_tokens $n as the file" ;;
    *) echo "title-gen(1) does not quote data/$m's max_input_tokens ($n)" ;;
    esac
done
