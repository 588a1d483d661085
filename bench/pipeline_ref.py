#!/usr/bin/env python3
"""Reference implementation of the gentitle data pipeline, for bench/pipeline.sh.

Does in one process, one streaming loop, with the Python 3 standard library only,
the work of

    arxiv-extract | arxiv-filter-cat SELECTOR... [--since D] [--until D]
        | abstract-clean | pair-build --split A:B:C --out PREFIX

on raw arXiv dump lines (plain NDJSON; feed .zst files through zstdcat):

  1. extract: parse the dump line (json), check the fields a record needs,
     build the record (categories split on spaces, primary category = the first,
     v1_date from the "v1" entry of versions);
  2. filter: selectors resolved against data/categories.tsv like
     arxiv-filter-cat does (group, archive, code, glob; alias_of and subsumed_by
     equivalence classes), --since/--until on v1_date, inclusive;
  3. clean, with abstract-clean's default rules (--latex keep): runs of
     whitespace -> one space, trimmed, in title and abstract; a title's final
     period removed (not after "..", "U.S.", "et al."); withdrawn papers dropped
     (the same two regular expressions); word bounds on both;
  4. pairs: de-duplication by id and by normalised title+abstract (first seen
     wins), hashed train/val/test split by id (the same hash as pair-build, so
     the split counts can be compared), alpaca JSON lines written to
     PREFIX.{train,val,test}.jsonl.

Prints one summary line on stderr:
    ref: read N extracted E selected S cleaned C pairs P (train T val V test X) dup-id I dup-text D
"""
import argparse
import fnmatch
import json
import os
import re
import sys

MASK64 = (1 << 64) - 1
GOLDEN = 0x9e3779b97f4a7c15


def _mix64(x):
    x ^= x >> 30
    x = (x * 0xbf58476d1ce4e5b9) & MASK64
    x ^= x >> 27
    x = (x * 0x94d049bb133111eb) & MASK64
    return x ^ (x >> 31)


def gt_hash64(b, seed=0):
    """lib/core/util.c gt_hash64 (so an id lands in the split pair-build puts it in)."""
    n = len(b)
    h = _mix64(seed ^ GOLDEN ^ n)
    i = 0
    while n - i >= 8:
        h = (_mix64(h ^ int.from_bytes(b[i:i + 8], "little")) + GOLDEN) & MASK64
        i += 8
    t = int.from_bytes(b[i:], "little")
    return _mix64(h ^ t ^ (((n - i) << 56) & MASK64))


# ---- taxonomy and selectors (arxiv-filter-cat semantics) ----

def load_taxonomy(path):
    rows = []
    with open(path, encoding="utf-8") as f:
        head = f.readline().rstrip("\n").split("\t")
        col = {name: i for i, name in enumerate(head)}
        for line in f:
            p = line.rstrip("\n").split("\t")
            if len(p) < len(head):
                p += [""] * (len(head) - len(p))
            rows.append({k: p[i] for k, i in col.items()})
    return rows


def resolve(selectors, tax, literal=False):
    """Selectors -> (set of taxonomy codes, list of globs for unknown codes)."""
    codes = [r["code"] for r in tax]
    known = set(codes)
    groups = {r["group"] for r in tax}
    archives = {r["archive"] for r in tax}
    # equivalence classes over alias_of and subsumed_by (union-find)
    parent = {c: c for c in codes}

    def find(c):
        while parent[c] != c:
            parent[c] = parent[parent[c]]
            c = parent[c]
        return c
    for r in tax:
        for other in (r.get("alias_of", ""), r.get("subsumed_by", "")):
            if other in known:
                parent[find(r["code"])] = find(other)
    chosen, globs = set(), []
    for s in selectors:
        if s.startswith("group:"):
            got = {r["code"] for r in tax if r["group"] == s[6:]}
        elif s.startswith("archive:"):
            got = {r["code"] for r in tax if r["archive"] == s[8:]}
        elif s in groups:
            got = {r["code"] for r in tax if r["group"] == s}
        elif s in archives:
            got = {r["code"] for r in tax if r["archive"] == s}
        elif s in known:
            got = {s}
        elif any(ch in s for ch in "*?["):
            got = {c for c in codes if fnmatch.fnmatchcase(c, s)}
            globs.append(s)
        else:
            got = set()
        if not got:
            sys.exit("pipeline_ref: selector '%s' matches no category" % s)
        chosen |= got
    if not literal:
        cls = {find(c) for c in chosen}
        chosen = {c for c in codes if find(c) in cls}
    return chosen, known, globs


# ---- cleanup ----

