/* title-gen - paper titles for abstracts with a LLaMA model (plus LoRA adapter).
 *
 * This file reads options, loads the model and reads the input lines; the
 * prompting, generation and output are lib/gen/titles.h's, the web page and
 * API lib/serve/api.h's. */
#include "core/util.h"
#include "gen/defmodel.h"
#include "gen/generate.h"
#include "gen/genconfig.h"
#include "gen/lines.h"
#include "gen/titles.h"
#include "io/shard.h"
#include "nn/gguf_tok.h"
#include "nn/lora.h"
#include "nn/model.h"
#include "nn/quant.h"
#include "serve/api.h"
#include "serve/serve.h"
#include "text/clean.h"
#include "tok/template.h"
#include "tok/tokenizer.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
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
"Usage: title-gen [--model DIR|FILE.gguf] [OPTIONS] [FILE...]\n"
"       title-gen [--model DIR|FILE.gguf] [OPTIONS] --serve [HOST:PORT]\n"
"       title-gen --shard-merge SHARD0 SHARD1 ...\n"
"Write paper titles for abstracts with a LLaMA-architecture model in the Hugging\n"
"Face layout (config.json, *.safetensors, tokenizer.model or tokenizer.json) or a\n"
"llama.cpp GGUF file (its quantized weights as they are, its tokenizer from its\n"
"metadata; for a chat model give --template data/templates/chatml.json),\n"
"optionally with a PEFT LoRA adapter. Input: NDJSON records with \"abstract\" (or\n"
"\"input\", as pairs from pair-build; other keys, nested or not, pass through),\n"
"or plain text with --text; output: each record plus \"titles\":\n"
"[{\"title\": ..., \"score\": ...}, ...], best first.\n"
"\n"
"Options:\n"
"  -m, --model DIR|FILE     the base model: a folder, or a .gguf file (default: the\n"
"                           default model, its adapter and defaults; see DEFAULT\n"
"                           MODEL in title-gen(1): $GENTITLE_MODEL, $GENTITLE_BASE)\n"
"      --lora DIR|FILE      apply the PEFT LoRA adapter in DIR (adapter_config.json,\n"
"                           adapter_model.safetensors) or a llama.cpp GGUF LoRA\n"
"                           adapter FILE, kept apart from the weights\n"
"      --lora-merge         merge the adapter into F32 copies of the weights it\n"
"                           changes (faster decoding, more memory; GGUF blocks keep\n"
"                           it apart)\n"
"      --load-8bit          quantise the weights to 8 bits at load (blocks of 32\n"
"                           with F32 scales)\n"
"      --instruction TEXT   the instruction of the prompt (default: ChatGenTitle's;\n"
"                           a record's own \"instruction\" is used when it has one)\n"
"      --template FILE      prompt template, alpaca-lora JSON form (default: the\n"
"                           model's prompt_template.json if it has one, else alpaca)\n"
"      --text               input is plain text, one abstract per line\n"
"  -b, --beams N            beam search with N beams (default 4; 1: greedy)\n"
"  -n, --n K                K distinct titles per abstract (default 1)\n"
"  -t, --temperature T      sample with temperature T > 0 instead of searching\n"
"      --top-k K            sampling: only the K most likely tokens (default: all)\n"
"      --top-p P            sampling: nucleus of mass P (default 1: off)\n"
"      --seed N             seed for sampling (default 0)\n"
"      --max-new-tokens N   at most N generated tokens per title (default 64)\n"
"      --no-repeat-ngram N  no N tokens twice in a title (default: the model's\n"
"                           generation_config.json no_repeat_ngram_size, else 0: off)\n"
"      --max-word-repeats N beam search: no title with a word more than N times\n"
"                           (default: generation_config.json's, else 0: off)\n"
"      --repetition-penalty P  avoid (P > 1) or favour (P < 1) tokens already in\n"
"                           the sequence, as Hugging Face's repetition_penalty\n"
"                           (default: the model's generation_config.json, else 1)\n"
"      --encoder-repetition-penalty P\n"
"                           favour (P > 1) or avoid (P < 1) the prompt's tokens, as\n"
"                           Hugging Face's encoder_repetition_penalty (default: the\n"
"                           model's generation_config.json, else 1: off)\n"
"      --max-input-tokens N cut each abstract to its first N tokens, as training cut\n"
"                           it (default: the template's max_input_tokens; 0: no cut)\n"
"      --ids                also write each title's token ids\n"
"  -j, --jobs N             compute with N threads (default: all processors)\n"
"      --parallel N         abstracts generated at once, the threads shared among\n"
"                           them (default: one per thread, at most 16; 1: one at a\n"
"                           time with every thread)\n"
"      --strict             stop at the first malformed line (exit 65)\n"
"      --max-line N         longest accepted line in bytes (default 16777216)\n"
"      --progress           show progress on standard error even when not a terminal\n"
"      --stats              print token counts and speeds on standard error\n"
"      --shard K/N          only every N-th record, from the K-th (from 0), after a\n"
"                           line naming the shard, an empty line for each one\n"
"                           skipped (default: the rank and size of mpirun or srun)\n"
"      --shard-merge        the files are the N shards' outputs, in shard order:\n"
"                           write their records in input order (see SHARDS in\n"
"                           title-gen(1))\n"
"\n"
"Web page and JSON API (the options above set the page's defaults):\n"
"      --serve [ADDR]       serve on ADDR: HOST:PORT, PORT, HOST or [IPV6]:PORT\n"
"                           (default 127.0.0.1:7860; port 0: any free port);\n"
"                           GET / (the page), POST /api/generate, GET /healthz\n"
"      --max-request-bytes N  larger request bodies get 413 (default 65536)\n"
"      --max-concurrency N  generations running or waiting at once; more get\n"
"                           503 (default 4)\n"
"  -h, --help               show this help and exit\n"
"      --version            show the version and exit\n"
"\n"
"Exit status: 0 ok, 64 usage, 65 malformed input or an unusable model, adapter,\n"
"tokenizer or template, 66 a file (the default model's base) is not there, 74 I/O.\n");
}

