/* tok-decode - token streams (or ids as text) back to text. */
#include "core/opts.h"
#include "io/file.h"
#include "io/input.h"
#include "io/output.h"
#include "nn/gguf_tok.h"
#include "tok/tokenizer.h"
#include "tok/tokstream.h"
#include "core/util.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void usage(void)
{
    printf(
"Usage: tok-decode (-t FILE | -m DIR|FILE.gguf) [OPTIONS] [FILE...]\n"
"       tok-decode (-t FILE | -m DIR|FILE.gguf) --index IDX [--records A-B]... [OPTIONS] STREAM\n"
"       tok-decode --make-index IDX STREAM\n"
"Decode gentitle token streams (see gentitle-tokens(5)) made by tok-encode, or with\n"
"--ids lines of space-separated ids, back to text with the tokenizer that made them.\n"
"\n"
"Options:\n"
"  -t, --tokenizer FILE  SentencePiece tokenizer.model, Hugging Face\n"
"                        tokenizer.json (BPE) or GGUF model file to use\n"
"  -m, --model DIR       use DIR/tokenizer.model, or DIR/tokenizer.json if there\n"
"                        is no tokenizer.model; a .gguf file: its tokenizer\n"
"      --ids             input is ids as text, one sequence per line (like\n"
"                        spm_decode --input_format=id); plain or zstd\n"
"  -f, --format FMT      text: the decoded text of each record, then a newline\n"
"                        (default); json: one JSON object per record, {\"prompt\":..,\n"
"                        \"response\":..} for records with a response start, else\n"
"                        {\"text\":..}; ids: the ids of each record as text\n"
"      --make-index IDX  write an index of the records of STREAM (concatenated\n"
"                        streams included) to IDX, atomically; no tokenizer needed\n"
"      --index IDX       read STREAM's records at random through its index IDX\n"
"  -r, --records A-B     with --index: only records A to B (numbered from 0, both\n"
"                        included), or N: only record N; repeatable, in the order\n"
"                        given (default: every record)\n"
"  -h, --help            show this help and exit\n"
"      --version         show the version and exit\n"
"\n"
"A stream made with a different tokenizer (its fingerprint differs), a truncated\n"
"or malformed stream, and ids out of range are errors (exit 65); so are an index\n"
"made for another stream, a stale one (the stream's size changed) or a damaged one.\n"
"Exit status: 0 ok, 64 usage, 65 malformed input or unusable tokenizer, 66 a file\n"
"cannot be opened, 74 I/O error.\n");
}

enum { OPT_IDS = 256, OPT_MKINDEX, OPT_INDEX };
enum { F_TEXT, F_JSON, F_IDS };

static char *dbuf;
static size_t dlen, dcap;

static void write_record(gt_out *o, const gt_tok *tok, int fmt, const int32_t *ids, uint32_t n, uint32_t resp,
                         int has_resp)
{
    if (fmt == F_IDS) {
        char num[16];
        for (uint32_t i = 0; i < n; i++) {
            char *e = num + sizeof num, *q = e;
            uint32_t v = (uint32_t)ids[i];
            do { *--q = (char)('0' + v % 10); v /= 10; } while (v);
            if (i) *--q = ' ';
            gt_out_write(o, q, (size_t)(e - q));
        }
        gt_out_putc(o, '\n');
        return;
    }
    dlen = 0;
    gt_tok_decode(tok, ids, n, &dbuf, &dlen, &dcap, NULL);
    if (fmt == F_TEXT) {
        gt_out_write(o, dbuf, dlen);
        gt_out_putc(o, '\n');
        return;
    }
    if (!has_resp || resp == 0) {
        gt_out_str(o, "{\"text\":");
        gt_out_json_str(o, dbuf, dlen);
        gt_out_str(o, "}\n");
        return;
    }
    size_t all = dlen;
    gt_tok_decode(tok, ids, resp, &dbuf, &dlen, &dcap, NULL);   /* the prompt, after the whole text */
    size_t plen = dlen - all;
    gt_out_str(o, "{\"prompt\":");
    gt_out_json_str(o, dbuf + all, plen);
    gt_out_str(o, ",\"response\":");
    if (plen <= all && memcmp(dbuf, dbuf + all, plen) == 0) {
        gt_out_json_str(o, dbuf + plen, all - plen);
    } else {
        dlen = 0;
        gt_tok_decode(tok, ids + resp, n - resp, &dbuf, &dlen, &dcap, NULL);
        gt_out_json_str(o, dbuf, dlen);
    }
    gt_out_str(o, "}\n");
}

