/* tok-encode - pairs (or plain text) to LLaMA token streams or ids. */
#include "io/input.h"
#include "io/output.h"
#include "core/progress.h"
#include "io/record.h"
#include "tok/template.h"
#include "tok/tokenizer.h"
#include "tok/tokstream.h"
#include "core/util.h"

#include <getopt.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void usage(void)
{
    printf(
"Usage: tok-encode (-t FILE | -m DIR) [OPTIONS] [FILE...]\n"
"Tokenize instruction/input/output pairs (NDJSON, see gentitle-record(5)) or plain\n"
"text with a LLaMA SentencePiece or Hugging Face BPE tokenizer and write a binary\n"
"token stream (see gentitle-tokens(5)) or ids as text. Input from FILEs or\n"
"standard input, plain or zstd-compressed.\n"
"\n"
"Options:\n"
"  -t, --tokenizer FILE  SentencePiece tokenizer.model or Hugging Face\n"
"                        tokenizer.json (BPE) to use\n"
"  -m, --model DIR       use DIR/tokenizer.model, or DIR/tokenizer.json if there\n"
"                        is no tokenizer.model\n"
"      --text            input is plain text, one document per line (default: pairs\n"
"                        {\"instruction\",\"input\",\"output\"} rendered by the template)\n"
"  -f, --format FMT      stream: binary token stream (default); ids: the ids of each\n"
"                        input line as space-separated decimal numbers, one line per\n"
"                        input line, like spm_encode --output_format=id (implies\n"
"                        --text unless --pairs is given; no BOS/EOS unless asked)\n"
"      --pairs           with --format ids: read pairs and print each example's ids\n"
"  -o, --output FILE     write to FILE (atomically) instead of standard output\n"
"      --index FILE      with -o: also write an index of the stream's records to\n"
"                        FILE (atomically), for tok-decode --index\n"
"      --template FILE   prompt template, alpaca-lora JSON form (keys prompt_input,\n"
"                        prompt_no_input, response_split); default: with -m DIR,\n"
"                        DIR/prompt_template.json if it exists, else alpaca.json\n"
"      --cutoff-len N    at most N tokens per example: the input (abstract) is\n"
"                        shortened, never the output (title), and EOS is kept\n"
"      --train-on-inputs  the loss counts the prompt's tokens too (response start 0,\n"
"                        alpaca-lora's train_on_inputs): for pretraining on pairs\n"
"      --bos, --no-bos   add (or not) BOS at the start of each example\n"
"      --eos, --no-eos   add (or not) EOS at the end (default: both for streams)\n"
"      --stats           print example count and length percentiles on standard error\n"
"  -j, --jobs N          encode with N threads (default 1)\n"
"      --strict          stop at the first malformed line (exit 65)\n"
"  -q, --quiet           do not report each malformed line\n"
"      --max-line N      longest accepted line in bytes (default 16777216)\n"
"      --progress        show progress on standard error even when not a terminal\n"
"  -h, --help            show this help and exit\n"
"      --version         show the version and exit\n"
"\n"
"Exit status: 0 ok, 64 usage, 65 malformed input or unusable tokenizer or template,\n"
"66 a file cannot be opened, 74 I/O error.\n");
}

enum { OPT_TEXT = 256, OPT_PAIRS, OPT_TEMPLATE, OPT_CUTOFF, OPT_BOS, OPT_NOBOS, OPT_EOS, OPT_NOEOS, OPT_STATS,
       OPT_STRICT, OPT_MAXLINE, OPT_PROGRESS, OPT_VERSION, OPT_INDEX, OPT_TOI };

#define HIST_MAX 65536

typedef struct {
    const gt_tok *tok;
    const gt_template *tpl;
    int text, ids_fmt, bos, eos, quiet, strict, train_on_inputs;
    long cutoff;
    uint32_t width;
    size_t max_line;
} config;

typedef struct { size_t off, len; long lineno; int toolong; } lineref;

typedef struct {
    const config *cf;
    gt_tokctx *ctx;
    gt_rec rec;
    gt_ids ids;
    gt_buf full, out, msg;
    const char *fname;
    const char *lines;
    const lineref *lr;
    size_t from, to;
    /* results */
    size_t stop_out;            /* --strict: output length at the first bad line */
    int stopped;
    uint64_t records, bad, shortened, dropped, tokens;
    uint64_t *hist;
    uint32_t maxlen;
} worker;

