/* tok-train - learn a BPE vocabulary with byte fallback, written as a Hugging
 * Face tokenizer.json (see bpe_train.h). */
#include "tok/bpe_train.h"
#include "io/input.h"
#include "io/output.h"
#include "core/opts.h"
#include "core/progress.h"
#include "io/record.h"
#include "core/util.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void usage(void)
{
    printf(
"Usage: tok-train --vocab-size N [OPTIONS] [FILE...]\n"
"Learn a SentencePiece-style BPE vocabulary with byte fallback from training text\n"
"and write it as a Hugging Face tokenizer.json that tok-encode, tok-decode and the\n"
"`tokenizers` library load. Input from FILEs or standard input, plain or\n"
"zstd-compressed.\n"
"\n"
"Options:\n"
"  -n, --vocab-size N      vocabulary size, special and byte pieces included\n"
"                          (at least 259: <unk> <s> </s> and <0x00>..<0xFF>)\n"
"  -i, --input-format FMT  pairs: NDJSON pairs, fields input and output (default);\n"
"                          records: NDJSON records, fields title and abstract;\n"
"                          text: plain text, one text a line\n"
"      --fields LIST       comma-separated string fields to learn from (pairs and\n"
"                          records); a null field is skipped\n"
"      --min-frequency N   characters and pairs seen fewer than N times get no\n"
"                          piece of their own (default 2)\n"
"  -o, --output FILE       write to FILE (atomically) instead of standard output\n"
"      --stats             print counts (texts, words, alphabet, merges) on\n"
"                          standard error\n"
"      --strict            stop at the first malformed line (exit 65)\n"
"  -q, --quiet             do not report each malformed line\n"
"      --max-line N        longest accepted line in bytes (default 16777216)\n"
"      --progress          show progress on standard error even when not a terminal\n"
"  -h, --help              show this help and exit\n"
"      --version           show the version and exit\n"
"\n"
"Merges never cross a word boundary (a \"\xe2\x96\x81\", that is a space); ties between\n"
"pairs of equal count go to the lexicographically smallest pair.\n"
"Exit status: 0 ok, 64 usage, 65 malformed input or no text, 66 a file cannot be\n"
"opened, 74 I/O error.\n");
}

enum { OPT_FIELDS = 256, OPT_MINFREQ, OPT_STATS };
enum { FMT_PAIRS, FMT_RECORDS, FMT_TEXT };

#define MAX_FIELDS 16

