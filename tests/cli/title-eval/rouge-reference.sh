# Per-example ROUGE-1/2/L F1 of the baselines on 2000 real records against
# Google's rouge-score (tests/reference/rouge_reference.py wrote the fixture:
# first sentence for all 2000, first 12 words and the oracle sentence for the
# first 500): every one of the 3000 scores must agree to 1e-6.
zstdcat "$SHARED/data/arxiv/arxiv-2020.ndjson.zst" | head -2000 > "$TMP/ref.jsonl"
title-eval --ref "$TMP/ref.jsonl" --per-example > "$TMP/got.tsv" || exit 1
awk -F'\t' '
    NR == FNR { want[$1 "\t" $2] = $3 "\t" $4 "\t" $5; next }
    FNR == 1 { next }
    ($1 "\t" $2) in want {
        split(want[$1 "\t" $2], w, "\t"); n++
        for (i = 1; i <= 3; i++) {
            d = w[i] - $(i + 2); if (d < 0) d = -d
            if (d > 1e-6) { bad++; if (bad <= 5) print "differs:", $1, $2, i, w[i], $(i + 2); break }
        }
    }
    END { print n + 0, "compared,", bad + 0, "differ" }' "$TESTDATA/eval-rouge-ref.tsv" "$TMP/got.tsv"
