#!/usr/bin/env python3
"""hf_ids.py - reference ids from the Hugging Face `tokenizers` library.
Reads pairs (one JSON object a line, the text in "instruction", as
check_hf_tokenizers.sh writes them) on standard input and prints the ids of
each text, tokenizer.encode(text, add_special_tokens=False), space-separated,
one line per input line. With --decode, reads ids lines instead and prints
json.dumps(tokenizer.decode(ids, skip_special_tokens=True)) per line.
Usage: python3 hf_ids.py [--decode] tokenizer.json < in > out
"""
import json
import sys

from tokenizers import Tokenizer


def main():
    args = sys.argv[1:]
    decode = args and args[0] == "--decode"
    if decode:
        args = args[1:]
    tok = Tokenizer.from_file(args[0])
    out = sys.stdout
    batch = []

    def flush():
        if decode:
            for ids in batch:
                out.write(json.dumps(tok.decode(ids, skip_special_tokens=True), ensure_ascii=False) + "\n")
        else:
            for e in tok.encode_batch(batch, add_special_tokens=False):
                out.write(" ".join(map(str, e.ids)) + "\n")
        batch.clear()

    for line in sys.stdin:
        if decode:
            batch.append([int(x) for x in line.split()])
        else:
            batch.append(json.loads(line)["instruction"])
        if len(batch) >= 4096:
            flush()
    flush()


if __name__ == "__main__":
    main()
