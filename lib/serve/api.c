/* api.c - see api.h. */
#include <math.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/util.h"
#include "io/record.h"
#include "serve/api.h"
#include "serve/webpage.h"

/* The API's limits: beams and titles per request, and max_new_tokens (the
 * tool's default when that is larger). */
#define SERVE_MAX_BEAMS 16
#define SERVE_MAX_NEW 1024

typedef struct {
    /* the model's side, used only on the gt_serve_loop thread */
    gt_titler *titler;
    gt_cleaner *cl;
    uint64_t requests;
    /* read-only once serving */
    gt_gen_opts defaults;
    const char *instr;
    int vocab, max_new;
    gt_buf page, health;
} srv_ctx;

/* A request on its way to the model's thread. */
typedef struct {
    srv_ctx *sc;
    gt_api_req q;
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
    const char *abs = gt_clean_text(sc->cl, GT_TEXT_ABSTRACT, j->q.abs, j->q.nabs, &nabs);
    if (nabs == 0) { gt_http_error(j->resp, 400, "empty abstract"); return; }
    const gt_cand *c;
    int nc;
    sc->requests++;
    if (gt_titler_run(sc->titler, &j->q.o, j->q.instr, j->q.ninstr, abs, nabs, &c, &nc) != 0) {
        gt_http_error(j->resp, 400, gt_gen_error(sc->titler->gen));
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
    if (!s || e == s || *e || !isfinite(x)) return gt_fail(why, whysz, "\"%s\" must be a number", key);
    if (integer && x != floor(x)) return gt_fail(why, whysz, "\"%s\" must be an integer", key);
    if (x < min || x > max || (min_open && x == min))
        return gt_fail(why, whysz, "\"%s\" must be in %s%g, %g]", key, min_open ? "(" : "[", min, max);
    *v = x;
    return 1;
}

/* Every key of REC is one the API knows: 0, or -1 with the reason in WHY. */
static int check_keys(const gt_rec *rec, char *why, size_t whysz)
{
    static const char *const known[] = { "abstract", "instruction", "beams", "n", "temperature", "top_p",
                                         "top_k", "max_new_tokens", "seed", NULL };
    for (int i = 0; i < rec->nf; i++) {
        const char *k = gt_rec_at(rec, rec->f[i].key);
        int ok = 0;
        for (int j = 0; known[j] && !ok; j++) ok = strcmp(k, known[j]) == 0;
        if (!ok) return gt_fail(why, whysz, "unknown key \"%.64s\"", k);
    }
    return 0;
}

/* The request's abstract (required) and instruction (else the default) into J. */
static int request_texts(const gt_rec *rec, gt_api_req *j, char *why, size_t whysz)
{
    int fa = gt_rec_find(rec, "abstract");
    if (fa < 0 || rec->f[fa].kind == GT_V_NULL) return gt_fail(why, whysz, "missing \"abstract\"");
    if (rec->f[fa].kind != GT_V_STR) return gt_fail(why, whysz, "\"abstract\" must be a string");
    j->abs = gt_rec_at(rec, rec->f[fa].val);
    j->nabs = rec->f[fa].val.len;
    int fi = gt_rec_find(rec, "instruction");
    if (fi >= 0 && rec->f[fi].kind != GT_V_NULL) {
        if (rec->f[fi].kind != GT_V_STR) return gt_fail(why, whysz, "\"instruction\" must be a string");
        j->instr = gt_rec_at(rec, rec->f[fi].val);
        j->ninstr = rec->f[fi].val.len;
    } else {
        j->ninstr = strlen(j->instr);
    }
    return 0;
}

/* The request's decoding options over the defaults in *O. A search option
 * given with a sampling one is an error; a default that does not fit the
 * request's own choice gives way. */
static int request_opts(int vocab, int max_new, const gt_rec *rec, gt_gen_opts *o, char *why, size_t whysz)
{
    double beams = o->beams, n = o->n, t = o->temperature, tp = o->top_p, tk = o->top_k,
           mx = o->max_new_tokens, seed = (double)o->seed;
    int gb, gt, gp, gk;
    if ((gb = json_num(rec, "beams", 1, SERVE_MAX_BEAMS, 0, 1, &beams, why, whysz)) < 0 ||
        json_num(rec, "n", 1, SERVE_MAX_BEAMS, 0, 1, &n, why, whysz) < 0 ||
        (gt = json_num(rec, "temperature", 0, 100, 0, 0, &t, why, whysz)) < 0 ||
        (gp = json_num(rec, "top_p", 0, 1, 1, 0, &tp, why, whysz)) < 0 ||
        (gk = json_num(rec, "top_k", 0, vocab, 0, 1, &tk, why, whysz)) < 0 ||
        json_num(rec, "max_new_tokens", 1, max_new, 0, 1, &mx, why, whysz) < 0 ||
        json_num(rec, "seed", 0, 9007199254740991.0, 0, 1, &seed, why, whysz) < 0)
        return -1;
    o->beams = (int)beams;
    o->n = (int)n;
    o->temperature = (float)t;
    o->top_p = (float)tp;
    o->top_k = (int)tk;
    o->max_new_tokens = (int)mx;
    o->seed = (uint64_t)seed;
    if (o->temperature > 0 && o->beams > 1) {
        if (gb || !gt)
            return gt_fail(why, whysz,
                           "beams > 1 and temperature > 0 do not go together (sampling draws one sequence at a time)");
        o->beams = 1;
    }
    if (o->temperature == 0 && (o->top_k || o->top_p < 1)) {
        if (gp || gk) return gt_fail(why, whysz, "top_k and top_p apply to sampling: set temperature > 0 too");
        o->top_k = 0;
        o->top_p = 1;
    }
    return 0;
}

int gt_api_request(gt_rec *rec, const char *body, size_t n, const gt_gen_opts *defaults, const char *instr,
                   int vocab, int max_new, gt_api_req *q, char *why, size_t whysz)
{
    *q = (gt_api_req){ .o = *defaults, .instr = instr };
    if (gt_rec_parse(rec, body, n, why, whysz) != 0 || check_keys(rec, why, whysz) != 0 ||
        request_texts(rec, q, why, whysz) != 0 || request_opts(vocab, max_new, rec, &q->o, why, whysz) != 0)
        return -1;
    return 0;
}

/* POST /api/generate: a JSON object with "abstract" and options in, titles out. */
static void api_generate(srv_ctx *sc, gt_server *s, const gt_http_req *q, gt_http_resp *r)
{
    char why[300];
    if (!q->content_type || strncasecmp(q->content_type, "application/json", 16) != 0 ||
        (q->content_type[16] && q->content_type[16] != ';' && q->content_type[16] != ' ')) {
        gt_http_error(r, 415, "Content-Type must be application/json");
        return;
    }
    if (q->body_len == 0) { gt_http_error(r, 400, "empty request body: send a JSON object"); return; }
    gt_rec rec;
    gt_rec_init(&rec);
    gen_job j = { .sc = sc, .resp = r };
    if (gt_api_request(&rec, q->body, q->body_len, &sc->defaults, sc->instr, sc->vocab, sc->max_new, &j.q, why,
                       sizeof why) != 0) {
        gt_http_error(r, 400, why);
    } else if (gt_serve_call(s, run_job, &j) != 0) {
        gt_http_error(r, 503, "busy: too many generations running or waiting (see --max-concurrency); try again");
        r->retry_after = 1;
    }
    gt_rec_free(&rec);
}

/* The routes: the page, /healthz, /api/generate; anything else 404. */
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

/* The last part of PATH, trailing slashes dropped ("out/tg/" -> "tg"), in BUF. */
static const char *base_name(const char *path, char *buf, size_t n)
{
    snprintf(buf, n, "%s", path);
    size_t l = strlen(buf);
    while (l > 1 && buf[l - 1] == '/') buf[--l] = 0;
    const char *sl = strrchr(buf, '/');
    return sl && sl[1] ? sl + 1 : buf;
}

/* The defaults of requests within the API's limits (sampling: one beam). */
static void cap_defaults(srv_ctx *sc)
{
    sc->max_new = sc->defaults.max_new_tokens > SERVE_MAX_NEW ? sc->defaults.max_new_tokens : SERVE_MAX_NEW;
    if (sc->defaults.beams > SERVE_MAX_BEAMS) sc->defaults.beams = SERVE_MAX_BEAMS;
    if (sc->defaults.n > SERVE_MAX_BEAMS) sc->defaults.n = SERVE_MAX_BEAMS;
    if (sc->defaults.temperature > 0) sc->defaults.beams = 1;
}

/* The page and /healthz's answer, rendered once: the model's name and the
 * defaults of the page's form. */
static void render_fixed(srv_ctx *sc, const char *modeldir, const char *loradir)
{
    char mb[1024], lb[1024], name[2100], num[8][32];
    const char *mname = base_name(modeldir, mb, sizeof mb);
    if (loradir) snprintf(name, sizeof name, "%s + %s", mname, base_name(loradir, lb, sizeof lb));
    else snprintf(name, sizeof name, "%s", mname);
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
}

/* Start serving with SC. SIGINT and SIGTERM stop the loop: libmicrohttpd's
 * threads start with them blocked, so only the loop's thread sees them. */
static gt_server *start_server(const gt_serve_opts *so, srv_ctx *sc, char *err, size_t errsz)
{
    gt_catch_signals(on_stop_signal, 0);
    signal(SIGPIPE, SIG_IGN);
    sigset_t ss, old;
    sigemptyset(&ss);
    sigaddset(&ss, SIGINT);
    sigaddset(&ss, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &ss, &old);
    gt_server *srv = gt_serve_start(so, handle, sc, err, errsz);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    return srv;
}

int gt_api_serve(const gt_api_opts *o, const gt_serve_opts *so, uint64_t *requests)
{
    srv_ctx sc = { .titler = o->titler, .cl = o->cl, .defaults = o->defaults, .instr = o->instr,
                   .vocab = o->vocab };
    char err[512];
    cap_defaults(&sc);
    render_fixed(&sc, o->modeldir, o->loradir);
    gt_server *srv = start_server(so, &sc, err, sizeof err);
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
    gt_buf_free(&sc.page);
    gt_buf_free(&sc.health);
    *requests = sc.requests;
    return status;
}
