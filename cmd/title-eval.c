/* title-eval - score generated titles against the real ones.
 *
 * title-eval --ref FILE [--hyp FILE] [OPTIONS]
 * ROUGE-1/2/L F1 x100 as Google's rouge-score computes them (lib/eval/rouge.h), with
 * bootstrap confidence intervals, mean lengths, the share of titles copied
 * verbatim from the abstract, a per-category breakdown, and three baselines
 * built from each abstract: its first sentence, its first 12 words, and its
 * best single sentence by ROUGE-L (an extractive oracle).
 *
 * This file reads options and files and joins hypotheses to references; the
 * work is lib/eval's: inputs.h (the fields of a line), scorer.h (one example
 * and its baselines), results.h (means, bootstrap intervals, categories) and
 * report.h (the table, JSON and per-example lines). */
#include "core/buf.h"
#include "core/progress.h"
#include "core/util.h"
#include "eval/inputs.h"
#include "eval/report.h"
#include "eval/results.h"
#include "eval/rouge.h"
#include "eval/scorer.h"
#include "eval/strmap.h"
#include "io/input.h"
#include "io/output.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static noreturn void usage(void)
{
    printf(
"Usage: %s --ref FILE [--hyp FILE] [OPTIONS]\n"
"       %s --tokenize [FILE]...\n"
"Score generated titles against the real ones: ROUGE-1/2/L F1 x100 as Google's\n"
"rouge-score computes them (lower-case, its tokenisation, Porter stemming), mean\n"
"of per-example F1 with 95%% bootstrap intervals, mean length in words, and the\n"
"share of titles found verbatim in the abstract, and the shares of degenerate\n"
"titles: empty, over 30 words, a word (not the, of, and...) 3 times or more.\n"
"Baselines are always scored\n"
"beside the model: the abstract's first sentence, its first 12 words, and its\n"
"best single sentence by ROUGE-L (an extractive oracle).\n"
"\n"
"Options:\n"
"  -r, --ref FILE          references: pair-build pairs (output, input) or records\n"
"                          (title, abstract); plain or zstd\n"
"  -y, --hyp FILE          hypotheses: title-gen output (first of \"titles\"), or\n"
"                          lines with \"title\" or \"output\"; joined to the\n"
"                          references by \"id\" when both have ids, else by line\n"
"                          order. Without --hyp only the baselines are scored\n"
"  -n, --name NAME         the model's name in the report (default: model)\n"
"  -j, --json              one JSON object for scripts instead of the table\n"
"  -e, --per-example       one TSV line per example and system instead of the table\n"
"  -c, --by-category[=N]   add a breakdown by primary category, the N most\n"
"                          frequent (default 10)\n"
"  -b, --bootstrap N       bootstrap resamples for the intervals (default 1000;\n"
"                          0: no intervals)\n"
"      --seed N            bootstrap random seed (default 1)\n"
"      --no-stem           no Porter stemming (rouge-score's use_stemmer=False)\n"
"      --tokenize          print the ROUGE tokens of each line of the FILEs (or\n"
"                          standard input), and exit\n"
"      --strict            stop at the first malformed line\n"
"      --progress          show progress on standard error even when not a terminal\n"
"  -h, --help              show this help and exit\n"
"      --version           show the version and exit\n"
"\n"
"Exit status: 0 ok, 64 usage, 65 malformed lines or no examples, 66 unopenable\n"
"input, 74 I/O error.\n",
        gt_progname, gt_progname);
    exit(0);
}

enum { O_SEED = 256, O_NOSTEM, O_TOKENIZE, O_STRICT, O_PROGRESS, O_VERSION };

static const struct option longopts[] = {
    { "ref", required_argument, NULL, 'r' },
    { "hyp", required_argument, NULL, 'y' },
    { "name", required_argument, NULL, 'n' },
    { "json", no_argument, NULL, 'j' },
    { "per-example", no_argument, NULL, 'e' },
    { "by-category", optional_argument, NULL, 'c' },
    { "bootstrap", required_argument, NULL, 'b' },
    { "seed", required_argument, NULL, O_SEED },
    { "no-stem", no_argument, NULL, O_NOSTEM },
    { "tokenize", no_argument, NULL, O_TOKENIZE },
    { "strict", no_argument, NULL, O_STRICT },
    { "progress", no_argument, NULL, O_PROGRESS },
    { "help", no_argument, NULL, 'h' },
    { "version", no_argument, NULL, O_VERSION },
    { NULL, 0, NULL, 0 }
};

#define MAX_LINE ((size_t)1 << 26)

typedef struct {
    gt_report_opts rep;     /* ref, hyp, stem, by_cat, bootstrap, seed */
    const char *name;
    int json, per_example, strict, progress;
} opts;

