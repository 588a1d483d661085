/* title-gen - paper titles for abstracts with a LLaMA model (plus LoRA adapter). */
#include "clean.h"
#include "generate.h"
#include "input.h"
#include "kernels.h"
#include "lora.h"
#include "model.h"
#include "output.h"
#include "progress.h"
#include "quant.h"
#include "record.h"
#include "template.h"
#include "tokenizer.h"
#include "tokstream.h"
#include "util.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#ifdef _OPENMP
#include <omp.h>
#endif

#define DEFAULT_INSTRUCTION                                                                                      \
    "If you are an expert in writing papers, please generate a good paper title for this paper based on other " \
    "authors' descriptions of their abstracts."

static void usage(void)
{
    printf(
"Usage: title-gen --model DIR [OPTIONS] [FILE...]\n"
"Write paper titles for abstracts with a LLaMA-architecture model in the Hugging\n"
"Face layout (config.json, *.safetensors, tokenizer.model or tokenizer.json),\n"
"optionally with a PEFT LoRA adapter. Input: NDJSON records with \"abstract\" (or\n"
"\"input\", as pairs from pair-build), or plain text with --text; output: each\n"
"record plus \"titles\": [{\"title\": ..., \"score\": ...}, ...], best first.\n"
"\n"
"Options:\n"
"  -m, --model DIR          the base model\n"
"      --lora DIR           apply the PEFT LoRA adapter in DIR (adapter_config.json,\n"
"                           adapter_model.safetensors), kept apart from the weights\n"
"      --lora-merge         merge the adapter into F32 copies of the weights it\n"
"                           changes (faster decoding, more memory)\n"
"      --load-8bit          quantise the weights to 8 bits at load (blocks of 32\n"
"                           with F32 scales)\n"
"      --instruction TEXT   the instruction of the prompt (default: ChatGenTitle's;\n"
"                           a record's own \"instruction\" is used when it has one)\n"
"      --template FILE      prompt template, alpaca-lora JSON form (default: alpaca)\n"
"      --text               input is plain text, one abstract per line\n"
"  -b, --beams N            beam search with N beams (default 4; 1: greedy)\n"
"  -n, --n K                K distinct titles per abstract (default 1)\n"
"  -t, --temperature T      sample with temperature T > 0 instead of searching\n"
"      --top-k K            sampling: only the K most likely tokens (default: all)\n"
"      --top-p P            sampling: nucleus of mass P (default 1: off)\n"
"      --seed N             seed for sampling (default 0)\n"
"      --max-new-tokens N   at most N generated tokens per title (default 64)\n"
"      --ids                also write each title's token ids\n"
"  -j, --jobs N             compute with N threads (default: all processors)\n"
"      --strict             stop at the first malformed line (exit 65)\n"
"      --max-line N         longest accepted line in bytes (default 16777216)\n"
"      --progress           show progress on standard error even when not a terminal\n"
"      --stats              print token counts and speeds on standard error\n"
"  -h, --help               show this help and exit\n"
"      --version            show the version and exit\n"
"\n"
"Exit status: 0 ok, 64 usage, 65 malformed input or an unusable model, adapter,\n"
"tokenizer or template, 66 a file cannot be opened, 74 I/O error.\n");
}

enum { OPT_LORA = 256, OPT_MERGE, OPT_8BIT, OPT_INSTR, OPT_TEMPLATE, OPT_TEXT, OPT_TOPK, OPT_TOPP, OPT_SEED, OPT_MAXNEW,
       OPT_IDS, OPT_STRICT, OPT_MAXLINE, OPT_PROGRESS, OPT_STATS, OPT_VERSION };

static int exists(const char *path) { return access(path, F_OK) == 0; }

/* Exit for a file that failed to load: 66 when it cannot be opened, else 65. */
noreturn static void die_file(const char *path, const char *msg)
{
    gt_die(exists(path) ? EX_DATAERR : EX_NOINPUT, "%s", msg);
}

/* Is S (N bytes) well-formed UTF-8 (no overlongs, surrogates or NUL)? */
static int utf8_ok(const unsigned char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        unsigned c = s[i];
        if (c == 0) return 0;
        if (c < 0x80) { i++; continue; }
        int k = c >= 0xf0 && c <= 0xf4 ? 3 : c >= 0xe0 && c <= 0xef ? 2 : c >= 0xc2 && c <= 0xdf ? 1 : -1;
        if (k < 0 || i + (size_t)k >= n) return 0;
        unsigned c1 = s[i + 1];
        if ((c == 0xe0 && c1 < 0xa0) || (c == 0xed && c1 > 0x9f) || (c == 0xf0 && c1 < 0x90) || (c == 0xf4 && c1 > 0x8f))
            return 0;
        for (int j = 1; j <= k; j++)
            if ((s[i + (size_t)j] & 0xc0) != 0x80) return 0;
        i += (size_t)k + 1;
    }
    return 1;
}

