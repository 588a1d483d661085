/* title-gen - paper titles for abstracts with a LLaMA model (plus LoRA adapter). */
#include "text/clean.h"
#include "gen/generate.h"
#include "io/input.h"
#include "nn/kernels.h"
#include "nn/lora.h"
#include "nn/model.h"
#include "io/output.h"
#include "core/progress.h"
#include "nn/quant.h"
#include "io/record.h"
#include "serve/serve.h"
#include "tok/template.h"
#include "tok/tokenizer.h"
#include "tok/tokstream.h"
#include "core/util.h"
#include "serve/webpage.h"

#include <getopt.h>
#include <pthread.h>
#include <strings.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <yajl/yajl_tree.h>
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
"       title-gen --model DIR [OPTIONS] --serve [HOST:PORT]\n"
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
"      --encoder-repetition-penalty P\n"
"                           favour (P > 1) or avoid (P < 1) the prompt's tokens, as\n"
"                           Hugging Face's encoder_repetition_penalty (default: the\n"
"                           model's generation_config.json, else 1: off)\n"
"      --max-input-tokens N cut each abstract to its first N tokens, as training cut\n"
"                           it (default: the template's max_input_tokens; 0: no cut)\n"
"      --ids                also write each title's token ids\n"
"  -j, --jobs N             compute with N threads (default: all processors)\n"
"      --strict             stop at the first malformed line (exit 65)\n"
"      --max-line N         longest accepted line in bytes (default 16777216)\n"
"      --progress           show progress on standard error even when not a terminal\n"
"      --stats              print token counts and speeds on standard error\n"
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
"tokenizer or template, 66 a file cannot be opened, 74 I/O error.\n");
}

enum { OPT_LORA = 256, OPT_MERGE, OPT_8BIT, OPT_INSTR, OPT_TEMPLATE, OPT_TEXT, OPT_TOPK, OPT_TOPP, OPT_SEED, OPT_MAXNEW,
       OPT_IDS, OPT_STRICT, OPT_MAXLINE, OPT_PROGRESS, OPT_STATS, OPT_VERSION, OPT_SERVE, OPT_MAXREQ, OPT_MAXCONC, OPT_MAXIN, OPT_NOREP, OPT_ENCREP };

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

static void print_stats(gt_gen *gen, uint64_t total, const char *what, double t_start, const gt_quant *quant,
                        const gt_model *model)
{
    const gt_gen_stats *s = gt_gen_totals(gen);
    gt_warn("%llu %s in %.2f s; prefill %lld tokens %.1f tok/s; decode %lld tokens %.1f tok/s; "
            "weights %.1f MB%s; KV cache %.1f MB",
            (unsigned long long)total, what, gt_now() - t_start, s->prefill_tokens,
            s->prefill_s > 0 ? (double)s->prefill_tokens / s->prefill_s : 0.0, s->decode_tokens,
            s->decode_s > 0 ? (double)s->decode_tokens / s->decode_s : 0.0,
            (double)(quant ? gt_quant_bytes(quant) : model->weight_bytes) / 1e6, quant ? " (8-bit)" : "",
            (double)s->kv_bytes_peak / 1e6);
}

/* ---- --serve: the page, POST /api/generate, GET /healthz ---- */

#define SERVE_MAX_BEAMS 16
#define SERVE_MAX_NEW 1024

typedef struct {
    /* the model's side, used only on the gt_serve_loop thread */
    const gt_template *tpl;
    int max_in;
    gt_tokctx *tc;
    gt_gen *gen;
    gt_cleaner *cl;
    int bos;
    gt_buf prompt;
    gt_ids pids;
    uint64_t requests;
    /* read-only once serving */
    gt_gen_opts defaults;
    const char *instr;
    int vocab, max_new;
    gt_buf page, health;
} srv_ctx;

typedef struct {
    srv_ctx *sc;
    const char *abs, *instr;
    size_t nabs, ninstr;
    gt_gen_opts o;
    gt_http_resp *resp;
} gen_job;