static void msgf(worker *w, long lineno, const char *fmt, const char *a)
{
    char tmp[512];
    int n = snprintf(tmp, sizeof tmp, "%s: %s:%ld: ", gt_progname, w->fname, lineno);
    gt_buf_add(&w->msg, tmp, (size_t)n);
    n = snprintf(tmp, sizeof tmp, fmt, a);
    if (n >= (int)sizeof tmp) n = sizeof tmp - 1;
    gt_buf_add(&w->msg, tmp, (size_t)n);
    gt_buf_add(&w->msg, "\n", 1);
}

static void emit(worker *w, uint32_t resp)
{
    const config *cf = w->cf;
    uint32_t n = (uint32_t)w->ids.n;
    if (cf->ids_fmt) {
        char num[16];
        for (uint32_t i = 0; i < n; i++) {
            char *e = num + sizeof num, *q = e;
            uint32_t v = (uint32_t)w->ids.v[i];
            do { *--q = (char)('0' + v % 10); v /= 10; } while (v);
            if (i) *--q = ' ';
            gt_buf_add(&w->out, q, (size_t)(e - q));
        }
        gt_buf_add(&w->out, "\n", 1);
    } else {
        gt_ts_put_record(&w->out, cf->width, w->ids.v, n, resp);
    }
    w->records++;
    w->tokens += n;
    w->hist[n < HIST_MAX ? n : HIST_MAX]++;
    if (n > w->maxlen) w->maxlen = n;
}

/* Encode the rendered example in w->full; marks: input start, input end,
 * prompt end (in: byte offsets, out: token indexes). Returns the total length. */
static size_t encode_full(worker *w, size_t *marks)
{
    const config *cf = w->cf;
    w->ids.n = 0;
    if (cf->bos) gt_ids_push(&w->ids, gt_tok_bos(cf->tok));
    gt_tok_encode(w->ctx, w->full.p, w->full.n, &w->ids, marks, 3);
    if (cf->eos) gt_ids_push(&w->ids, gt_tok_eos(cf->tok));
    return w->ids.n;
}

/* One pair: 0 ok (or dropped), -1 malformed. */
static int do_pair(worker *w, const char *line, size_t len, long lineno)
{
    const config *cf = w->cf;
    char why[200];
    if (gt_rec_parse(&w->rec, line, len, why, sizeof why) != 0) { msgf(w, lineno, "%s", why); return -1; }
    size_t ni, nin = 0, no;
    const char *instr = gt_rec_str(&w->rec, "instruction", &ni);
    const char *input = gt_rec_str(&w->rec, "input", &nin);
    const char *output = gt_rec_str(&w->rec, "output", &no);
    const char *missing = !instr ? "instruction" : !output ? "output" : NULL;
    if (!missing && !input && gt_rec_find(&w->rec, "input") >= 0 && w->rec.f[gt_rec_find(&w->rec, "input")].kind != GT_V_NULL)
        missing = "input";
    if (missing) { msgf(w, lineno, "no string \"%s\"", missing); return -1; }
    if (!input) { input = ""; nin = 0; }
    int with_input = nin > 0;
    size_t in0, in1;
    w->full.n = 0;
    size_t plen = gt_template_render(cf->tpl, instr, ni, input, nin, with_input, &w->full, &in0, &in1);
    gt_buf_add(&w->full, output, no);
    size_t marks[3] = { in0, in1, plen };
    size_t total = encode_full(w, marks);
    size_t off = cf->bos ? 1 : 0;
    if (cf->cutoff > 0 && total > (size_t)cf->cutoff) {
        size_t in_tokens = with_input ? marks[1] - marks[0] : 0;
        size_t fixed = total - in_tokens;
        if (fixed > (size_t)cf->cutoff) {
            w->dropped++;
            if (!cf->quiet) {
                char tmp[64];
                snprintf(tmp, sizeof tmp, "%zu", fixed);
                msgf(w, lineno, "example left out: %s tokens even without its input (see --cutoff-len)", tmp);
            }
            return 0;
        }
        size_t keep = (size_t)cf->cutoff - fixed;
        for (;;) {
            /* byte offset in the input where token (input start + keep) begins */
            size_t k = marks[0] + keep;
            size_t cut = gt_tok_token_offset(w->ctx, w->full.p, w->full.n, k);
            cut = cut < in0 ? 0 : cut - in0;
            if (cut > nin) cut = nin;
            w->full.n = 0;
            plen = gt_template_render(cf->tpl, instr, ni, input, cut, with_input, &w->full, &in0, &in1);
            gt_buf_add(&w->full, output, no);
            marks[0] = in0; marks[1] = in1; marks[2] = plen;
            total = encode_full(w, marks);
            if (total <= (size_t)cf->cutoff) break;
            if (keep == 0 || cut == 0) {     /* cannot happen with sane templates */
                w->dropped++;
                return 0;
            }
            keep--;
        }
        w->shortened++;
    }
    emit(w, cf->train_on_inputs ? 0 : (uint32_t)(marks[2] + off));
    return 0;
}