/* The next line of R (GT_READ_LINE or GT_READ_TOOLONG), or GT_READ_EOF at
 * the end and after a read error, which is reported (OUT, if any, flushed
 * first) with its exit status in *STATUS. */
static int next_line(gt_reader *r, gt_out *out, const char **line, size_t *len, int *status)
{
    int st = gt_reader_next(r, line, len);
    if (st != GT_READ_ERROR) return st;
    if (out) gt_out_flush(out);
    gt_warn("%s: %s", gt_reader_name(r), gt_reader_error(r));
    *status = gt_reader_error_code(r);
    return GT_READ_EOF;
}

/* ---- hypotheses ---- */
typedef struct {
    char **title;       /* NULL: the line was malformed */
    char **id;          /* NULL entries when a line had no id */
    int n, cap, all_ids;
    unsigned char *used;
    gt_strmap byid;
    long nbad, nread;
} hyps;

/* Append a hypothesis line's title (NULL: malformed) and id; its index. */
static int hyps_add(hyps *h, const char *title, const char *id)
{
    if (h->n == h->cap) {
        h->cap = h->cap ? h->cap * 2 : 1024;
        h->title = gt_xrealloc(h->title, (size_t)h->cap * sizeof *h->title);
        h->id = gt_xrealloc(h->id, (size_t)h->cap * sizeof *h->id);
    }
    h->title[h->n] = title ? gt_xstrdup(title) : NULL;
    h->id[h->n] = id ? gt_xstrdup(id) : NULL;
    return h->n++;
}

static void hyps_free(hyps *h)
{
    for (int i = 0; i < h->n; i++) { free(h->title[i]); free(h->id[i]); }
    free(h->title); free(h->id); free(h->used);
    gt_strmap_free(&h->byid);
}

static void load_hyps(hyps *h, const char *path, const opts *o)
{
    gt_reader *r = gt_reader_open(path, MAX_LINE);
    if (!r) exit(EX_NOINPUT);
    gt_buf tmp = { 0 };
    const char *line;
    size_t len;
    int st, status = 0;
    h->all_ids = 1;
    while ((st = next_line(r, NULL, &line, &len, &status)) != GT_READ_EOF) {
        h->nread++;
        char err[320];
        yajl_val v = NULL;
        const char *title = NULL, *id = NULL;
        if (st == GT_READ_TOOLONG)
            snprintf(err, sizeof err, "line longer than %zu bytes", (size_t)MAX_LINE);
        else if ((v = gt_input_parse(&tmp, line, len, err, sizeof err)))
            title = gt_input_hyp(v, err, sizeof err);
        if (title) id = gt_input_id(v);
        int idx = hyps_add(h, title, id);
        if (v) yajl_tree_free(v);
        if (!title) {
            h->nbad++;
            gt_warnat(gt_reader_name(r), gt_reader_lineno(r), "%s", err);
            if (o->strict) exit(EX_DATAERR);
            continue;
        }
        if (!id) { h->all_ids = 0; continue; }
        id = h->id[idx];                /* the tree is freed */
        int *slot = gt_strmap_slot(&h->byid, id, 1);
        if (*slot >= 0)
            gt_warnat(gt_reader_name(r), gt_reader_lineno(r),
                      "duplicate id \"%.100s\" (the first is kept)", id);
        else
            *slot = idx;
    }
    if (status) exit(status);
    gt_reader_close(r);
    gt_buf_free(&tmp);
    h->used = gt_xcalloc((size_t)h->n + 1, 1);
}

/* The joining of references to hypotheses: by id, or by line order. */
typedef struct {
    hyps *h;            /* NULL: no hypotheses */
    int by_id;          /* -1 until the first reference decides */
    int next;           /* line order: the next hypothesis */
} join;

/* The hypothesis of reference ID (may be NULL), or NULL when it has none. */
static const char *join_next(join *j, const char *id)
{
    hyps *h = j->h;
    if (j->by_id) {
        int *slot = gt_strmap_slot(&h->byid, id, 0);
        if (!slot || *slot < 0) return NULL;
        h->used[*slot] = 1;
        return h->title[*slot];
    }
    /* line order: the next hypothesis line, malformed ones included */
    const char *t = j->next < h->n ? h->title[j->next] : NULL;
    j->next++;
    return t;
}

/* Warn about hypotheses no reference used. */
static void join_report(join *j)
{
    hyps *h = j->h;
    if (j->by_id == 1) {
        long unused = 0;
        for (int i = 0; i < h->n; i++)
            if (h->title[i] && h->id[i] && !h->used[i]) {
                int *slot = gt_strmap_slot(&h->byid, h->id[i], 0);
                if (slot && *slot == i) unused++;
            }
        if (unused) gt_warn("%ld hypotheses match no reference id (ignored)", unused);
    } else if (j->by_id == 0 && j->next < h->n) {
        gt_warn("%ld hypotheses after the last reference (ignored)", (long)h->n - j->next);
    }
}