static volatile sig_atomic_t stop_serving;
static void on_stop_signal(int sig) { (void)sig; stop_serving = 1; }

/* Runs on the model's thread: prompt, generation, the JSON answer. */
static void run_job(void *arg)
{
    gen_job *j = arg;
    srv_ctx *sc = j->sc;
    double t0 = gt_now();
    size_t nabs;
    const char *abs = gt_clean_text(sc->cl, GT_TEXT_ABSTRACT, j->abs, j->nabs, &nabs);
    if (nabs == 0) { gt_http_error(j->resp, 400, "empty abstract"); return; }
    sc->pids.n = 0;
    if (sc->bos >= 0) gt_ids_push(&sc->pids, sc->bos);
    gt_template_encode(sc->tpl, sc->tc, j->instr, j->ninstr, abs, nabs, sc->max_in, &sc->prompt, &sc->pids);
    const gt_cand *c;
    int nc;
    sc->requests++;
    if (gt_gen_run(sc->gen, &j->o, sc->pids.v, (int)sc->pids.n, &c, &nc) != 0) {
        gt_http_error(j->resp, 400, gt_gen_error(sc->gen));
        return;
    }
    gt_buf *b = &j->resp->body;
    char num[64];
    gt_buf_adds(b, "{\"titles\":[");
    for (int i = 0; i < nc; i++) {
        gt_buf_adds(b, i ? ",{\"title\":" : "{\"title\":");
        gt_json_str_buf(b, c[i].text, c[i].len);
        snprintf(num, sizeof num, ",\"score\":%.4f}", c[i].score);
        gt_buf_adds(b, num);
    }
    snprintf(num, sizeof num, "],\"ms\":%.0f}\n", (gt_now() - t0) * 1000);
    gt_buf_adds(b, num);
}

/* The number at KEY of R into *V (unchanged when absent or null): 1 given,
 * 0 absent, -1 with a reason in WHY (not a number, not an integer when INTEGER,
 * outside [MIN, MAX], or equal to MIN when MIN_OPEN). */
static int json_num(const gt_rec *r, const char *key, double min, double max, int min_open, int integer, double *v,
                    char *why, size_t whysz)
{
    int i = gt_rec_find(r, key);
    if (i < 0 || r->f[i].kind == GT_V_NULL) return 0;
    const char *s = r->f[i].kind == GT_V_RAW ? gt_rec_at(r, r->f[i].val) : NULL;
    char *e = NULL;
    double x = s ? strtod(s, &e) : NAN;
    if (!s || e == s || *e || !isfinite(x)) {
        snprintf(why, whysz, "\"%s\" must be a number", key);
        return -1;
    }
    if (integer && x != floor(x)) {
        snprintf(why, whysz, "\"%s\" must be an integer", key);
        return -1;
    }
    if (x < min || x > max || (min_open && x == min)) {
        snprintf(why, whysz, "\"%s\" must be in %s%g, %g]", key, min_open ? "(" : "[", min, max);
        return -1;
    }
    *v = x;
    return 1;
}