enum { OPT_LORA = 256, OPT_MERGE, OPT_8BIT, OPT_INSTR, OPT_TEMPLATE, OPT_TEXT, OPT_TOPK, OPT_TOPP, OPT_SEED, OPT_MAXNEW,
       OPT_IDS, OPT_STRICT, OPT_MAXLINE, OPT_PROGRESS, OPT_STATS, OPT_VERSION, OPT_SERVE, OPT_MAXREQ, OPT_MAXCONC, OPT_MAXIN, OPT_NOREP, OPT_ENCREP, OPT_REP, OPT_MWR, OPT_PAR };

static int exists(const char *path) { return access(path, F_OK) == 0; }

/* Exit for a file that failed to load: 66 when it cannot be opened, else 65. */
noreturn static void die_file(const char *path, const char *msg)
{
    gt_die(exists(path) ? EX_DATAERR : EX_NOINPUT, "%s", msg);
}

typedef struct {
    const char *modeldir, *loradir, *tplpath, *instr, *serve_addr, *defdir; /* DEFDIR: the defaults' folder */
    int merge, q8, text, ids, strict, progress, stats, serve, max_in;
    gt_gen_given given;         /* decoding options given (genconfig.h) */
    int line_opts, so_given;    /* options for input lines, for --serve */
    long jobs, parallel;
    size_t max_line;
    gt_gen_opts go;
    gt_serve_opts so;
    gt_shard shard;             /* --shard, --shard-merge */
} opts;

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
    {"max-input-tokens", required_argument, NULL, OPT_MAXIN},
    {"no-repeat-ngram", required_argument, NULL, OPT_NOREP},
    {"encoder-repetition-penalty", required_argument, NULL, OPT_ENCREP},
    {"repetition-penalty", required_argument, NULL, OPT_REP},
    {"max-word-repeats", required_argument, NULL, OPT_MWR},
    {"ids", no_argument, NULL, OPT_IDS},
    {"jobs", required_argument, NULL, 'j'},
    {"parallel", required_argument, NULL, OPT_PAR},
    {"strict", no_argument, NULL, OPT_STRICT},
    {"max-line", required_argument, NULL, OPT_MAXLINE},
    {"progress", no_argument, NULL, OPT_PROGRESS},
    {"stats", no_argument, NULL, OPT_STATS},
    {"help", no_argument, NULL, 'h'},
    {"version", no_argument, NULL, OPT_VERSION},
    {"serve", optional_argument, NULL, OPT_SERVE},
    {"max-request-bytes", required_argument, NULL, OPT_MAXREQ},
    {"max-concurrency", required_argument, NULL, OPT_MAXCONC},
    GT_OPTS_SHARD,
    {NULL, 0, NULL, 0},
};

