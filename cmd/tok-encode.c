/* tok-encode - pairs (or plain text) to LLaMA token streams or ids. */
#include "core/opts.h"
#include "core/progress.h"
#include "core/util.h"
#include "io/file.h"
#include "io/input.h"
#include "io/genset.h"
#include "io/output.h"
#include "io/shard.h"
#include "nn/gguf.h"
#include "nn/gguf_tok.h"
#include "tok/encode.h"
#include "tok/specials.h"
#include "tok/template.h"
#include "tok/tokenizer.h"
#include "tok/tokstream.h"
#include "tok/tsmerge.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void usage(void)
{
    printf(
"Usage: tok-encode (-t FILE | -m DIR|FILE.gguf) [OPTIONS] [FILE...]\n"
"       tok-encode --shard-merge [-o FILE [--index FILE]] SHARD...\n"
"Tokenize instruction/input/output pairs (NDJSON, see gentitle-record(5)) or plain\n"
"text with a LLaMA SentencePiece, Hugging Face BPE or GGUF model's tokenizer and\n"
"write a binary token stream (see gentitle-tokens(5)) or ids as text. Input from\n"
"FILEs or standard input, plain or zstd-compressed.\n"
"\n"
"Options:\n"
"  -t, --tokenizer FILE  SentencePiece tokenizer.model, Hugging Face\n"
"                        tokenizer.json (BPE) or GGUF model file to use\n"
"  -m, --model DIR       use DIR/tokenizer.model, or DIR/tokenizer.json if there\n"
"                        is no tokenizer.model; a .gguf file: the tokenizer in\n"
"                        its metadata (control tokens in the text are matched)\n"
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
"      --eos, --no-eos   add (or not) EOS at the end (default: both for streams;\n"
"                        a GGUF tokenizer: BOS as its add_bos_token says)\n"
"      --stats           print example count and length percentiles on standard error\n"
"  -j, --jobs N          encode with N threads (default 1)\n"
"      --shard K/N       only every N-th record, from the K-th (from 0), a\n"
"                        repeated header (ids: a line \"-\") for each one\n"
"                        without an example (default: the rank and size of\n"
"                        mpirun or srun)\n"
"      --shard-merge     merge the N shards' streams (or lines of ids), given in\n"
"                        shard order, into the output of an unsharded run (no\n"
"                        tokenizer needed)\n"
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

/* -o STREAM with --index INDEX: one generation, STREAM.gen/, holding both
 * (io/genset.h), so that the two paths never lead to a stream and an index of
 * different runs. */
static gt_genset *open_pair(const char *stream, const char *index, gt_out *outs)
{
    size_t n = strlen(stream) + 8;
    char *gen = gt_xmalloc(n), *iname = gt_xmalloc(strlen(index) + 8);
    snprintf(gen, n, "%s.gen", stream);
    const char *sb = strrchr(stream, '/'), *ib = strrchr(index, '/');
    sb = sb ? sb + 1 : stream;
    ib = ib ? ib + 1 : index;
    sprintf(iname, strcmp(sb, ib) == 0 ? "%s.index" : "%s", ib);     /* a/x and b/x */
    const char *paths[2] = { stream, index }, *names[2] = { sb, iname };
    gt_genset *g = gt_genset_open(gen, 2, paths, names, outs);
    free(gen);
    free(iname);
    return g;
}

/* Where the stream (and with --index the index) goes: -o's files, written
 * atomically, or standard output. */
typedef struct {
    gt_out outs[2];
    gt_atomic *atom;
    gt_genset *set;
    gt_buf offs;                /* --index: record offsets */
    uint64_t written;           /* the stream's bytes */
} sink;

/* Open K's outputs: 0, or EX_IOERR (said). */
static int sink_open(sink *k, const char *outpath, const char *idxpath)
{
    memset(k, 0, sizeof *k);
    if (idxpath) return (k->set = open_pair(outpath, idxpath, k->outs)) ? 0 : EX_IOERR;
    if (outpath) return (k->atom = gt_atomic_open(outpath, &k->outs[0])) ? 0 : EX_IOERR;
    gt_out_init(&k->outs[0], 1, "<stdout>");
    return 0;
}

/* Commit K's files when KEEP (the index's header with FP, the stream's
 * tokenizer fingerprint), else remove them: STATUS, or EX_IOERR. */
static int sink_close(sink *k, int keep, uint64_t fp, int status)
{
    if (k->set && keep) {
        gt_buf ih = { 0 };
        gt_tsidx_put_header(&ih, fp, k->written, k->offs.n / 8);
        gt_out_write(&k->outs[1], ih.p, ih.n);
        if (k->offs.n) gt_out_write(&k->outs[1], k->offs.p, k->offs.n);
        gt_buf_free(&ih);
        if (gt_genset_commit(k->set, k->outs) != 0) status = EX_IOERR;
    } else if (k->set) {
        gt_genset_abort(k->set, k->outs);
    } else if (k->atom && keep) {
        if (gt_atomic_commit(k->atom, &k->outs[0]) != 0) status = EX_IOERR;
    } else if (k->atom) {
        gt_atomic_abort(k->atom, &k->outs[0]);
    } else {
        gt_out_flush(&k->outs[0]);
        gt_out_free(&k->outs[0]);
    }
    gt_buf_free(&k->offs);
    return status;
}

/* Does FILE begin as a token stream? ("-", or a file that cannot be read:
 * yes, the stream merge says what is wrong.) */
static int is_stream(const char *file)
{
    FILE *f = strcmp(file, "-") != 0 ? fopen(file, "rb") : NULL;
    if (!f) return 1;
    char m[8];
    size_t got = fread(m, 1, sizeof m, f);
    fclose(f);
    return got == sizeof m && memcmp(m, GT_TS_MAGIC, sizeof m) == 0;
}

/* --shard-merge: the shards' STREAMS to -o (and --index) or standard output;
 * or their lines of ids (--format ids --shard), by the first one's start. */
static int merge_shards(char *const *streams, int n, const char *outpath, const char *idxpath)
{
    if (n < 1) gt_usage_error("--shard-merge needs the shards' streams, in shard order");
    sink k;
    if (!is_stream(streams[0])) {
        if (idxpath) gt_usage_error("--index goes with streams, not lines of ids (%s)", streams[0]);
        int status = sink_open(&k, outpath, NULL);
        if (status) return status;
        status = gt_shard_merge_lines(streams, n, &k.outs[0]);
        return sink_close(&k, status == 0, 0, status);
    }
    int status = sink_open(&k, outpath, idxpath);
    if (status) return status;
    gt_ts_header h = { 0 };
    status = gt_ts_shard_merge(streams, n, &k.outs[0], idxpath ? &k.offs : NULL, &k.written, &h);
    return sink_close(&k, status == 0, h.fingerprint, status);
}

enum { OPT_TEXT = 256, OPT_PAIRS, OPT_TEMPLATE, OPT_CUTOFF, OPT_BOS, OPT_NOBOS, OPT_EOS, OPT_NOEOS, OPT_STATS,
       OPT_INDEX, OPT_TOI };

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
        GT_OPTS_LINES,
        GT_OPTS_SHARD,
        {NULL, 0, NULL, 0},
    };
    const char *tokpath = NULL, *modeldir = NULL, *outpath = NULL, *tplpath = NULL, *idxpath = NULL;
    int toi = 0, text = 0, pairs = 0, ids_fmt = 0, bos = -1, eos = -1, stats = 0;
    long cutoff = 0, jobs = 1;
    gt_opts op;
    gt_opts_init(&op, usage);
    gt_shard sh = { 0 };
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
        default:
            if (!gt_opt_common(&op, c, optarg) && !gt_shard_opt(&sh, c, optarg)) gt_usage_error("invalid option");
        }
    }
    if (idxpath && !outpath) gt_usage_error("--index needs -o STREAM (the index holds byte offsets into that file)");
    if (idxpath && strcmp(idxpath, outpath) == 0) gt_usage_error("--index and -o name the same file");
    if (sh.merge) {
        if (tokpath || modeldir || text || pairs || ids_fmt || tplpath || cutoff || toi || bos >= 0 || eos >= 0 || stats ||
            sh.arg)
            gt_usage_error("--shard-merge takes only -o, --index and the shards' outputs");
        return merge_shards(argv + optind, argc - optind, outpath, idxpath);
    }
    if (!tokpath && !modeldir) gt_usage_error("no tokenizer: give --tokenizer FILE or --model DIR");
    if (tokpath && modeldir) gt_usage_error("--tokenizer and --model both given");
    if (text && pairs) gt_usage_error("--text and --pairs both given");
    if (pairs && !ids_fmt) gt_usage_error("--pairs goes with --format ids (pairs are the default input of streams)");
    if (ids_fmt && !pairs) text = 1;
    if (text && (tplpath || cutoff || toi)) gt_usage_error("--template, --cutoff-len and --train-on-inputs apply to pairs, not --text");
    if (idxpath && ids_fmt) gt_usage_error("--index goes with streams, not --format ids");
    gt_shard_setup(&sh);
    if (eos < 0) eos = !ids_fmt;

    char path[4096], err[512];
    if (modeldir) tokpath = gt_model_tok_path(modeldir, path, sizeof path);
    gt_tok *tok = gt_tok_load_file(tokpath, err, sizeof err);
    if (!tok) gt_die(gt_file_status(tokpath), "%s: %s", tokpath, err);
    /* BOS and EOS: with -m DIR as its files say (specials.h), else the tokenizer's */
    gt_specials sp;
    if (gt_specials_of_model(modeldir && !gt_is_gguf(modeldir) ? modeldir : NULL, tok, &sp, err, sizeof err) != 0)
        gt_die(EX_DATAERR, "%s", err);
    if (bos < 0) bos = !ids_fmt && sp.add_bos != 0;   /* the model's own rule, else on */
    if ((bos && sp.bos < 0) || (eos && sp.eos < 0))
        gt_die(EX_DATAERR, "%s: the tokenizer has no %s id (use --no-%s)", tokpath, bos && sp.bos < 0 ? "BOS" : "EOS",
               bos && sp.bos < 0 ? "bos" : "eos");
    gt_template tpl;
    char tplbuf[4200];
    if (!tplpath && !text) tplpath = gt_template_of_model(modeldir, tplbuf, sizeof tplbuf);
    if (!tplpath) gt_template_default(&tpl);
    else if (gt_template_load(&tpl, tplpath, err, sizeof err) != 0) gt_die(gt_file_status(tplpath), "%s: %s", tplpath, err);
    gt_enc_opts eo = { tok, &tpl, text, ids_fmt, bos, eos, sp.bos, sp.eos, op.quiet, op.strict, toi, cutoff, op.max_line,
                       (uint32_t)sh.k, gt_shard_on(&sh) ? (uint32_t)sh.n : 0 };
    gt_encoder *enc = gt_enc_new(&eo, (int)jobs);

    sink k;
    if (sink_open(&k, outpath, idxpath) != 0) return EX_IOERR;
    gt_out *out = &k.outs[0];
    k.written = gt_enc_header(enc, out);

    int status = 0, stop = 0;
    uint64_t bytes_done = 0;
    gt_progress prog;
    int nfiles = argc - optind;
    for (int fi = 0; fi < (nfiles ? nfiles : 1) && !stop; fi++) {
        const char *ipath = nfiles ? argv[optind + fi] : "-";
        gt_reader *r = gt_reader_open(ipath, op.max_line);
        if (!r) { status = EX_NOINPUT; break; }
        gt_progress_start(&prog, gt_progress_wanted(op.progress), gt_reader_size(r));
        int eof = 0;
        while (!eof && !stop) {
            while (!gt_enc_full(enc)) {
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
                if (gt_enc_is_record(enc, st, len) && !gt_shard_take(&sh)) continue;
                gt_enc_add(enc, st, line, len, gt_reader_lineno(r));
            }
            if (gt_enc_run(enc, gt_reader_name(r), out, idxpath ? &k.offs : NULL, &k.written)) {
                stop = 1;
                status = EX_DATAERR;
            }
            gt_enc_counts n = gt_enc_counts_of(enc);
            gt_progress_update(&prog, bytes_done + gt_reader_bytes_in(r), n.records + n.bad);
        }
        bytes_done += gt_reader_bytes_in(r);
        gt_progress_end(&prog, bytes_done, gt_enc_counts_of(enc).lines);
        gt_reader_close(r);
    }
    int keep = status == 0 || (status == EX_DATAERR && !op.strict);
    status = sink_close(&k, keep, gt_tok_fingerprint(tok), status);
    gt_enc_counts n = gt_enc_counts_of(enc);
    if (stats) gt_enc_print_stats(enc);
    if (stats && modeldir) {            /* where the model's files gave BOS and EOS */
        char spd[200];
        gt_warn("special tokens: %s; each example %s BOS, %s EOS", gt_specials_describe(&sp, spd, sizeof spd),
                bos ? "starts with" : "has no", eos ? "ends with" : "no");
    }
    if (n.dropped && !stats)
        gt_warn("%llu examples left out: too long for --cutoff-len %ld even without their input",
                (unsigned long long)n.dropped, cutoff);
    if (n.bad && !op.strict) {
        gt_warn("%llu of %llu records skipped (malformed)", (unsigned long long)n.bad, (unsigned long long)n.lines);
        if (status == 0) status = EX_DATAERR;
    }
    gt_enc_free(enc);
    gt_template_free(&tpl);
    gt_tok_free(tok);
    return status;
}