# abstract-clean's whitespace (lib/text/clean.c): ASCII space, tab, LF, CR, VT, FF and the
# Unicode spaces U+0085, U+00A0, U+1680, U+2000-U+200A, U+2028, U+2029, U+202F, U+205F, U+3000
WS = re.compile("[ \t\n\r\v\f\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+")

# abstract-clean's withdrawal notices (lib/text/clean.c; caseless, ASCII \b \w \s): at the start,
# or anywhere; only tried when the text holds "ithdr" or "ITHDR", as there
_NOUN = (r"(?:paper|article|submission|manuscript|note|comment|preprint|posting|work|version"
         r"|letter|report|abstract|contribution|e-?print|draft|entry)s?")
_WD = r"withdr[aoe]wn\b"
_VERB = r"(?:(?:is|was|are|were|has|have|had)\s+)"
_ADV = r"(?:(?:been|being|now|hereby|temporarily|permanently|officially)\s+)*"
WD_START = re.compile(
    r"(?:(?:arxiv\s+)?admin(?:istrators?)?\s+note\s*:\s*)?"
    r"(?:(?:this\s+|the\s+)?(?:" + _NOUN + r"\s+)?" + _WD +
    r"|(?:(?:this|the|our)\s+(?:\w+\s+)?)?" + _NOUN + r"(?:\s*\(s\))?"
    r"(?:\s*,[^.;]{0,200}?,|\s+is\s+\w+\s+and)?\s+" + _VERB + "?" + _ADV + _WD + ")",
    re.I | re.A)
WD_ANY = re.compile(
    r"\b(?:we|i|authors?)\s+(?:(?:would\s+like\s+to|have|hereby|decided\s+to|must|therefore"
    r"|thus|now)\s+)*withdr[ae]wn?\s+(?:this|the|our)\s+(?:\w+\s+)?" + _NOUN + r"\b"
    r"|[.!?]\s+(?:this|the|our)\s+(?:\w+\s+)?" + _NOUN + r"(?:\s*\(s\))?\s+" + _VERB + _ADV + _WD,
    re.I | re.A)


def withdrawn(s):
    if "ithdr" not in s and "ITHDR" not in s:
        return False
    return bool(WD_START.match(s) or WD_ANY.search(s))


ABBREVS = frozenset("al etc vs cf resp approx jr sr inc ltd corp st dr mr mrs ms prof vol fig "
                    "figs eq eqs ref refs sec ch pp ed eds nucl".split())
TRAILING_LETTERS = re.compile(r"[A-Za-z]*\Z")


def title_period(s):
    """abstract-clean's rule: one trailing '.' removed, unless the title ends '..', or the
    last word holds another '.' ("U.S."), or ends in an abbreviation ("et al."); a lone '.'
    word goes, with the spaces before it, and the rule is applied again."""
    n = len(s)
    while n > 0 and s[n - 1] == ".":
        if n >= 2 and s[n - 2] == ".":
            break
        w = s.rfind(" ", 0, n - 1) + 1
        if w == n - 1:
            n = w
            while n > 0 and s[n - 1] == " ":
                n -= 1
            continue
        word = s[w:n - 1]
        if "." in word:
            break
        letters = TRAILING_LETTERS.search(word).group()
        if 0 < len(letters) <= 6 and letters.lower() in ABBREVS:
            break
        n -= 1
        break
    return s[:n]


# pair-build's normalisation: ASCII letters lower-cased, digits kept, other ASCII dropped,
# UTF-8 bytes kept
NORM_TABLE = bytes(range(256)).lower()
NORM_DROP = bytes(c for c in range(128) if not chr(c).isalnum())