/* Score one good reference line V: the model (when J has hypotheses), then
 * the baselines; add it to R and, with --per-example, print it. */
static void score_one(gt_scorer *S, join *j, yajl_val v, const char *title, const char *abs, const char *id,
                      long lineno, const opts *o, gt_results *R, gt_out *out)
{
    gt_scorer_example(S, title, abs);
    gt_sysres res[GT_MAXSYS];
    int k = 0;
    if (j->h) {
        const char *h = join_next(j, id);
        if (!h) { R->missing++; h = ""; }
        gt_scorer_score(S, h, strlen(h), &res[k++]);
    }
    gt_scorer_baselines(S, &res[k], &res[k + 1], &res[k + 2]);
    k += 3;
    /* the reference title's own length and verbatim share */
    size_t tn = strlen(title);
    double refwords = gt_scorer_words(S, title, tn);
    int refverb = gt_scorer_verbatim(S, title, tn), refdegen = gt_scorer_degen(S, title, tn, refwords);
    char cat[128];
    gt_input_category(v, cat, sizeof cat);
    gt_results_push(R, res, refwords, refverb, refdegen, gt_results_cat(R, cat));
    if (o->per_example) {
        char idbuf[32];
        if (!id) { snprintf(idbuf, sizeof idbuf, "%ld", lineno); id = idbuf; }
        for (int s = 0; s < k; s++) gt_report_example(out, id, R->sys[s], &res[s]);
    }
}

/* Read and score the references; returns the exit status so far. */
static int score_refs(gt_reader *r, const opts *o, hyps *H, gt_results *R, gt_out *out)
{
    gt_scorer S;
    gt_scorer_init(&S, o->rep.stem);
    gt_buf tmp = { 0 };
    join j = { H, -1, 0 };
    long nread = 0, nbad = 0;
    int status = 0;
    gt_progress pg;
    gt_progress_start(&pg, gt_progress_wanted(o->progress), gt_reader_size(r));
    if (o->per_example) gt_report_example_header(out);
    const char *line;
    size_t len;
    int st;
    while ((st = next_line(r, out, &line, &len, &status)) != GT_READ_EOF) {
        nread++;
        char err[320];
        yajl_val v = NULL;
        const char *title = NULL, *abs = NULL, *id = NULL;
        int bad = 1;
        if (st == GT_READ_TOOLONG) {
            snprintf(err, sizeof err, "line longer than %zu bytes", (size_t)MAX_LINE);
        } else if ((v = gt_input_parse(&tmp, line, len, err, sizeof err))) {
            id = gt_input_id(v);
            bad = gt_input_ref(v, &title, &abs, err, sizeof err) != 0;
            if (!bad && H) {
                if (j.by_id < 0) j.by_id = H->all_ids && id;
                if (j.by_id && !id) {
                    snprintf(err, sizeof err, "no \"id\" (hypotheses are joined by id)");
                    bad = 1;
                }
            }
        }
        if (bad) {
            if (v) yajl_tree_free(v);
            nbad++;
            if (o->strict) gt_out_flush(out);
            gt_warnat(gt_reader_name(r), gt_reader_lineno(r), "%s", err);
            if (o->strict) { status = EX_DATAERR; break; }
            continue;
        }
        score_one(&S, &j, v, title, abs, id, gt_reader_lineno(r), o, R, out);
        yajl_tree_free(v);
        if ((nread & 255) == 0) gt_progress_update(&pg, gt_reader_bytes_in(r), (uint64_t)nread);
    }
    gt_progress_end(&pg, gt_reader_bytes_in(r), (uint64_t)nread);
    gt_reader_close(r);
    gt_scorer_free(&S);
    gt_buf_free(&tmp);
    if (status) return status;
    gt_out_flush(out);

    if (H) {
        if (R->missing)
            gt_warn("%ld of %zu references have no hypothesis (scored 0)", R->missing, R->n);
        join_report(&j);
    }
    if (nbad && !o->strict)
        gt_warn("%ld of %ld records skipped (malformed)", nbad, nread);
    if (nbad) return EX_DATAERR;
    return 0;
}