/* A penalty for option OPT (its own message: tests check it); *GIVEN set. */
static float parse_penalty(const char *opt, const char *s, int *given)
{
    *given = 1;
    char *e;
    double p = strtod(s, &e);
    if (e == s || *e || !(p > 0 && p <= 100)) gt_usage_error("%s must be a number in (0, 100]", opt);
    return (float)p;
}

static void parse_opts(int argc, char **argv, opts *o)
{
    gt_gen_opts *go = &o->go;
    int c;
    while ((c = getopt_long(argc, argv, "m:b:n:t:j:h", longopts, NULL)) != -1) {
        switch (c) {
        case 'm': o->modeldir = optarg; break;
        case OPT_LORA: o->loradir = optarg; break;
        case OPT_MERGE: o->merge = 1; break;
        case OPT_8BIT: o->q8 = 1; break;
        case OPT_INSTR: o->instr = optarg; break;
        case OPT_TEMPLATE: o->tplpath = optarg; break;
        case OPT_TEXT: o->text = o->line_opts = 1; break;
        case 'b': go->beams = (int)gt_parse_ll("--beams", optarg, 1, 64); o->given.beams = 1; break;
        case 'n': go->n = (int)gt_parse_ll("--n", optarg, 1, 64); break;
        case 't': go->temperature = (float)gt_parse_double("--temperature", optarg, 0, 100, 0); o->given.temp = 1; break;
        case OPT_TOPK: go->top_k = (int)gt_parse_ll("--top-k", optarg, 0, 1 << 22); o->given.topk = 1; break;
        case OPT_TOPP: go->top_p = (float)gt_parse_double("--top-p", optarg, 0, 1, 1); o->given.topp = 1; break;
        case OPT_SEED: go->seed = (uint64_t)gt_parse_ll("--seed", optarg, 0, (long long)(~0ULL >> 1)); break;
        case OPT_NOREP: go->no_repeat_ngram = (int)gt_parse_ll("--no-repeat-ngram", optarg, 0, 64); o->given.norep = 1; break;
        case OPT_MWR: go->max_word_repeats = (int)gt_parse_ll("--max-word-repeats", optarg, 0, 64); o->given.mwr = 1; break;
        case OPT_ENCREP: go->encoder_repetition_penalty = parse_penalty("--encoder-repetition-penalty", optarg, &o->given.encrep); break;
        case OPT_REP: go->repetition_penalty = parse_penalty("--repetition-penalty", optarg, &o->given.rep); break;
        case OPT_MAXIN: o->max_in = (int)gt_parse_ll("--max-input-tokens", optarg, 0, 1 << 20); break;
        case OPT_MAXNEW: go->max_new_tokens = (int)gt_parse_ll("--max-new-tokens", optarg, 1, 1 << 20); o->given.maxnew = 1; break;
        case OPT_IDS: o->ids = o->line_opts = 1; break;
        case 'j': o->jobs = (long)gt_parse_ll("--jobs", optarg, 1, 1024); break;
        case OPT_PAR: o->parallel = (long)gt_parse_ll("--parallel", optarg, 1, 1024); o->line_opts = 1; break;
        case OPT_STRICT: o->strict = o->line_opts = 1; break;
        case OPT_MAXLINE:
            o->max_line = (size_t)gt_parse_ll("--max-line", optarg, 64, 1LL << 31);
            o->line_opts = 1;
            break;
        case OPT_PROGRESS: o->progress = o->line_opts = 1; break;
        case OPT_SERVE: o->serve = 1; o->serve_addr = optarg; break;
        case OPT_MAXREQ:
            o->so.max_body = (size_t)gt_parse_ll("--max-request-bytes", optarg, 64, 1LL << 30);
            o->so_given = 1;
            break;
        case OPT_MAXCONC: o->so.max_queue = (int)gt_parse_ll("--max-concurrency", optarg, 1, 1024); o->so_given = 1; break;
        case OPT_STATS: o->stats = 1; break;
        case 'h': usage(); exit(0);
        case OPT_VERSION: gt_print_version();
        default: if (!gt_shard_opt(&o->shard, c, optarg)) gt_usage_error("invalid option");
        }
    }
}