static void write_field_value(gt_out *o, const gt_rec *r, const gt_field *f)
{
    switch (f->kind) {
    case GT_V_NULL: gt_out_str(o, "null"); break;
    case GT_V_STR: gt_out_json_str(o, gt_rec_at(r, f->val), f->val.len); break;
    case GT_V_RAW: gt_out_write(o, gt_rec_at(r, f->val), f->val.len); break;
    case GT_V_ARR:
        gt_out_putc(o, '[');
        for (int i = 0; i < f->count; i++) {
            gt_span s = r->items[f->first + i];
            if (i) gt_out_putc(o, ',');
            gt_out_json_str(o, gt_rec_at(r, s), s.len);
        }
        gt_out_putc(o, ']');
        break;
    }
}

static void write_titles(gt_out *o, const gt_cand *c, int n, int ids)
{
    gt_out_str(o, "\"titles\":[");
    for (int i = 0; i < n; i++) {
        char num[64];
        if (i) gt_out_putc(o, ',');
        gt_out_str(o, "{\"title\":");
        gt_out_json_str(o, c[i].text, c[i].len);
        snprintf(num, sizeof num, ",\"score\":%.4f", c[i].score);
        gt_out_str(o, num);
        if (ids) {
            gt_out_str(o, ",\"ids\":[");
            for (int j = 0; j < c[i].nids; j++) {
                snprintf(num, sizeof num, j ? ",%d" : "%d", (int)c[i].ids[j]);
                gt_out_str(o, num);
            }
            gt_out_putc(o, ']');
        }
        gt_out_putc(o, '}');
    }
    gt_out_str(o, "]}\n");
}

int main(int argc, char **argv)
{
    gt_init(argv[0]);
    static const struct option longopts[] = {
        {"model", required_argument, NULL, 'm'},
        {"lora", required_argument, NULL, OPT_LORA},
        {"lora-merge", no_argument, NULL, OPT_MERGE},
        {"load-8bit", no_argument, NULL, OPT_8BIT},
        {"instruction", required_argument, NULL, OPT_INSTR},
        {"template", required_argument, NULL, OPT_TEMPLATE},
        {"text", no_argument, NULL, OPT_TEXT},
        {"beams", required_argument, NULL, 'b'},
        {"n", required_argument, NULL, 'n'},
        {"temperature", required_argument, NULL, 't'},
        {"top-k", required_argument, NULL, OPT_TOPK},
        {"top-p", required_argument, NULL, OPT_TOPP},
        {"seed", required_argument, NULL, OPT_SEED},
        {"max-new-tokens", required_argument, NULL, OPT_MAXNEW},
        {"ids", no_argument, NULL, OPT_IDS},
        {"jobs", required_argument, NULL, 'j'},
        {"strict", no_argument, NULL, OPT_STRICT},
        {"max-line", required_argument, NULL, OPT_MAXLINE},
        {"progress", no_argument, NULL, OPT_PROGRESS},
        {"stats", no_argument, NULL, OPT_STATS},
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, OPT_VERSION},
        {NULL, 0, NULL, 0},
    };
    const char *modeldir = NULL, *loradir = NULL, *tplpath = NULL, *instr_opt = NULL;
    int merge = 0, q8 = 0, text = 0, ids = 0, strict = 0, progress = 0, stats = 0, beams_given = 0;
    long jobs = 0;
    size_t max_line = (size_t)1 << 24;
    gt_gen_opts go;
    gt_gen_opts_default(&go);
    int c;
    while ((c = getopt_long(argc, argv, "m:b:n:t:j:h", longopts, NULL)) != -1) {
        switch (c) {
        case 'm': modeldir = optarg; break;
        case OPT_LORA: loradir = optarg; break;
        case OPT_MERGE: merge = 1; break;
        case OPT_8BIT: q8 = 1; break;
        case OPT_INSTR: instr_opt = optarg; break;
        case OPT_TEMPLATE: tplpath = optarg; break;
        case OPT_TEXT: text = 1; break;
        case 'b': go.beams = (int)gt_parse_ll("--beams", optarg, 1, 64); beams_given = 1; break;
        case 'n': go.n = (int)gt_parse_ll("--n", optarg, 1, 64); break;
        case 't': {
            char *e;
            double t = strtod(optarg, &e);
            if (e == optarg || *e || !(t >= 0 && t <= 100)) gt_usage_error("--temperature must be a number in 0..100");
            go.temperature = (float)t;
            break;
        }
        case OPT_TOPK: go.top_k = (int)gt_parse_ll("--top-k", optarg, 0, 1 << 22); break;
        case OPT_TOPP: {
            char *e;
            double p = strtod(optarg, &e);
            if (e == optarg || *e || !(p > 0 && p <= 1)) gt_usage_error("--top-p must be a number in (0, 1]");
            go.top_p = (float)p;
            break;
        }
        case OPT_SEED: go.seed = (uint64_t)gt_parse_ll("--seed", optarg, 0, (long long)(~0ULL >> 1)); break;
        case OPT_MAXNEW: go.max_new_tokens = (int)gt_parse_ll("--max-new-tokens", optarg, 1, 1 << 20); break;
        case OPT_IDS: ids = 1; break;
        case 'j': jobs = (long)gt_parse_ll("--jobs", optarg, 1, 1024); break;
        case OPT_STRICT: strict = 1; break;
        case OPT_MAXLINE: max_line = (size_t)gt_parse_ll("--max-line", optarg, 64, 1LL << 31); break;
        case OPT_PROGRESS: progress = 1; break;
        case OPT_STATS: stats = 1; break;
        case 'h': usage(); return 0;
        case OPT_VERSION: gt_print_version();
        default: gt_usage_error("invalid option");
        }
    }
    if (!modeldir) gt_usage_error("no model: give --model DIR");
    if (merge && !loradir) gt_usage_error("--lora-merge needs --lora DIR");
    if (go.temperature > 0 && beams_given && go.beams > 1)
        gt_usage_error("--beams and --temperature do not go together (sampling draws one sequence at a time)");
    if (go.temperature == 0 && (go.top_k || go.top_p < 1))
        gt_usage_error("--top-k and --top-p apply to sampling: give --temperature too");