/* --tokenize: the ROUGE tokens of each input line. */
static int tokenize_files(gt_out *out, char **files, int nfiles, int stem)
{
    const char *dash = "-";
    if (nfiles == 0) { files = (char **)&dash; nfiles = 1; }
    gt_rouge *g = gt_rouge_new(stem);
    gt_rouge_seq seq = { 0 };
    int status = 0;
    for (int f = 0; f < nfiles && !status; f++) {
        gt_reader *r = gt_reader_open(files[f], MAX_LINE);
        if (!r) exit(EX_NOINPUT);
        const char *line;
        size_t len;
        int st;
        while ((st = next_line(r, out, &line, &len, &status)) != GT_READ_EOF) {
            if (st == GT_READ_TOOLONG) {
                gt_out_flush(out);
                gt_warnat(gt_reader_name(r), gt_reader_lineno(r), "line longer than %zu bytes",
                          (size_t)MAX_LINE);
                status = EX_DATAERR;
                continue;
            }
            gt_rouge_tokenize(g, line, len, &seq);
            for (size_t i = 0; i < seq.n; i++) {
                size_t wl;
                const char *w = gt_rouge_word(g, seq.id[i], &wl);
                if (i) gt_out_putc(out, ' ');
                gt_out_write(out, w, wl);
            }
            gt_out_putc(out, '\n');
        }
        gt_reader_close(r);
    }
    gt_rouge_seq_free(&seq);
    gt_rouge_free(g);
    return status;
}

int main(int argc, char **argv)
{
    gt_init(argv[0]);
    opts o = { .rep = { .stem = 1, .bootstrap = 1000, .seed = 1 }, .name = "model" };
    int tokenize = 0;
    int c;
    while ((c = getopt_long(argc, argv, "r:y:n:jec::b:h", longopts, NULL)) != -1) {
        switch (c) {
        case 'r': o.rep.ref = optarg; break;
        case 'y': o.rep.hyp = optarg; break;
        case 'n':
            if (!*optarg) gt_usage_error("--name: empty name");
            o.name = optarg;
            break;
        case 'j': o.json = 1; break;
        case 'e': o.per_example = 1; break;
        case 'c': o.rep.by_cat = optarg ? (int)gt_parse_ll("--by-category", optarg, 1, 100000) : 10; break;
        case 'b': o.rep.bootstrap = gt_parse_ll("--bootstrap", optarg, 0, 1000000); break;
        case O_SEED: o.rep.seed = (unsigned long long)gt_parse_ll("--seed", optarg, 0, 0x7fffffffffffffffLL); break;
        case O_NOSTEM: o.rep.stem = 0; break;
        case O_TOKENIZE: tokenize = 1; break;
        case O_STRICT: o.strict = 1; break;
        case O_PROGRESS: o.progress = 1; break;
        case 'h': usage();
        case O_VERSION: gt_print_version();
        default: gt_usage_error("bad option");
        }
    }
    gt_out out;
    gt_out_init(&out, 1, "<stdout>");
    if (tokenize) {
        if (o.rep.ref || o.rep.hyp) gt_usage_error("--tokenize reads FILE arguments, not --ref/--hyp");
        int status = tokenize_files(&out, argv + optind, argc - optind, o.rep.stem);
        gt_out_flush(&out);
        gt_out_free(&out);
        return status;
    }
    if (optind < argc) gt_usage_error("unexpected argument '%s' (use --ref and --hyp)", argv[optind]);
    if (!o.rep.ref) gt_usage_error("no --ref file given");
    if (o.json && o.per_example) gt_usage_error("--json and --per-example exclude each other");

    /* open the references first: a missing file stops us before any work */
    gt_reader *ref = gt_reader_open(o.rep.ref, MAX_LINE);
    if (!ref) exit(EX_NOINPUT);
    hyps H;
    memset(&H, 0, sizeof H);
    if (o.rep.hyp) load_hyps(&H, o.rep.hyp, &o);

    gt_results R;
    memset(&R, 0, sizeof R);
    if (o.rep.hyp) R.sys[R.nsys++] = o.name;
    R.sys[R.nsys++] = "first-sentence";
    R.sys[R.nsys++] = "first-12-words";
    R.sys[R.nsys++] = "oracle-sentence";
    int status = score_refs(ref, &o, o.rep.hyp ? &H : NULL, &R, &out);
    if (H.nbad) {
        gt_warn("%ld of %ld hypotheses skipped (malformed)", H.nbad, H.nread);
        if (!status) status = EX_DATAERR;
    }
    if (!o.per_example && (status == 0 || status == EX_DATAERR)) {
        if (R.n == 0) {
            gt_warn("%s: no examples to score", o.rep.ref);
            status = EX_DATAERR;
        } else if (!(o.strict && status)) {
            gt_summary sm;
            gt_results_summarize(&R, o.rep.bootstrap, o.rep.seed, &sm);
            if (o.json) gt_report_json(&out, &o.rep, &R, &sm);
            else gt_report_table(&out, &o.rep, &R, &sm);
        }
    }
    gt_out_flush(&out);
    gt_out_free(&out);
    hyps_free(&H);
    gt_results_free(&R);
    return status;
}