static void api_generate(srv_ctx *sc, gt_server *s, const gt_http_req *q, gt_http_resp *r)
{
    static const char *const known[] = { "abstract", "instruction", "beams", "n", "temperature", "top_p",
                                         "top_k", "max_new_tokens", "seed", NULL };
    char why[300];
    if (!q->content_type || strncasecmp(q->content_type, "application/json", 16) != 0 ||
        (q->content_type[16] && q->content_type[16] != ';' && q->content_type[16] != ' ')) {
        gt_http_error(r, 415, "Content-Type must be application/json");
        return;
    }
    if (q->body_len == 0) { gt_http_error(r, 400, "empty request body: send a JSON object"); return; }
    gt_rec rec;
    gt_rec_init(&rec);
    if (gt_rec_parse(&rec, q->body, q->body_len, why, sizeof why) != 0) goto bad;
    for (int i = 0; i < rec.nf; i++) {
        const char *k = gt_rec_at(&rec, rec.f[i].key);
        int ok = 0;
        for (int j = 0; known[j] && !ok; j++) ok = strcmp(k, known[j]) == 0;
        if (!ok) {
            snprintf(why, sizeof why, "unknown key \"%.64s\"", k);
            goto bad;
        }
    }
    gen_job j = { .sc = sc, .o = sc->defaults, .resp = r, .instr = sc->instr };
    int fa = gt_rec_find(&rec, "abstract");
    if (fa < 0 || rec.f[fa].kind == GT_V_NULL) { snprintf(why, sizeof why, "missing \"abstract\""); goto bad; }
    if (rec.f[fa].kind != GT_V_STR) { snprintf(why, sizeof why, "\"abstract\" must be a string"); goto bad; }
    j.abs = gt_rec_at(&rec, rec.f[fa].val);
    j.nabs = rec.f[fa].val.len;
    int fi = gt_rec_find(&rec, "instruction");
    if (fi >= 0 && rec.f[fi].kind != GT_V_NULL) {
        if (rec.f[fi].kind != GT_V_STR) { snprintf(why, sizeof why, "\"instruction\" must be a string"); goto bad; }
        j.instr = gt_rec_at(&rec, rec.f[fi].val);
        j.ninstr = rec.f[fi].val.len;
    } else {
        j.ninstr = strlen(j.instr);
    }
    double beams = j.o.beams, n = j.o.n, t = j.o.temperature, tp = j.o.top_p, tk = j.o.top_k,
           mx = j.o.max_new_tokens, seed = (double)j.o.seed;
    int gb, gt, gp, gk;
    if ((gb = json_num(&rec, "beams", 1, SERVE_MAX_BEAMS, 0, 1, &beams, why, sizeof why)) < 0 ||
        json_num(&rec, "n", 1, SERVE_MAX_BEAMS, 0, 1, &n, why, sizeof why) < 0 ||
        (gt = json_num(&rec, "temperature", 0, 100, 0, 0, &t, why, sizeof why)) < 0 ||
        (gp = json_num(&rec, "top_p", 0, 1, 1, 0, &tp, why, sizeof why)) < 0 ||
        (gk = json_num(&rec, "top_k", 0, sc->vocab, 0, 1, &tk, why, sizeof why)) < 0 ||
        json_num(&rec, "max_new_tokens", 1, sc->max_new, 0, 1, &mx, why, sizeof why) < 0 ||
        json_num(&rec, "seed", 0, 9007199254740991.0, 0, 1, &seed, why, sizeof why) < 0)
        goto bad;
    j.o.beams = (int)beams;
    j.o.n = (int)n;
    j.o.temperature = (float)t;
    j.o.top_p = (float)tp;
    j.o.top_k = (int)tk;
    j.o.max_new_tokens = (int)mx;
    j.o.seed = (uint64_t)seed;
    if (j.o.temperature > 0 && j.o.beams > 1) {
        if (gb || !gt) {
            snprintf(why, sizeof why,
                     "beams > 1 and temperature > 0 do not go together (sampling draws one sequence at a time)");
            goto bad;
        }
        j.o.beams = 1;
    }
    if (j.o.temperature == 0 && (j.o.top_k || j.o.top_p < 1)) {
        if (gp || gk) {
            snprintf(why, sizeof why, "top_k and top_p apply to sampling: set temperature > 0 too");
            goto bad;
        }
        j.o.top_k = 0;
        j.o.top_p = 1;
    }
    if (gt_serve_call(s, run_job, &j) != 0) {
        gt_http_error(r, 503, "busy: too many generations running or waiting (see --max-concurrency); try again");
        r->retry_after = 1;
    }
    gt_rec_free(&rec);
    return;
bad:
    gt_rec_free(&rec);
    gt_http_error(r, 400, why);
}