MONTHS = {m: "%02d" % (i + 1) for i, m in enumerate(
    "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split())}


def v1_date(versions):
    """'Mon, 2 Apr 2007 19:18:42 GMT' of the v1 entry (or the first) -> '2007-04-02'."""
    if not isinstance(versions, list) or not versions:
        return None
    v = versions[0]
    for e in versions:
        if isinstance(e, dict) and e.get("version") == "v1":
            v = e
            break
    try:
        p = v["created"].split(",")[-1].split()
        return "%s-%s-%02d" % (p[2], MONTHS[p[1]], int(p[0]))
    except (LookupError, TypeError, ValueError, AttributeError):
        return None


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("selectors", nargs="+", metavar="SELECTOR")
    ap.add_argument("--since", default="")
    ap.add_argument("--until", default="")
    ap.add_argument("--split", default="98:1:1")
    ap.add_argument("--out", required=True, metavar="PREFIX")
    ap.add_argument("--input", default="-", help="dump file (default: stdin)")
    ap.add_argument("--taxonomy", default=os.path.join(here, "..", "data", "categories.tsv"))
    ap.add_argument("--min-words", type=int, default=20)
    ap.add_argument("--max-words", type=int, default=600)
    ap.add_argument("--min-title-words", type=int, default=2)
    ap.add_argument("--max-title-words", type=int, default=40)
    ap.add_argument("--instruction",
                    default="If you are an expert in writing papers, please generate a good "
                            "paper title for this paper based on other authors' descriptions "
                            "of their abstracts.")
    a = ap.parse_args()

    chosen, known, globs = resolve(a.selectors, load_taxonomy(a.taxonomy))
    globs_re = re.compile("|".join(fnmatch.translate(g) for g in globs)) if globs else None
    since, until = a.since, a.until or "9999-99-99"
    dated = bool(a.since or a.until)
    w = [int(x) for x in a.split.split(":")] + [0]
    w_train, w_val, w_total = w[0], w[0] + w[1], w[0] + w[1] + w[2]
    names = ("train", "val", "test")
    outs = [open("%s.%s.jsonl" % (a.out, n), "w", encoding="utf-8", newline="\n",
                 buffering=1 << 20) for n in names]
    counts = [0, 0, 0]
    seen_id, seen_text = set(), set()
    n_read = n_ext = n_sel = n_clean = dup_id = dup_text = 0
    ws_sub = WS.sub
    loads, dumps = json.loads, json.dumps
    min_w, max_w = a.min_words, a.max_words
    min_tw, max_tw = a.min_title_words, a.max_title_words
    instruction = a.instruction

    src = sys.stdin.buffer if a.input == "-" else open(a.input, "rb")
    for line in src:
        n_read += 1
        # 1. extract: parse, validate, build the record
        try:
            d = loads(line)
            rec_id, title, abstract, cats = d["id"], d["title"], d["abstract"], d["categories"]
            if not (isinstance(rec_id, str) and isinstance(title, str)
                    and isinstance(abstract, str) and isinstance(cats, str)):
                continue
        except (ValueError, KeyError, TypeError):
            continue
        cats = cats.split()
        if not cats or not title.strip() or not abstract.strip():
            continue
        rec = {
            "id": rec_id, "title": title, "abstract": abstract,
            "categories": cats, "primary_category": cats[0],
            "authors": d.get("authors"), "v1_date": v1_date(d.get("versions")),
            "update_date": d.get("update_date"), "doi": d.get("doi"),
            "journal_ref": d.get("journal-ref"),
        }
        n_ext += 1
        # 2. filter: categories, then dates
        for c in cats:
            if c in chosen or (globs_re is not None and c not in known and globs_re.match(c)):
                break
        else:
            continue
        if dated:
            date = rec["v1_date"]
            if date is None or date < since or date > until:
                continue
        n_sel += 1
        # 3. clean
        abstract = ws_sub(" ", abstract).strip(" ")
        title = ws_sub(" ", title).strip(" ")
        if title.endswith("."):
            title = title_period(title)
        if not title or not abstract or withdrawn(abstract):
            continue
        nw = abstract.count(" ") + 1
        if (min_w and nw < min_w) or (max_w and nw > max_w):
            continue
        nt = title.count(" ") + 1
        if (min_tw and nt < min_tw) or (max_tw and nt > max_tw):
            continue
        rec["title"], rec["abstract"] = title, abstract
        n_clean += 1
        # 4. pairs: dedupe by id (every record that reaches it), then by normalised text
        if rec_id in seen_id:
            dup_id += 1
            continue
        seen_id.add(rec_id)
        norm = (title.encode().translate(NORM_TABLE, NORM_DROP) + b"\0"
                + abstract.encode().translate(NORM_TABLE, NORM_DROP))
        if len(norm) > 1:           # (a set of 64-bit hashes, as pair-build keeps)
            hk = hash(norm)
            if hk in seen_text:
                dup_text += 1
                continue
            seen_text.add(hk)
        b = (gt_hash64(rec_id.encode()) * w_total) >> 64
        k = 0 if b < w_train else (1 if b < w_val else 2)
        pair = {"instruction": instruction, "input": abstract, "output": title,
                "id": rec_id, "categories": cats}
        if rec["v1_date"] is not None:
            pair["v1_date"] = rec["v1_date"]
        outs[k].write(dumps(pair, ensure_ascii=False, separators=(",", ":")) + "\n")
        counts[k] += 1
    for f in outs:
        f.close()
    print("ref: read %d extracted %d selected %d cleaned %d pairs %d (train %d val %d test %d)"
          " dup-id %d dup-text %d"
          % (n_read, n_ext, n_sel, n_clean, sum(counts), *counts, dup_id, dup_text),
          file=sys.stderr)


if __name__ == "__main__":
    main()