static void do_text(worker *w, const char *line, size_t len)
{
    const config *cf = w->cf;
    if (len == 0 && !cf->ids_fmt) return;       /* empty document */
    w->ids.n = 0;
    if (cf->bos) gt_ids_push(&w->ids, gt_tok_bos(cf->tok));
    gt_tok_encode(w->ctx, line, len, &w->ids, NULL, 0);
    if (cf->eos) gt_ids_push(&w->ids, gt_tok_eos(cf->tok));
    emit(w, 0);
}

static void *work(void *arg)
{
    worker *w = arg;
    const config *cf = w->cf;
    for (size_t i = w->from; i < w->to; i++) {
        const lineref *l = &w->lr[i];
        int bad = 0;
        if (l->toolong) {
            char tmp[32];
            snprintf(tmp, sizeof tmp, "%zu", cf->max_line);
            msgf(w, l->lineno, "line longer than %s bytes (see --max-line)", tmp);
            bad = 1;
        } else if (cf->text) {
            do_text(w, w->lines + l->off, l->len);
        } else {
            if (l->len == 0) continue;
            size_t before = w->msg.n;
            bad = do_pair(w, w->lines + l->off, l->len, l->lineno) != 0;
            if (bad && cf->quiet && !cf->strict) w->msg.n = before;
        }
        if (bad) {
            w->bad++;
            if (cf->strict) { w->stopped = 1; w->stop_out = w->out.n; break; }
        }
    }
    return NULL;
}

static uint64_t pct(const uint64_t *h, uint64_t n, double q, uint32_t maxlen)
{
    uint64_t want = (uint64_t)(q * (double)(n - 1)) + 1, acc = 0;
    for (uint32_t i = 0; i <= HIST_MAX; i++) {
        acc += h[i];
        if (acc >= want) return i == HIST_MAX ? maxlen : i;
    }
    return maxlen;
}

