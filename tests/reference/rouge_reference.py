#!/usr/bin/env python3
"""Expected values for title-eval, from Google's rouge-score package.

    python3 -m venv /tmp/rvenv && /tmp/rvenv/bin/pip install rouge-score
    zstdcat $SHARED/data/arxiv/arxiv-2020.ndjson.zst | head -2000 |
        /tmp/rvenv/bin/python tests/reference/rouge_reference.py scores 500 > tests/data/eval-rouge-ref.tsv
    /tmp/rvenv/bin/python tests/reference/rouge_reference.py hyp REF.jsonl HYP.jsonl > EXPECTED
    /tmp/rvenv/bin/python tests/reference/rouge_reference.py tokens < WORDS > EXPECTED

"scores": records (id, title, abstract) on standard input; for each, the
baselines title-eval builds (first sentence: every record; first 12 words and
best sentence by ROUGE-L: the first N records), scored against the title with
RougeScorer(['rouge1','rouge2','rougeL'], use_stemmer=True); one line
"id<TAB>system<TAB>rouge1<TAB>rouge2<TAB>rougeL" per score, F1 x 100.
The sentence splitting below restates title-eval's documented rule
(lib/eval/rouge.h, title-eval(1)) independently of the C code.

"hyp REF HYP": the first of "titles" of each HYP line (title-gen output, joined
by id) scored against the REF record's title, as system "model".

"tokens": rouge-score's tokens (with stemming) of each input line.
"""
import json
import re
import sys

from rouge_score import rouge_scorer, tokenizers

ABBREV = {"al", "approx", "ca", "cf", "ch", "chap", "co", "col", "cor", "def", "dept",
          "dr", "eq", "eqs", "esp", "fig", "figs", "inc", "jr", "lem", "ltd", "mr", "mrs",
          "ms", "no", "nos", "phys", "pp", "prof", "prop", "ref", "refs", "resp", "rev",
          "sec", "secs", "sect", "st", "tab", "thm", "viz", "vol", "vs"}
ASCII_SPACE = re.compile(r"[ \t\n\r\v\f]+")


def squeeze(s):
    return ASCII_SPACE.sub(" ", s).strip(" \t\n\r\v\f")


def abbrev_dot(s, i):
    """Is the '.' at s[i] the end of an abbreviation, initial or dotted form?"""
    b = i
    while b > 0 and s[b - 1] not in " (\"'[":
        b -= 1
    w = s[b:i]
    if not w:
        return False
    if len(w) == 1:
        return bool(re.fullmatch(r"[A-Za-z]", w))
    if "." in w:
        return bool(re.fullmatch(r"[A-Za-z]{1,2}(\.[A-Za-z]{1,2})*", w))
    return w.lower() in ABBREV


def sentences(s):
    """Split a squeezed text into sentences (title-eval's rule)."""
    out, pos, n = [], 0, len(s)
    while pos < n:
        end = n
        for i in range(pos, n):
            if s[i] not in ".!?":
                continue
            j = i + 1
            while j < n and s[j] in ")]\"'":
                j += 1
            if j + 1 >= n or s[j] != " ":
                continue
            if not re.match(r"[A-Z0-9]", s[j + 1]):
                continue
            if s[i] == "." and abbrev_dot(s, i):
                continue
            end = j
            break
        out.append(s[pos:end])
        pos = end + 1
    return out


def scores(nmore):
    sc = rouge_scorer.RougeScorer(["rouge1", "rouge2", "rougeL"], use_stemmer=True)

    def line(rid, system, ref, hyp):
        r = sc.score(ref, hyp)
        print("%s\t%s\t%.6f\t%.6f\t%.6f" % (rid, system, 100 * r["rouge1"].fmeasure,
                                           100 * r["rouge2"].fmeasure, 100 * r["rougeL"].fmeasure))

    for k, raw in enumerate(sys.stdin):
        rec = json.loads(raw)
        title = rec.get("title", rec.get("output"))
        abstract = squeeze(rec.get("abstract", rec.get("input")))
        sents = sentences(abstract)
        line(rec["id"], "first-sentence", title, sents[0] if sents else "")
        if k >= nmore:
            continue
        line(rec["id"], "first-12-words", title, " ".join(abstract.split(" ")[:12]))
        best, best_f = "", -1.0
        for s in sents:
            f = sc.score(title, s)["rougeL"].fmeasure
            if f > best_f:
                best, best_f = s, f
        line(rec["id"], "oracle-sentence", title, best)


def hyp(ref_path, hyp_path):
    sc = rouge_scorer.RougeScorer(["rouge1", "rouge2", "rougeL"], use_stemmer=True)
    hyps = {}
    for raw in open(hyp_path, encoding="utf-8"):
        h = json.loads(raw)
        t = h["titles"][0]
        hyps.setdefault(h["id"], t["title"] if isinstance(t, dict) else t)
    for raw in open(ref_path, encoding="utf-8"):
        rec = json.loads(raw)
        r = sc.score(rec.get("title", rec.get("output")), hyps.get(rec["id"], ""))
        print("%s\tmodel\t%.6f\t%.6f\t%.6f" % (rec["id"], 100 * r["rouge1"].fmeasure,
                                             100 * r["rouge2"].fmeasure, 100 * r["rougeL"].fmeasure))


def tokens():
    t = tokenizers.DefaultTokenizer(use_stemmer=True)
    for raw in sys.stdin.buffer:
        s = raw.decode("utf-8", "replace").rstrip("\n")
        print(" ".join(t.tokenize(s)))


if __name__ == "__main__":
    if len(sys.argv) >= 2 and sys.argv[1] == "scores":
        scores(int(sys.argv[2]) if len(sys.argv) > 2 else 0)
    elif len(sys.argv) == 4 and sys.argv[1] == "hyp":
        hyp(sys.argv[2], sys.argv[3])
    elif len(sys.argv) == 2 and sys.argv[1] == "tokens":
        tokens()
    else:
        sys.exit(__doc__)