/* The options that exclude or need each other. */
static void check_opts(opts *o, int argc, char **argv)
{
    if (!o->modeldir && o->loradir) gt_usage_error("--lora needs --model (the default model has its own adapter)");
    if (o->serve) {
        if (o->line_opts) gt_usage_error("--text, --ids, --strict, --max-line and --progress do not apply to --serve");
        if (optind < argc && !o->serve_addr) o->serve_addr = argv[optind++]; /* --serve ADDR */
        if (optind < argc) gt_usage_error("--serve takes no input files");
        char aerr[300];
        if (gt_serve_check_addr(o->serve_addr, aerr, sizeof aerr) != 0) gt_usage_error("--serve: %s", aerr);
    } else if (o->so_given) {
        gt_usage_error("--max-request-bytes and --max-concurrency need --serve");
    }
    if (o->merge && o->modeldir && !o->loradir) gt_usage_error("--lora-merge needs --lora DIR");
    if (o->serve && (o->shard.arg || o->shard.merge)) gt_usage_error("--shard and --shard-merge do not apply to --serve");
    if (!o->shard.merge && !o->serve) gt_shard_setup(&o->shard);
    else if (o->shard.arg) gt_usage_error("--shard and --shard-merge both given");
}

/* What generation runs on. */
typedef struct {
    gt_model model;
    gt_tok *tok;
    gt_lora *lora;
    gt_quant *quant;
    gt_template tpl;
    gt_gen *gen;
    gt_cleaner *cl;
    gt_titler titler;
    gt_specials sp;         /* BOS and EOS, and which file said so */
} loaded;

/* Load the model, its tokenizer, the adapter and the template; errors exit. */
static void load(const opts *o, loaded *L)
{
    char err[1024], path[4096];
    memset(L, 0, sizeof *L);
    if (gt_model_load(&L->model, o->modeldir, err, sizeof err) != 0) {
        struct stat sb;     /* a model file (GGUF, llama2.c) that is there but unusable: 65 */
        if (stat(o->modeldir, &sb) == 0 && !S_ISDIR(sb.st_mode)) snprintf(path, sizeof path, "%s", o->modeldir);
        else snprintf(path, sizeof path, "%s/config.json", o->modeldir);
        die_file(path, err);
    }
    if (gt_is_gguf(o->modeldir)) {      /* a GGUF file carries its tokenizer */
        if (!(L->tok = gt_model_tok(o->modeldir, err, sizeof err))) gt_die(EX_DATAERR, "%s", err);
        goto tok_done;
    }
    /* tokenizer.model first, else tokenizer.json */
    snprintf(path, sizeof path, "%s/tokenizer.model", o->modeldir);
    if (!exists(path)) {
        snprintf(path, sizeof path, "%s/tokenizer.json", o->modeldir);
        if (!exists(path)) gt_die(EX_NOINPUT, "%s: no tokenizer.model or tokenizer.json", o->modeldir);
    }
    char tokpath[4096];
    snprintf(tokpath, sizeof tokpath, "%s", path);
    if (!(L->tok = gt_tok_load(tokpath, err, sizeof err))) gt_die(EX_DATAERR, "%s: %s", tokpath, err);
tok_done:
    if (o->loradir) {
        if (!(L->lora = gt_lora_load(&L->model, o->loradir, o->merge, err, sizeof err))) {
            if (gt_is_gguf(o->loradir)) snprintf(path, sizeof path, "%s", o->loradir);
            else snprintf(path, sizeof path, "%s/adapter_config.json", o->loradir);
            die_file(path, err);
        }
        if (gt_lora_note(L->lora)[0]) gt_warn("%s", gt_lora_note(L->lora));
    }
    if (o->q8) {
        if (!(L->quant = gt_quant_model(&L->model, err, sizeof err))) gt_die(EX_DATAERR, "%s", err);
        if (L->lora) gt_lora_release_merged(L->lora);
    }
    char tplbuf[4200];
    const char *tplpath = o->tplpath ? o->tplpath : gt_template_of_model(o->defdir, tplbuf, sizeof tplbuf);
    if (!tplpath) gt_template_default(&L->tpl);
    else if (gt_template_load(&L->tpl, tplpath, err, sizeof err) != 0)
        gt_die(exists(tplpath) ? EX_DATAERR : EX_NOINPUT, "%s: %s", tplpath, err);
    if (gt_specials_of_model(gt_is_gguf(o->modeldir) ? NULL : o->modeldir, L->tok, &L->sp, err, sizeof err) != 0)
        gt_die(EX_DATAERR, "%s", err);
    if (!(L->gen = gt_gen_new(&L->model, L->tok, err, sizeof err))) gt_die(EX_DATAERR, "%s: %s", tokpath, err);
    gt_titles_stop_at_eos(L->gen, L->tok, &L->sp, &L->model);
    gt_clean_opts co;
    gt_clean_opts_default(&co);
    L->cl = gt_cleaner_new(&co);
    L->titler = (gt_titler){ .tpl = &L->tpl, .max_in = o->max_in >= 0 ? o->max_in : L->tpl.max_input_tokens,
                             .tc = gt_tokctx_new_sized(L->tok, 1), .gen = L->gen,
                             .bos = gt_titler_bos(&L->sp, L->model.c.bos_id) };
}