int main(int argc, char **argv)
{
    gt_init(argv[0]);
    static const struct option longopts[] = {
        {"tokenizer", required_argument, NULL, 't'},
        {"model", required_argument, NULL, 'm'},
        {"text", no_argument, NULL, OPT_TEXT},
        {"pairs", no_argument, NULL, OPT_PAIRS},
        {"format", required_argument, NULL, 'f'},
        {"output", required_argument, NULL, 'o'},
        {"index", required_argument, NULL, OPT_INDEX},
        {"template", required_argument, NULL, OPT_TEMPLATE},
        {"cutoff-len", required_argument, NULL, OPT_CUTOFF},
        {"train-on-inputs", no_argument, NULL, OPT_TOI},
        {"bos", no_argument, NULL, OPT_BOS},
        {"no-bos", no_argument, NULL, OPT_NOBOS},
        {"eos", no_argument, NULL, OPT_EOS},
        {"no-eos", no_argument, NULL, OPT_NOEOS},
        {"stats", no_argument, NULL, OPT_STATS},
        {"jobs", required_argument, NULL, 'j'},
        {"strict", no_argument, NULL, OPT_STRICT},
        {"quiet", no_argument, NULL, 'q'},
        {"max-line", required_argument, NULL, OPT_MAXLINE},
        {"progress", no_argument, NULL, OPT_PROGRESS},
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, OPT_VERSION},
        {NULL, 0, NULL, 0},
    };
    const char *tokpath = NULL, *modeldir = NULL, *outpath = NULL, *tplpath = NULL, *idxpath = NULL;
    int toi = 0, text = 0, pairs = 0, ids_fmt = 0, bos = -1, eos = -1, stats = 0, strict = 0, quiet = 0, progress = 0;
    long cutoff = 0, jobs = 1;
    size_t max_line = (size_t)1 << 24;
    int c;
    while ((c = getopt_long(argc, argv, "t:m:f:o:j:qh", longopts, NULL)) != -1) {
        switch (c) {
        case 't': tokpath = optarg; break;
        case 'm': modeldir = optarg; break;
        case OPT_TEXT: text = 1; break;
        case OPT_PAIRS: pairs = 1; break;
        case 'f':
            if (strcmp(optarg, "ids") == 0) ids_fmt = 1;
            else if (strcmp(optarg, "stream") == 0) ids_fmt = 0;
            else gt_usage_error("unknown --format '%s' (stream or ids)", optarg);
            break;
        case 'o': outpath = optarg; break;
        case OPT_INDEX: idxpath = optarg; break;
        case OPT_TEMPLATE: tplpath = optarg; break;
        case OPT_CUTOFF: cutoff = (long)gt_parse_ll("--cutoff-len", optarg, 1, GT_TS_MAXLEN); break;
        case OPT_TOI: toi = 1; break;
        case OPT_BOS: bos = 1; break;
        case OPT_NOBOS: bos = 0; break;
        case OPT_EOS: eos = 1; break;
        case OPT_NOEOS: eos = 0; break;
        case OPT_STATS: stats = 1; break;
        case 'j': jobs = (long)gt_parse_ll("--jobs", optarg, 1, 256); break;
        case OPT_STRICT: strict = 1; break;
        case 'q': quiet = 1; break;
        case OPT_MAXLINE: max_line = (size_t)gt_parse_ll("--max-line", optarg, 64, 1LL << 31); break;
        case OPT_PROGRESS: progress = 1; break;
        case 'h': usage(); return 0;
        case OPT_VERSION: gt_print_version();
        default: gt_usage_error("invalid option");
        }
    }
    if (!tokpath && !modeldir) gt_usage_error("no tokenizer: give --tokenizer FILE or --model DIR");
    if (tokpath && modeldir) gt_usage_error("--tokenizer and --model both given");
    if (text && pairs) gt_usage_error("--text and --pairs both given");
    if (pairs && !ids_fmt) gt_usage_error("--pairs goes with --format ids (pairs are the default input of streams)");
    if (ids_fmt && !pairs) text = 1;
    if (text && (tplpath || cutoff || toi)) gt_usage_error("--template, --cutoff-len and --train-on-inputs apply to pairs, not --text");
    if (idxpath && !outpath) gt_usage_error("--index needs -o STREAM (the index holds byte offsets into that file)");
    if (idxpath && ids_fmt) gt_usage_error("--index goes with streams, not --format ids");
    if (idxpath && strcmp(idxpath, outpath) == 0) gt_usage_error("--index and -o name the same file");
    if (bos < 0) bos = !ids_fmt;
    if (eos < 0) eos = !ids_fmt;

    char path[4096], err[512];
    if (modeldir) {   /* tokenizer.model first, else tokenizer.json */
        snprintf(path, sizeof path, "%s/tokenizer.model", modeldir);
        if (access(path, F_OK) != 0) {
            snprintf(path, sizeof path, "%s/tokenizer.json", modeldir);
            if (access(path, F_OK) != 0) snprintf(path, sizeof path, "%s/tokenizer.model", modeldir);
        }
        tokpath = path;
    }
    gt_tok *tok = gt_tok_load(tokpath, err, sizeof err);
    if (!tok) {
        FILE *f = fopen(tokpath, "rb");
        int missing = !f;
        if (f) fclose(f);
        gt_die(missing ? EX_NOINPUT : EX_DATAERR, "%s: %s", tokpath, err);
    }
    if ((bos && gt_tok_bos(tok) < 0) || (eos && gt_tok_eos(tok) < 0))
        gt_die(EX_DATAERR, "%s: the tokenizer has no %s id (use --no-%s)", tokpath, bos && gt_tok_bos(tok) < 0 ? "BOS" : "EOS",
               bos && gt_tok_bos(tok) < 0 ? "bos" : "eos");
    gt_template tpl;
    char tplbuf[4200];
    if (!tplpath && !text) tplpath = gt_template_of_model(modeldir, tplbuf, sizeof tplbuf);
    if (tplpath) {
        if (gt_template_load(&tpl, tplpath, err, sizeof err) != 0) {
            FILE *f = fopen(tplpath, "rb");
            int missing = !f;
            if (f) fclose(f);
            gt_die(missing ? EX_NOINPUT : EX_DATAERR, "%s: %s", tplpath, err);
        }
    } else {
        gt_template_default(&tpl);
    }
    config cf = { tok, &tpl, text, ids_fmt, bos, eos, quiet, strict, toi, cutoff,
                  (uint32_t)gt_ts_width((uint32_t)gt_tok_vocab_size(tok)), max_line };

    gt_out out;
    gt_atomic *atom = NULL;
    if (outpath) {
        atom = gt_atomic_open(outpath, &out);
        if (!atom) return EX_IOERR;
    } else {
        gt_out_init(&out, 1, "<stdout>");
    }
    if (!ids_fmt) {
        gt_buf h = { 0 };
        gt_ts_put_header(&h, cf.width, (uint32_t)gt_tok_vocab_size(tok), gt_tok_fingerprint(tok));
        gt_out_write(&out, h.p, h.n);
        gt_buf_free(&h);
    }
    gt_buf offs = { 0 };                /* --index: record offsets */
    uint64_t written = ids_fmt ? 0 : GT_TS_HEADER, nidx = 0;

    int nw = (int)jobs;
    worker *ws = gt_xcalloc((size_t)nw, sizeof *ws);
    for (int i = 0; i < nw; i++) {
        ws[i].cf = &cf;
        ws[i].ctx = gt_tokctx_new(tok);
        gt_rec_init(&ws[i].rec);
        ws[i].hist = gt_xcalloc(HIST_MAX + 1, sizeof *ws[i].hist);
    }
    pthread_t *th = gt_xcalloc((size_t)nw, sizeof *th);
    gt_buf lines = { 0 };
    lineref *lr = NULL;
    size_t nlr = 0, lrcap = 0;
    const size_t batch_bytes = (size_t)4 << 20, batch_lines = 16384;

    int status = 0, stop = 0;
    uint64_t total = 0, bad = 0, bytes_done = 0;
    gt_progress prog;
    int nfiles = argc - optind;
    for (int fi = 0; fi < (nfiles ? nfiles : 1) && !stop; fi++) {
        const char *ipath = nfiles ? argv[optind + fi] : "-";
        gt_reader *r = gt_reader_open(ipath, max_line);
        if (!r) { status = EX_NOINPUT; break; }
        gt_progress_start(&prog, gt_progress_wanted(progress), gt_reader_size(r));
        int eof = 0;
        while (!eof && !stop) {
            lines.n = 0;
            nlr = 0;
            while (lines.n < batch_bytes && nlr < batch_lines * (size_t)nw) {
                const char *line;
                size_t len;
                int st = gt_reader_next(r, &line, &len);
                if (st == GT_READ_EOF) { eof = 1; break; }
                if (st == GT_READ_ERROR) {
                    gt_warnat(gt_reader_name(r), 0, "%s (after line %ld)", gt_reader_error(r), gt_reader_lineno(r));
                    status = gt_reader_error_code(r);
                    eof = 1; stop = 1;
                    break;
                }
                if (nlr == lrcap) { lrcap = lrcap ? lrcap * 2 : 1024; lr = gt_xrealloc(lr, lrcap * sizeof *lr); }
                lr[nlr].off = lines.n;
                lr[nlr].len = st == GT_READ_LINE ? len : 0;
                lr[nlr].lineno = gt_reader_lineno(r);
                lr[nlr].toolong = st == GT_READ_TOOLONG;
                nlr++;
                if (st == GT_READ_LINE) gt_buf_add(&lines, line, len);
            }
            /* split the batch by bytes among the workers */
            size_t per = nlr / (size_t)nw + 1, a = 0;
            int used = 0;
            for (int i = 0; i < nw; i++) {
                worker *w = &ws[i];
                size_t b = a + per < nlr ? a + per : nlr;
                w->fname = gt_reader_name(r);
                w->lines = lines.p;
                w->lr = lr;
                w->from = a; w->to = b;
                w->out.n = 0; w->msg.n = 0; w->stopped = 0;
                a = b;
                if (w->from < w->to) used = i + 1;
            }
            for (int i = 1; i < used; i++)
                if (pthread_create(&th[i], NULL, work, &ws[i]) != 0) gt_die(EX_OSERR, "cannot start a thread");
            if (used > 0) work(&ws[0]);
            for (int i = 1; i < used; i++) pthread_join(th[i], NULL);
            for (int i = 0; i < used; i++) {
                worker *w = &ws[i];
                if (w->msg.n) { gt_out_flush(&out); fwrite(w->msg.p, 1, w->msg.n, stderr); }
                size_t wn = w->stopped ? w->stop_out : w->out.n;
                if (idxpath) {          /* records are self-delimiting: walk them */
                    for (size_t o = 0; o + 8 <= wn; nidx++) {
                        const unsigned char *q = (const unsigned char *)w->out.p + o;
                        uint32_t cnt = (uint32_t)q[0] | (uint32_t)q[1] << 8 | (uint32_t)q[2] << 16 | (uint32_t)q[3] << 24;
                        gt_tsidx_put_offset(&offs, written + o);
                        o += 8 + (size_t)cnt * cf.width;
                    }
                }
                written += wn;
                gt_out_write(&out, w->out.p, wn);
                if (w->stopped) { stop = 1; status = EX_DATAERR; break; }
            }
            for (size_t i = 0; i < nlr; i++)
                if (cf.text || lr[i].len || lr[i].toolong) total++;
            uint64_t recs = 0;
            for (int i = 0; i < nw; i++) recs += ws[i].records + ws[i].bad;
            gt_progress_update(&prog, bytes_done + gt_reader_bytes_in(r), recs);
        }
        bytes_done += gt_reader_bytes_in(r);
        gt_progress_end(&prog, bytes_done, total);
        gt_reader_close(r);
    }
    uint64_t records = 0, shortened = 0, dropped = 0, tokens = 0;
    uint32_t maxlen = 0;
    uint64_t *hist = gt_xcalloc(HIST_MAX + 1, sizeof *hist);
    for (int i = 0; i < nw; i++) {
        worker *w = &ws[i];
        records += w->records; bad += w->bad; shortened += w->shortened; dropped += w->dropped; tokens += w->tokens;
        if (w->maxlen > maxlen) maxlen = w->maxlen;
        for (size_t k = 0; k <= HIST_MAX; k++) hist[k] += w->hist[k];
        gt_tokctx_free(w->ctx);
        gt_rec_free(&w->rec);
        gt_ids_free(&w->ids);
        gt_buf_free(&w->full); gt_buf_free(&w->out); gt_buf_free(&w->msg);
        free(w->hist);
    }
    if (atom) {
        if (status == 0 || (status == EX_DATAERR && !strict)) {
            if (gt_atomic_commit(atom, &out) != 0) status = EX_IOERR;
            else if (idxpath) {
                gt_out io;
                gt_atomic *ia = gt_atomic_open(idxpath, &io);
                if (!ia) status = EX_IOERR;
                else {
                    gt_buf ih = { 0 };
                    gt_tsidx_put_header(&ih, gt_tok_fingerprint(tok), written, nidx);
                    gt_out_write(&io, ih.p, ih.n);
                    if (offs.n) gt_out_write(&io, offs.p, offs.n);
                    gt_buf_free(&ih);
                    if (gt_atomic_commit(ia, &io) != 0) status = EX_IOERR;
                }
            }
        } else {
            gt_atomic_abort(atom, &out);
        }
    } else {
        gt_out_flush(&out);
        gt_out_free(&out);
    }
    if (stats) {
        if (records == 0) {
            gt_warn("0 examples");
        } else {
            uint32_t mn = 0;
            while (hist[mn] == 0) mn++;
            gt_warn("%llu examples, %llu tokens, mean %.1f; length min %u p50 %llu p90 %llu p95 %llu p99 %llu max %u",
                    (unsigned long long)records, (unsigned long long)tokens, (double)tokens / (double)records, mn,
                    (unsigned long long)pct(hist, records, 0.50, maxlen), (unsigned long long)pct(hist, records, 0.90, maxlen),
                    (unsigned long long)pct(hist, records, 0.95, maxlen), (unsigned long long)pct(hist, records, 0.99, maxlen),
                    maxlen);
        }
        if (cutoff)
            gt_warn("--cutoff-len %ld: %llu inputs shortened, %llu examples left out", cutoff,
                    (unsigned long long)shortened, (unsigned long long)dropped);
    }
    if (dropped && !stats)
        gt_warn("%llu examples left out: too long for --cutoff-len %ld even without their input",
                (unsigned long long)dropped, cutoff);
    if (bad && !strict) {
        gt_warn("%llu of %llu records skipped (malformed)", (unsigned long long)bad, (unsigned long long)total);
        if (status == 0) status = EX_DATAERR;
    }
    free(hist); free(th); free(ws); free(lr);
    gt_buf_free(&offs);
    gt_buf_free(&lines);
    gt_template_free(&tpl);
    gt_tok_free(tok);
    return status;
}