int main(int argc, char **argv)
{
    gt_init(argv[0]);
    static const struct option longopts[] = {
        {"tokenizer", required_argument, NULL, 't'},
        {"model", required_argument, NULL, 'm'},
        {"ids", no_argument, NULL, OPT_IDS},
        {"format", required_argument, NULL, 'f'},
        {"make-index", required_argument, NULL, OPT_MKINDEX},
        {"index", required_argument, NULL, OPT_INDEX},
        {"records", required_argument, NULL, 'r'},
        GT_OPTS_HELP,
        {NULL, 0, NULL, 0},
    };
    const char *tokpath = NULL, *modeldir = NULL;
    const char *mkindex = NULL, *idxpath = NULL;
    uint64_t *ranges = NULL;            /* --records: pairs first, last */
    size_t nranges = 0;
    int ids_in = 0, fmt = F_TEXT;
    gt_opts op;
    gt_opts_init(&op, usage);
    int c;
    while ((c = getopt_long(argc, argv, "t:m:f:r:h", longopts, NULL)) != -1) {
        switch (c) {
        case 't': tokpath = optarg; break;
        case 'm': modeldir = optarg; break;
        case OPT_IDS: ids_in = 1; break;
        case 'f':
            if (strcmp(optarg, "text") == 0) fmt = F_TEXT;
            else if (strcmp(optarg, "json") == 0) fmt = F_JSON;
            else if (strcmp(optarg, "ids") == 0) fmt = F_IDS;
            else gt_usage_error("unknown --format '%s' (text, json or ids)", optarg);
            break;
        case OPT_MKINDEX: mkindex = optarg; break;
        case OPT_INDEX: idxpath = optarg; break;
        case 'r': {
            char *e;
            errno = 0;
            if (*optarg < '0' || *optarg > '9') gt_usage_error("--records '%s': expected N or A-B", optarg);
            unsigned long long a = strtoull(optarg, &e, 10), b = a;
            if (errno == 0 && *e == '-' && e[1] >= '0' && e[1] <= '9') b = strtoull(e + 1, &e, 10);
            if (errno || *e || b < a) gt_usage_error("--records '%s': expected N or A-B with A <= B", optarg);
            ranges = gt_xrealloc(ranges, (nranges + 1) * 2 * sizeof *ranges);
            ranges[2 * nranges] = a; ranges[2 * nranges + 1] = b;
            nranges++;
            break;
        }
        default: if (!gt_opt_common(&op, c, optarg)) gt_usage_error("invalid option");
        }
    }
    if (mkindex) {
        if (idxpath || nranges || ids_in) gt_usage_error("--make-index goes alone (without --index, --records, --ids)");
        if (argc - optind != 1 || strcmp(argv[optind], "-") == 0)
            gt_usage_error("--make-index needs exactly one STREAM file (not standard input)");
        char e2[512];
        gt_buf ib = { 0 };
        int code = gt_tsidx_build(argv[optind], &ib, e2, sizeof e2);
        if (code) gt_die(code, "%s: %s", argv[optind], e2);
        gt_out io;
        gt_atomic *ia = gt_atomic_open(mkindex, &io);
        if (!ia) return EX_IOERR;
        gt_out_write(&io, ib.p, ib.n);
        gt_buf_free(&ib);
        return gt_atomic_commit(ia, &io) != 0 ? EX_IOERR : 0;
    }
    if (nranges && !idxpath) gt_usage_error("--records needs --index IDX");
    if (idxpath && ids_in) gt_usage_error("--index goes with streams, not --ids");
    if (idxpath && (argc - optind != 1 || strcmp(argv[optind], "-") == 0))
        gt_usage_error("--index needs exactly one STREAM file (not standard input)");
    if (!tokpath && !modeldir) gt_usage_error("no tokenizer: give --tokenizer FILE or --model DIR");
    if (tokpath && modeldir) gt_usage_error("--tokenizer and --model both given");
    char path[4096], err[512];
    if (modeldir) tokpath = gt_model_tok_path(modeldir, path, sizeof path);
    gt_tok *tok = gt_tok_load_file(tokpath, err, sizeof err);
    if (!tok) gt_die(gt_file_status(tokpath), "%s: %s", tokpath, err);
    uint32_t vocab = (uint32_t)gt_tok_vocab_size(tok);
    gt_out out;
    gt_out_init(&out, 1, "<stdout>");
    int status = 0;
    int32_t *ids = NULL;
    size_t cap = 0;
    int nfiles = argc - optind;
    if (idxpath) {
        const char *spath = argv[optind];
        int code;
        gt_tokidx *x = gt_tokidx_open(idxpath, spath, err, sizeof err, &code);
        if (!x) { gt_warn("%s", err); status = code; nfiles = 0; }
        else {
            const gt_ts_header *h = gt_tokidx_header(x);
            uint64_t count = gt_tokidx_count(x);
            if (h->fingerprint != gt_tok_fingerprint(tok) || h->vocab != vocab) {
                gt_warn("%s: the stream was made with a different tokenizer (fingerprint %016llx, vocabulary %u) than %s (fingerprint %016llx, vocabulary %u)",
                        spath, (unsigned long long)h->fingerprint, h->vocab, tokpath,
                        (unsigned long long)gt_tok_fingerprint(tok), vocab);
                status = EX_DATAERR;
            }
            for (size_t k = 0; k < nranges && status == 0; k++)
                if (ranges[2 * k + 1] >= count) {
                    gt_warn("--records: record %llu out of range (%s has %llu records, numbered from 0)",
                            (unsigned long long)ranges[2 * k + 1], spath, (unsigned long long)count);
                    status = EX_USAGE;
                }
            if (!nranges && count) {
                ranges = gt_xrealloc(ranges, 2 * sizeof *ranges);
                ranges[0] = 0; ranges[1] = count - 1;
                nranges = 1;
            }
            uint32_t n, resp;
            for (size_t k = 0; k < nranges && status == 0; k++)
                for (uint64_t i = ranges[2 * k]; i <= ranges[2 * k + 1]; i++) {
                    if (gt_tokidx_read(x, i, &ids, &cap, &n, &resp) != 0) {
                        gt_out_flush(&out);
                        gt_warn("%s: %s", spath, gt_tokidx_error(x));
                        status = strncmp(gt_tokidx_error(x), "read error", 10) == 0 ? EX_IOERR : EX_DATAERR;
                        break;
                    }
                    write_record(&out, tok, fmt, ids, n, resp, 1);
                }
            gt_tokidx_close(x);
        }
        nfiles = 0;
    }
    for (int fi = 0; fi < (nfiles ? nfiles : 1) && status == 0 && !idxpath; fi++) {
        const char *ipath = nfiles ? argv[optind + fi] : "-";
        const char *name = strcmp(ipath, "-") == 0 ? "<stdin>" : ipath;
        if (ids_in) {
            gt_reader *r = gt_reader_open(ipath, (size_t)1 << 26);
            if (!r) { status = EX_NOINPUT; break; }
            const char *line;
            size_t len;
            int st;
            while ((st = gt_reader_next(r, &line, &len)) != GT_READ_EOF) {
                if (st == GT_READ_ERROR) {
                    gt_warnat(name, 0, "%s", gt_reader_error(r));
                    status = gt_reader_error_code(r);
                    break;
                }
                if (st == GT_READ_TOOLONG) {
                    gt_warnat(name, gt_reader_lineno(r), "line too long");
                    status = EX_DATAERR;
                    break;
                }
                uint32_t n = 0;
                size_t i = 0;
                while (i < len && status == 0) {
                    while (i < len && (line[i] == ' ' || line[i] == '\t')) i++;
                    if (i == len) break;
                    uint64_t v = 0;
                    size_t s = i;
                    while (i < len && line[i] >= '0' && line[i] <= '9' && v < (1ull << 40)) v = v * 10 + (uint64_t)(line[i++] - '0');
                    if (i == s || (i < len && line[i] != ' ' && line[i] != '\t')) {
                        gt_warnat(name, gt_reader_lineno(r), "not an id: \"%.*s\"", (int)((len - s) < 20 ? len - s : 20), line + s);
                        status = EX_DATAERR;
                    } else if (v >= vocab) {
                        gt_warnat(name, gt_reader_lineno(r), "id %llu out of range (vocabulary %u)", (unsigned long long)v, vocab);
                        status = EX_DATAERR;
                    } else {
                        if (n == cap) { cap = cap ? cap * 2 : 1024; ids = gt_xrealloc(ids, cap * sizeof *ids); }
                        ids[n++] = (int32_t)v;
                    }
                }
                if (status) break;
                write_record(&out, tok, fmt, ids, n, 0, 0);
            }
            gt_reader_close(r);
            continue;
        }
        gt_tsr *r = gt_tsr_open(ipath, err, sizeof err);
        if (!r) {
            FILE *f = strcmp(ipath, "-") == 0 ? stdin : fopen(ipath, "rb");
            int missing = !f;
            if (f && f != stdin) fclose(f);
            gt_out_flush(&out);
            if (missing) { gt_warn("%s: %s", name, strerror(errno)); status = EX_NOINPUT; }
            else { gt_warn("%s: %s", name, err); status = EX_DATAERR; }
            break;
        }
        const gt_ts_header *h = gt_tsr_header(r);
        if (h->fingerprint != gt_tok_fingerprint(tok) || h->vocab != vocab) {
            gt_out_flush(&out);
            gt_warn("%s: the stream was made with a different tokenizer (fingerprint %016llx, vocabulary %u) than %s (fingerprint %016llx, vocabulary %u)",
                    name, (unsigned long long)h->fingerprint, h->vocab, tokpath,
                    (unsigned long long)gt_tok_fingerprint(tok), vocab);
            gt_tsr_close(r);
            status = EX_DATAERR;
            break;
        }
        uint32_t n, resp;
        int st;
        while ((st = gt_tsr_next(r, &ids, &cap, &n, &resp)) == 1)
            write_record(&out, tok, fmt, ids, n, resp, 1);
        if (st < 0) {
            gt_out_flush(&out);
            gt_warn("%s: %s", name, gt_tsr_error(r));
            status = strncmp(gt_tsr_error(r), "read error", 10) == 0 ? EX_IOERR : EX_DATAERR;
        }
        gt_tsr_close(r);
    }
    gt_out_flush(&out);
    gt_out_free(&out);
    free(ids);
    free(ranges);
    free(dbuf);
    gt_tok_free(tok);
    return status;
}