static void handle(void *ctx, gt_server *s, const gt_http_req *q, gt_http_resp *r)
{
    srv_ctx *sc = ctx;
    int get = strcmp(q->method, "GET") == 0 || strcmp(q->method, "HEAD") == 0;
    const gt_buf *fixed = NULL;
    if (strcmp(q->path, "/") == 0 || strcmp(q->path, "/index.html") == 0) {
        fixed = &sc->page;
        r->type = "text/html; charset=utf-8";
        r->page = 1;
    } else if (strcmp(q->path, "/healthz") == 0) {
        fixed = &sc->health;
    } else if (strcmp(q->path, "/api/generate") == 0) {
        if (strcmp(q->method, "POST") == 0) api_generate(sc, s, q, r);
        else gt_http_error(r, 405, "method not allowed: use POST"), r->allow = "POST";
        return;
    } else {
        gt_http_error(r, 404, "not found: the page is at /, the API at /api/generate and /healthz");
        return;
    }
    if (!get) {
        gt_http_error(r, 405, "method not allowed: use GET");
        r->allow = "GET, HEAD";
        return;
    }
    gt_buf_add(&r->body, fixed->p, fixed->n);
}

static const char *base_name(const char *path, char *buf, size_t n)
{
    snprintf(buf, n, "%s", path);
    size_t l = strlen(buf);
    while (l > 1 && buf[l - 1] == '/') buf[--l] = 0;
    const char *sl = strrchr(buf, '/');
    return sl && sl[1] ? sl + 1 : buf;
}

static int serve_main(srv_ctx *sc, const gt_serve_opts *so, const char *modeldir, const char *loradir)
{
    char mb[1024], lb[1024], name[2100], num[8][32], err[512];
    const char *mname = base_name(modeldir, mb, sizeof mb);
    if (loradir) snprintf(name, sizeof name, "%s + %s", mname, base_name(loradir, lb, sizeof lb));
    else snprintf(name, sizeof name, "%s", mname);
    sc->max_new = sc->defaults.max_new_tokens > SERVE_MAX_NEW ? sc->defaults.max_new_tokens : SERVE_MAX_NEW;
    if (sc->defaults.beams > SERVE_MAX_BEAMS) sc->defaults.beams = SERVE_MAX_BEAMS;
    if (sc->defaults.n > SERVE_MAX_BEAMS) sc->defaults.n = SERVE_MAX_BEAMS;
    if (sc->defaults.temperature > 0) sc->defaults.beams = 1;
    snprintf(num[0], sizeof num[0], "%g", (double)sc->defaults.temperature);
    snprintf(num[1], sizeof num[1], "%g", (double)sc->defaults.top_p);
    snprintf(num[2], sizeof num[2], "%d", sc->defaults.top_k);
    snprintf(num[3], sizeof num[3], "%d", sc->defaults.beams);
    snprintf(num[4], sizeof num[4], "%d", sc->defaults.max_new_tokens);
    snprintf(num[5], sizeof num[5], "%d", sc->defaults.n);
    snprintf(num[6], sizeof num[6], "%d", SERVE_MAX_BEAMS);
    snprintf(num[7], sizeof num[7], "%d", sc->max_new);
    const char *vars[] = { "MODEL", name, "INSTRUCTION", sc->instr, "TEMPERATURE", num[0], "TOP_P", num[1],
                           "TOP_K", num[2], "BEAMS", num[3], "MAX_NEW", num[4], "N", num[5],
                           "MAX_BEAMS", num[6], "MAX_NEW_LIMIT", num[7], NULL };
    gt_webpage_render(&sc->page, vars);
    gt_buf_adds(&sc->health, "{\"status\":\"ok\",\"model\":");
    gt_json_str_buf(&sc->health, name, strlen(name));
    gt_buf_adds(&sc->health, "}\n");

    /* SIGINT/SIGTERM stop the loop; libmicrohttpd's threads never see them */
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_stop_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
    sigset_t ss, old;
    sigemptyset(&ss);
    sigaddset(&ss, SIGINT);
    sigaddset(&ss, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &ss, &old);
    gt_server *srv = gt_serve_start(so, handle, sc, err, sizeof err);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    int status = 0;
    if (!srv) {
        gt_warn("%s", err);
        status = EX_UNAVAILABLE; /* 69 */
    } else {
        if (!gt_serve_loopback(srv))
            gt_warn("warning: %s is not a loopback address: anyone who can reach it can use this server "
                    "(no authentication, no TLS)", gt_serve_url(srv));
        gt_warn("serving on %s", gt_serve_url(srv));
        gt_serve_loop(srv, &stop_serving);
        gt_serve_free(srv);
    }
    gt_buf_free(&sc->page);
    gt_buf_free(&sc->health);
    gt_buf_free(&sc->prompt);
    gt_ids_free(&sc->pids);
    return status;
}