static void unload(loaded *L)
{
    gt_tokctx_free(L->titler.tc);
    gt_titler_free(&L->titler);
    gt_cleaner_free(L->cl);
    gt_gen_free(L->gen);
    gt_template_free(&L->tpl);
    gt_quant_free(L->quant);
    gt_lora_free(L->lora);
    gt_model_free(&L->model);
    gt_tok_free(L->tok);
}

/* Titles for every line of FILES (standard input when none); the exit status. */
static int run_lines(opts *o, loaded *L, char **files, int nfiles)
{
    gt_lines_opts lo = { .text = o->text, .ids = o->ids, .strict = o->strict, .progress = o->progress,
                         .stats = o->stats, .instr = o->instr, .default_instr = DEFAULT_INSTRUCTION,
                         .max_line = o->max_line, .go = o->go, .workers = (int)o->parallel, .threads = 1,
                         .shard = &o->shard };
#ifdef _OPENMP
    lo.threads = omp_get_max_threads();
#endif
    if (!lo.workers) lo.workers = lo.threads < 16 ? lo.threads : 16;
    gt_lines_model lm = { .model = &L->model, .tok = L->tok, .sp = &L->sp, .titler = &L->titler, .cl = L->cl,
                          .quant = L->quant };
    return gt_lines_titles(&lo, &lm, files, nfiles);
}

/* --serve: the page and API until SIGINT or SIGTERM. */
static int run_serve(opts *o, loaded *L)
{
    o->so.addr = o->serve_addr;
    gt_api_opts ao = { .titler = &L->titler, .cl = L->cl, .defaults = o->go,
                       .instr = o->instr ? o->instr : DEFAULT_INSTRUCTION, .vocab = L->model.c.vocab_size,
                       .modeldir = o->modeldir, .loradir = o->loradir };
    uint64_t requests = 0;
    double t_serve = gt_now();
    int st = gt_api_serve(&ao, &o->so, &requests);
    if (o->stats) gt_titles_stats(L->gen, requests, "requests", t_serve, L->quant, &L->model, &L->sp, L->titler.bos);
    return st;
}

int main(int argc, char **argv)
{
    gt_init(argv[0]);
    opts o = { .max_in = -1, .max_line = (size_t)1 << 24 };
    gt_serve_opts_default(&o.so);
    gt_gen_opts_default(&o.go);
    parse_opts(argc, argv, &o);
    check_opts(&o, argc, argv);
    if (o.shard.merge) {
        gt_out out;
        gt_out_init(&out, 1, "<stdout>");
        int st = gt_shard_merge_lines(argv + optind, argc - optind, &out);
        gt_out_flush(&out);
        gt_out_free(&out);
        return st;
    }
    if (!(o.defdir = o.modeldir)) {     /* the default model (defmodel.h): its base; its folder the adapter, defaults */
        static gt_defmodel dm;
        char err[8192];
        if (gt_defmodel_find(&dm, err, sizeof err) != 0) gt_die(dm.status, "%s", err);
        if (dm.note[0]) gt_warn("%s", dm.note);
        o.modeldir = dm.base;
        o.defdir = o.loradir = dm.dir;
    }
    char err[4600];
    if (gt_gen_config_apply(o.defdir, &o.go, &o.given, err, sizeof err) != 0) gt_die(EX_DATAERR, "%s", err);
    if (o.go.temperature > 0 && o.given.beams && o.go.beams > 1)
        gt_usage_error("--beams and --temperature do not go together (sampling draws one sequence at a time)");
    if (o.go.temperature == 0 && (o.go.top_k || o.go.top_p < 1))
        gt_usage_error("--top-k and --top-p apply to sampling: give --temperature too");
#ifdef _OPENMP
    if (o.jobs) omp_set_num_threads((int)o.jobs);
#endif
    loaded L;
    load(&o, &L);
    int status = o.serve ? run_serve(&o, &L) : run_lines(&o, &L, argv + optind, argc - optind);
    unload(&L);
    return status;
}