#ifdef _OPENMP
    if (jobs) omp_set_num_threads((int)jobs);
#endif

    char err[1024], path[4096];
    gt_model model;
    if (gt_model_load(&model, modeldir, err, sizeof err) != 0) {
        snprintf(path, sizeof path, "%s/config.json", modeldir);
        die_file(path, err);
    }
    /* tokenizer.model first, else tokenizer.json */
    snprintf(path, sizeof path, "%s/tokenizer.model", modeldir);
    if (!exists(path)) {
        snprintf(path, sizeof path, "%s/tokenizer.json", modeldir);
        if (!exists(path)) gt_die(EX_NOINPUT, "%s: no tokenizer.model or tokenizer.json", modeldir);
    }
    gt_tok *tok = gt_tok_load(path, err, sizeof err);
    if (!tok) gt_die(EX_DATAERR, "%s: %s", path, err);
    gt_lora *lora = NULL;
    if (loradir) {
        lora = gt_lora_load(&model, loradir, merge, err, sizeof err);
        if (!lora) {
            snprintf(path, sizeof path, "%s/adapter_config.json", loradir);
            die_file(path, err);
        }
        if (gt_lora_note(lora)[0]) gt_warn("%s", gt_lora_note(lora));
    }
    gt_quant *quant = NULL;
    if (q8) {
        quant = gt_quant_model(&model, err, sizeof err);
        if (!quant) gt_die(EX_DATAERR, "%s: %s", modeldir, err);
        if (lora) gt_lora_release_merged(lora);
    }
    gt_template tpl;
    if (tplpath) {
        if (gt_template_load(&tpl, tplpath, err, sizeof err) != 0) die_file(tplpath, err);
    } else {
        gt_template_default(&tpl);
    }
    gt_gen *gen = gt_gen_new(&model, tok, err, sizeof err);
    if (!gen) gt_die(EX_DATAERR, "%s: %s", path, err);
    int bos = gt_tok_bos(tok) >= 0 ? gt_tok_bos(tok) : model.c.bos_id;
    gt_clean_opts co;
    gt_clean_opts_default(&co);
    gt_cleaner *cl = gt_cleaner_new(&co);
    gt_tokctx *tc = gt_tokctx_new(tok);

    gt_out out;
    gt_out_init(&out, 1, "<stdout>");
    gt_rec rec;
    gt_rec_init(&rec);
    gt_buf prompt = { 0 };
    gt_ids pids = { 0 };
    int status = 0, stop = 0;
    uint64_t total = 0, bad = 0, bytes_done = 0;
    double t_start = gt_now();
    gt_progress prog;
    int nfiles = argc - optind;
    for (int fi = 0; fi < (nfiles ? nfiles : 1) && !stop; fi++) {
        const char *ipath = nfiles ? argv[optind + fi] : "-";
        gt_reader *r = gt_reader_open(ipath, max_line);
        if (!r) { status = EX_NOINPUT; break; }
        const char *fname = gt_reader_name(r);
        gt_progress_start(&prog, gt_progress_wanted(progress), gt_reader_size(r));
        for (;;) {
            const char *line;
            size_t len;
            int st = gt_reader_next(r, &line, &len);
            if (st == GT_READ_EOF) break;
            if (st == GT_READ_ERROR) {
                gt_warnat(fname, 0, "%s (after line %ld)", gt_reader_error(r), gt_reader_lineno(r));
                status = gt_reader_error_code(r);
                stop = 1;
                break;
            }
            long lineno = gt_reader_lineno(r);
            if (st == GT_READ_LINE && len == 0) continue;
            total++;
            const char *why = NULL;
            char whybuf[300];
            const char *abs = NULL, *instr = instr_opt ? instr_opt : DEFAULT_INSTRUCTION;
            size_t nabs = 0;
            if (st == GT_READ_TOOLONG) {
                snprintf(whybuf, sizeof whybuf, "line longer than %zu bytes (see --max-line)", max_line);
                why = whybuf;
            } else if (text) {
                if (!utf8_ok((const unsigned char *)line, len)) why = "invalid UTF-8";
                else abs = gt_clean_text(cl, GT_TEXT_ABSTRACT, line, len, &nabs);
            } else if (gt_rec_parse(&rec, line, len, whybuf, sizeof whybuf) != 0) {
                why = whybuf;
            } else {
                abs = gt_rec_str(&rec, "abstract", &nabs);
                if (abs) {
                    abs = gt_clean_text(cl, GT_TEXT_ABSTRACT, abs, nabs, &nabs);
                } else {
                    abs = gt_rec_str(&rec, "input", &nabs);
                    if (!abs) why = "no string \"abstract\" or \"input\"";
                }
                const char *ri = gt_rec_str(&rec, "instruction", NULL);
                if (ri && !instr_opt) instr = ri;
            }
            if (!why && nabs == 0) why = "empty abstract";
            const gt_cand *cands = NULL;
            int nc = 0;
            if (!why) {
                prompt.n = 0;
                size_t a0, a1;
                gt_template_render(&tpl, instr, strlen(instr), abs, nabs, 1, &prompt, &a0, &a1);
                pids.n = 0;
                if (bos >= 0) gt_ids_push(&pids, bos);
                gt_tok_encode(tc, prompt.p, prompt.n, &pids, NULL, 0);
                gt_gen_opts o = go;
                o.seed = go.seed ^ gt_hash64(&lineno, sizeof lineno, 0x7469746c65ULL);
                if (gt_gen_run(gen, &o, pids.v, (int)pids.n, &cands, &nc) != 0) why = gt_gen_error(gen);
            }
            if (why) {
                gt_out_flush(&out);
                gt_warnat(fname, lineno, "%s", why);
                bad++;
                if (strict) { status = EX_DATAERR; stop = 1; break; }
                continue;
            }
            if (text) {
                gt_out_str(&out, "{\"abstract\":");
                gt_out_json_str(&out, line, len);
                gt_out_putc(&out, ',');
            } else {
                gt_out_putc(&out, '{');
                for (int i = 0; i < rec.nf; i++) {
                    const gt_field *f = &rec.f[i];
                    if (strcmp(gt_rec_at(&rec, f->key), "titles") == 0) continue;
                    gt_out_json_str(&out, gt_rec_at(&rec, f->key), f->key.len);
                    gt_out_putc(&out, ':');
                    write_field_value(&out, &rec, f);
                    gt_out_putc(&out, ',');
                }
            }
            write_titles(&out, cands, nc, ids);
            gt_progress_update(&prog, bytes_done + gt_reader_bytes_in(r), total);
        }
        bytes_done += gt_reader_bytes_in(r);
        gt_progress_end(&prog, bytes_done, total);
        gt_reader_close(r);
    }
    gt_out_flush(&out);
    gt_out_free(&out);
    if (stats) {
        const gt_gen_stats *s = gt_gen_totals(gen);
        gt_warn("%llu records in %.2f s; prefill %lld tokens %.1f tok/s; decode %lld tokens %.1f tok/s; "
                "weights %.1f MB%s",
                (unsigned long long)total, gt_now() - t_start, s->prefill_tokens,
                s->prefill_s > 0 ? (double)s->prefill_tokens / s->prefill_s : 0.0, s->decode_tokens,
                s->decode_s > 0 ? (double)s->decode_tokens / s->decode_s : 0.0,
                (double)(quant ? gt_quant_bytes(quant) : model.weight_bytes) / 1e6, quant ? " (8-bit)" : "");
    }
    if (bad && !strict) {
        gt_warn("%llu of %llu records skipped (malformed)", (unsigned long long)bad, (unsigned long long)total);
        if (status == 0) status = EX_DATAERR;
    }
    gt_buf_free(&prompt);
    gt_ids_free(&pids);
    gt_rec_free(&rec);
    gt_tokctx_free(tc);
    gt_cleaner_free(cl);
    gt_gen_free(gen);
    gt_template_free(&tpl);
    gt_quant_free(quant);
    gt_lora_free(lora);
    gt_model_free(&model);
    gt_tok_free(tok);
    return status;
}