/* PATH parsed as a JSON object, or NULL when there is no such file; a file
 * that is not a JSON object is an error (exit 65). */
static yajl_val json_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    gt_buf b = { 0 };
    char tmp[4096];
    size_t k;
    while ((k = fread(tmp, 1, sizeof tmp, f)) > 0 && b.n < (1 << 20)) gt_buf_add(&b, tmp, k);
    fclose(f);
    gt_buf_add(&b, "", 1);
    char e[256];
    yajl_val root = yajl_tree_parse(b.p, e, sizeof e);
    gt_buf_free(&b);
    if (!root || !YAJL_IS_OBJECT(root)) gt_die(EX_DATAERR, "%s: not a JSON object%s%s", path, root ? "" : ": ", root ? "" : e);
    return root;
}

/* The whole number at KEY of ROOT (the object of PATH, may be NULL) into *V:
 * 1 when present and within [LO, HI]; 0 when absent or null; another value is
 * an error (exit 65). */
static int json_int(yajl_val root, const char *path, const char *key, long lo, long hi, long *v)
{
    const char *pth[] = { key, NULL };
    yajl_val x = root ? yajl_tree_get(root, pth, yajl_t_any) : NULL;
    if (!x || YAJL_IS_NULL(x)) return 0;
    if (!YAJL_IS_INTEGER(x) || YAJL_GET_INTEGER(x) < lo || YAJL_GET_INTEGER(x) > hi)
        gt_die(EX_DATAERR, "%s: \"%s\" is not a whole number from %ld to %ld", path, key, lo, hi);
    *v = (long)YAJL_GET_INTEGER(x);
    return 1;
}