int main(int argc, char **argv)
{
    gt_init(argv[0]);
    static const struct option lo[] = {
        {"vocab-size", required_argument, NULL, 'n'},
        {"input-format", required_argument, NULL, 'i'},
        {"fields", required_argument, NULL, OPT_FIELDS},
        {"min-frequency", required_argument, NULL, OPT_MINFREQ},
        {"output", required_argument, NULL, 'o'},
        {"stats", no_argument, NULL, OPT_STATS},
        GT_OPTS_LINES,
        {NULL, 0, NULL, 0}};
    long vocab = -1, minfreq = 2;
    int fmt = FMT_PAIRS, stats = 0;
    const char *fields_arg = NULL, *outpath = NULL;
    gt_opts op;
    gt_opts_init(&op, usage);
    op.max_line_min = 1;
    op.max_line_max = 1LL << 34;
    int c;
    while ((c = getopt_long(argc, argv, "n:i:o:qh", lo, NULL)) != -1) {
        switch (c) {
        case 'n': vocab = (long)gt_parse_ll("--vocab-size", optarg, 1, 1 << 24); break;
        case 'i':
            if (strcmp(optarg, "pairs") == 0) fmt = FMT_PAIRS;
            else if (strcmp(optarg, "records") == 0) fmt = FMT_RECORDS;
            else if (strcmp(optarg, "text") == 0) fmt = FMT_TEXT;
            else gt_usage_error("--input-format: '%s' is not pairs, records or text", optarg);
            break;
        case OPT_FIELDS: fields_arg = optarg; break;
        case OPT_MINFREQ: minfreq = (long)gt_parse_ll("--min-frequency", optarg, 1, 1L << 40); break;
        case 'o': outpath = optarg; break;
        case OPT_STATS: stats = 1; break;
        default: if (!gt_opt_common(&op, c, optarg)) gt_usage_error("unknown option");
        }
    }
    if (vocab < 0) gt_usage_error("--vocab-size is required");
    if (vocab < GT_BPE_MIN_VOCAB)
        gt_usage_error("--vocab-size %ld is less than %d (3 special and 256 byte pieces)", vocab, GT_BPE_MIN_VOCAB);
    if (fmt == FMT_TEXT && fields_arg) gt_usage_error("--fields applies to pairs and records, not text");

    char *fbuf = gt_xstrdup(fields_arg ? fields_arg : fmt == FMT_RECORDS ? "title,abstract" : "input,output");
    const char *fields[MAX_FIELDS];
    int nf = 0;
    for (char *s = fbuf, *tok; (tok = strsep(&s, ",")) != NULL;) {
        if (!*tok) gt_usage_error("--fields: empty field name in '%s'", fields_arg);
        if (nf == MAX_FIELDS) gt_usage_error("--fields: at most %d fields", MAX_FIELDS);
        fields[nf++] = tok;
    }

    gt_bpe *bpe = gt_bpe_new();
    gt_rec rec;
    gt_rec_init(&rec);
    unsigned long long total = 0, bad = 0;
    char err[256];
    int status = 0;
    double t0 = gt_now();
    gt_lines in;
    gt_lines_open(&in, argv + optind, argc - optind, op.max_line, gt_progress_wanted(op.progress), NULL);
    const char *line;
    size_t len;
    int st;
    while ((st = gt_lines_next(&in, &line, &len)) != GT_READ_EOF) {
        total++;
        int ok = 0;
        if (st == GT_READ_TOOLONG) {
            snprintf(err, sizeof err, "line longer than %zu bytes (see --max-line)", op.max_line);
        } else if (fmt == FMT_TEXT) {
            gt_bpe_add_text(bpe, line, len);
            ok = 1;
        } else if (gt_rec_parse(&rec, line, len, err, sizeof err) == 0) {
            ok = 1;
            for (int k = 0; k < nf && ok; k++) {
                int fx = gt_rec_find(&rec, fields[k]);
                if (fx < 0) { snprintf(err, sizeof err, "no field \"%s\"", fields[k]); ok = 0; }
                else if (rec.f[fx].kind != GT_V_STR && rec.f[fx].kind != GT_V_NULL) {
                    snprintf(err, sizeof err, "field \"%s\" is not a string", fields[k]);
                    ok = 0;
                }
            }
            for (int k = 0; k < nf && ok; k++) {
                size_t n;
                const char *s = gt_rec_str(&rec, fields[k], &n);
                if (s) gt_bpe_add_text(bpe, s, n);
            }
        }
        if (!ok) {
            bad++;
            if (!op.quiet || op.strict) gt_warnat(gt_lines_name(&in), gt_lines_lineno(&in), "%s", err);
            if (op.strict) { status = EX_DATAERR; break; }
        }
        gt_lines_progress(&in, total);
    }
    gt_lines_close(&in, total);
    if (!status) status = in.status;
    gt_rec_free(&rec);
    free(fbuf);
    double t1 = gt_now();
    if (status == 0) {
        if (gt_bpe_train(bpe, (int)vocab, minfreq, err, sizeof err) != 0) {
            gt_warn("%s", err);
            status = EX_DATAERR;
        }
    }
    double t2 = gt_now();
    if (status == 0) {
        gt_out out;
        gt_atomic *a = NULL;
        if (outpath) {
            a = gt_atomic_open(outpath, &out);
            if (!a) { gt_bpe_free(bpe); return EX_IOERR; }
        } else {
            gt_out_init(&out, 1, "<stdout>");
        }
        gt_bpe_write_json(bpe, &out);
        if (a) {
            if (gt_atomic_commit(a, &out) != 0) status = EX_IOERR;
        } else {
            gt_out_flush(&out);
            gt_out_free(&out);
        }
        const gt_bpe_stats *s = gt_bpe_stats_get(bpe);
        if (s->vocab < vocab)
            gt_warn("vocabulary stopped at %d of %ld pieces: no pair with a count of %ld or more is left", s->vocab,
                    vocab, minfreq);
        if (stats) {
            fprintf(stderr, "  %-22s %12llu\n", "records", total - bad);
            fprintf(stderr, "  %-22s %12llu\n", "texts", (unsigned long long)s->texts);
            fprintf(stderr, "  %-22s %12llu\n", "words", (unsigned long long)s->words);
            fprintf(stderr, "  %-22s %12llu\n", "distinct words", (unsigned long long)s->uniq_words);
            fprintf(stderr, "  %-22s %12llu\n", "distinct characters", (unsigned long long)s->chars_seen);
            fprintf(stderr, "  %-22s %12d\n", "alphabet", s->alphabet);
            fprintf(stderr, "  %-22s %12llu\n", "byte-fallback chars", (unsigned long long)s->fallback_chars);
            fprintf(stderr, "  %-22s %12d\n", "merges", s->merges);
            fprintf(stderr, "  %-22s %12d\n", "vocabulary", s->vocab);
            fprintf(stderr, "  %-22s %12.2f\n", "read seconds", t1 - t0);
            fprintf(stderr, "  %-22s %12.2f\n", "train seconds", t2 - t1);
        }
    }
    gt_bpe_free(bpe);
    if (bad && !op.strict) {
        gt_warn("%llu of %llu records skipped (malformed)", bad, total);
        if (status == 0) status = EX_DATAERR;
    }
    return status;
}