/* The number at KEY, in (LO, HI]: as json_int. */
static int json_real(yajl_val root, const char *path, const char *key, double lo, double hi, double *v)
{
    const char *pth[] = { key, NULL };
    yajl_val x = root ? yajl_tree_get(root, pth, yajl_t_any) : NULL;
    if (!x || YAJL_IS_NULL(x)) return 0;
    if (!YAJL_IS_NUMBER(x) || !(YAJL_GET_DOUBLE(x) > lo && YAJL_GET_DOUBLE(x) <= hi))
        gt_die(EX_DATAERR, "%s: \"%s\" is not a number in (%g, %g]", path, key, lo, hi);
    *v = YAJL_GET_DOUBLE(x);
    return 1;
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
        {"max-input-tokens", required_argument, NULL, OPT_MAXIN},
        {"no-repeat-ngram", required_argument, NULL, OPT_NOREP},
        {"encoder-repetition-penalty", required_argument, NULL, OPT_ENCREP},
        {"ids", no_argument, NULL, OPT_IDS},
        {"jobs", required_argument, NULL, 'j'},
        {"strict", no_argument, NULL, OPT_STRICT},
        {"max-line", required_argument, NULL, OPT_MAXLINE},
        {"progress", no_argument, NULL, OPT_PROGRESS},
        {"stats", no_argument, NULL, OPT_STATS},
        {"help", no_argument, NULL, 'h'},
        {"version", no_argument, NULL, OPT_VERSION},
        {"serve", optional_argument, NULL, OPT_SERVE},
        {"max-request-bytes", required_argument, NULL, OPT_MAXREQ},
        {"max-concurrency", required_argument, NULL, OPT_MAXCONC},
        {NULL, 0, NULL, 0},
    };
    const char *modeldir = NULL, *loradir = NULL, *tplpath = NULL, *instr_opt = NULL;
    int merge = 0, q8 = 0, text = 0, ids = 0, strict = 0, progress = 0, stats = 0, beams_given = 0;
    int norep_given = 0, maxnew_given = 0, encrep_given = 0;
    long jobs = 0;
    int serve = 0, line_opts = 0, max_in = -1;
    const char *serve_addr = NULL;
    gt_serve_opts so;
    gt_serve_opts_default(&so);
    int so_given = 0;
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
        case OPT_TEXT: text = 1; line_opts = 1; break;
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
        case OPT_NOREP: go.no_repeat_ngram = (int)gt_parse_ll("--no-repeat-ngram", optarg, 0, 64); norep_given = 1; break;
        case OPT_ENCREP: {
            char *e;
            double p = strtod(optarg, &e);
            if (e == optarg || *e || !(p > 0 && p <= 100))
                gt_usage_error("--encoder-repetition-penalty must be a number in (0, 100]");
            go.encoder_repetition_penalty = (float)p;
            encrep_given = 1;
            break;
        }
        case OPT_MAXIN: max_in = (int)gt_parse_ll("--max-input-tokens", optarg, 0, 1 << 20); break;
        case OPT_MAXNEW: go.max_new_tokens = (int)gt_parse_ll("--max-new-tokens", optarg, 1, 1 << 20); maxnew_given = 1; break;
        case OPT_IDS: ids = 1; line_opts = 1; break;
        case 'j': jobs = (long)gt_parse_ll("--jobs", optarg, 1, 1024); break;
        case OPT_STRICT: strict = 1; line_opts = 1; break;
        case OPT_MAXLINE: max_line = (size_t)gt_parse_ll("--max-line", optarg, 64, 1LL << 31); line_opts = 1; break;
        case OPT_PROGRESS: progress = 1; line_opts = 1; break;
        case OPT_SERVE: serve = 1; serve_addr = optarg; break;
        case OPT_MAXREQ: so.max_body = (size_t)gt_parse_ll("--max-request-bytes", optarg, 64, 1LL << 30); so_given = 1; break;
        case OPT_MAXCONC: so.max_queue = (int)gt_parse_ll("--max-concurrency", optarg, 1, 1024); so_given = 1; break;
        case OPT_STATS: stats = 1; break;
        case 'h': usage(); return 0;
        case OPT_VERSION: gt_print_version();
        default: gt_usage_error("invalid option");
        }
    }
    if (!modeldir) gt_usage_error("no model: give --model DIR");
    if (serve) {
        if (line_opts) gt_usage_error("--text, --ids, --strict, --max-line and --progress do not apply to --serve");
        if (optind < argc && !serve_addr) serve_addr = argv[optind++]; /* --serve ADDR */
        if (optind < argc) gt_usage_error("--serve takes no input files");
        char aerr[300];
        if (gt_serve_check_addr(serve_addr, aerr, sizeof aerr) != 0) gt_usage_error("--serve: %s", aerr);
    } else if (so_given) {
        gt_usage_error("--max-request-bytes and --max-concurrency need --serve");
    }
    if (merge && !loradir) gt_usage_error("--lora-merge needs --lora DIR");
    if (modeldir) {
        /* Hugging Face's generation_config.json: its num_beams, no_repeat_ngram_size,
         * encoder_repetition_penalty and max_new_tokens are the defaults of options not given */
        char gpath[4200];
        snprintf(gpath, sizeof gpath, "%s/generation_config.json", modeldir);
        long v;
        yajl_val gc = json_file(gpath);
        if (json_int(gc, gpath, "num_beams", 1, 64, &v) && !beams_given && go.temperature == 0) go.beams = (int)v;
        if (json_int(gc, gpath, "no_repeat_ngram_size", 0, 64, &v) && !norep_given) go.no_repeat_ngram = (int)v;
        if (json_int(gc, gpath, "max_new_tokens", 1, 1 << 20, &v) && !maxnew_given) go.max_new_tokens = (int)v;
        double d;
        if (json_real(gc, gpath, "encoder_repetition_penalty", 0, 100, &d) && !encrep_given)
            go.encoder_repetition_penalty = (float)d;
        if (gc) yajl_tree_free(gc);
    }
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
    char tplbuf[4200];
    if (!tplpath) tplpath = gt_template_of_model(modeldir, tplbuf, sizeof tplbuf);
    if (tplpath) {
        if (gt_template_load(&tpl, tplpath, err, sizeof err) != 0)
            gt_die(exists(tplpath) ? EX_DATAERR : EX_NOINPUT, "%s: %s", tplpath, err);
    } else {
        gt_template_default(&tpl);
    }
    if (max_in < 0) max_in = tpl.max_input_tokens;
    gt_gen *gen = gt_gen_new(&model, tok, err, sizeof err);
    if (!gen) gt_die(EX_DATAERR, "%s: %s", path, err);
    int bos = gt_tok_bos(tok) >= 0 ? gt_tok_bos(tok) : model.c.bos_id;
    gt_clean_opts co;
    gt_clean_opts_default(&co);
    gt_cleaner *cl = gt_cleaner_new(&co);
    gt_tokctx *tc = gt_tokctx_new_sized(tok, 1);

    if (serve) {
        so.addr = serve_addr;
        srv_ctx sc = { .tpl = &tpl, .max_in = max_in, .tc = tc, .gen = gen, .cl = cl, .bos = bos, .defaults = go,
                       .instr = instr_opt ? instr_opt : DEFAULT_INSTRUCTION, .vocab = model.c.vocab_size };
        double t_serve = gt_now();
        int st = serve_main(&sc, &so, modeldir, loradir);
        if (stats) print_stats(gen, sc.requests, "requests", t_serve, quant, &model);
        gt_tokctx_free(tc);
        gt_cleaner_free(cl);
        gt_gen_free(gen);
        gt_template_free(&tpl);
        gt_quant_free(quant);
        gt_lora_free(lora);
        gt_model_free(&model);
        gt_tok_free(tok);
        return st;
    }
    gt_out out;
    gt_out_init(&out, 1, "<stdout>");
    gt_rec rec;
    gt_rec_init(&rec);
    gt_buf prompt = { 0 };
    gt_ids pids = { 0 };
    int status = 0;
    uint64_t total = 0, bad = 0;
    double t_start = gt_now();
    gt_lines in;
    gt_lines_open(&in, argv + optind, argc - optind, max_line, gt_progress_wanted(progress), &out);
    in.progress_mask = 0;                /* slow records: look at the clock after each */
    for (;;) {
        const char *line;
        size_t len;
        int st = gt_lines_next(&in, &line, &len);
        if (st == GT_READ_EOF) break;
        const char *fname = gt_lines_name(&in);
        long lineno = gt_lines_lineno(&in);
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
            pids.n = 0;
            if (bos >= 0) gt_ids_push(&pids, bos);
            gt_template_encode(&tpl, tc, instr, strlen(instr), abs, nabs, max_in, &prompt, &pids);
            gt_gen_opts o = go;
            o.seed = go.seed ^ gt_hash64(&lineno, sizeof lineno, 0x7469746c65ULL);
            if (gt_gen_run(gen, &o, pids.v, (int)pids.n, &cands, &nc) != 0) why = gt_gen_error(gen);
        }
        if (why) {
            gt_out_flush(&out);
            gt_warnat(fname, lineno, "%s", why);
            bad++;
            if (strict) { status = EX_DATAERR; break; }
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
        gt_lines_progress(&in, total);
    }
    gt_lines_close(&in, total);
    if (!status) status = in.status;
    gt_out_flush(&out);
    gt_out_free(&out);
    if (stats) print_stats(gen, total, "records", t_start, quant, &model);
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
