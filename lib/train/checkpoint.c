/* checkpoint.c - training checkpoints read back (checkpoint.h). */
#include "train/checkpoint.h"
#include "core/util.h"
#include "io/file.h"
#include "io/json.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void gt_ckpt_free(gt_ckpt *c)
{
    for (int i = 0; i < c->nmeta; i++) { free(c->key[i]); free(c->val[i]); }
    free(c->key); free(c->val);
    for (int i = 0; i < c->nt; i++) { free(c->t[i].name); free(c->t[i].data); }
    free(c->t);
    memset(c, 0, sizeof *c);
}

const char *gt_ckpt_meta(const gt_ckpt *c, const char *key)
{
    for (int i = 0; i < c->nmeta; i++)
        if (strcmp(c->key[i], key) == 0) return c->val[i];
    return NULL;
}

const gt_ck_tensor *gt_ckpt_tensor(const gt_ckpt *c, const char *name)
{
    for (int i = 0; i < c->nt; i++)
        if (strcmp(c->t[i].name, name) == 0) return &c->t[i];
    return NULL;
}

int gt_ckpt_read(const char *path, gt_ckpt *c, char *err, size_t errsz)
{
    memset(c, 0, sizeof *c);
    size_t n;
    char why[256];
    char *buf = gt_read_file(path, 0, &n, why, sizeof why);
    if (!buf) return gt_fail(err, errsz, "%s: %s", path, why);
    int rc = -1;
    yajl_val root = NULL;
    uint64_t hl = 0;
    if (n < 8) { gt_fail(err, errsz, "%s: truncated (not a gentitle checkpoint)", path); goto out; }
    for (int i = 0; i < 8; i++) hl |= (uint64_t)(unsigned char)buf[i] << (8 * i);
    if (hl < 2 || hl > n - 8 || hl > (1u << 26)) { gt_fail(err, errsz, "%s: not a gentitle checkpoint (bad header length)", path); goto out; }
    char *hj = gt_xmalloc(hl + 1);
    memcpy(hj, buf + 8, hl);
    hj[hl] = 0;
    char perr[256];
    root = gt_json_parse(hj, perr, sizeof perr);
    free(hj);
    if (!root) {
        gt_fail(err, errsz, "%s: not a gentitle checkpoint (bad header: %.*s)", path, (int)strcspn(perr, "\n"), perr);
        goto out;
    }
    if (!YAJL_IS_OBJECT(root)) { gt_fail(err, errsz, "%s: not a gentitle checkpoint (bad header)", path); goto out; }
    const char *data = buf + 8 + hl;
    size_t dlen = n - 8 - hl;
    const char *sum = NULL;
    size_t nk = root->u.object.len;
    c->t = gt_xcalloc(nk ? nk : 1, sizeof *c->t);
    for (size_t i = 0; i < nk; i++) {
        const char *k = root->u.object.keys[i];
        yajl_val v = root->u.object.values[i];
        if (strcmp(k, "__metadata__") == 0) {
            if (!YAJL_IS_OBJECT(v)) { gt_fail(err, errsz, "%s: bad __metadata__", path); goto out; }
            size_t m = v->u.object.len;
            c->key = gt_xcalloc(m ? m : 1, sizeof(char *));
            c->val = gt_xcalloc(m ? m : 1, sizeof(char *));
            for (size_t j = 0; j < m; j++) {
                yajl_val s = v->u.object.values[j];
                if (!YAJL_IS_STRING(s)) { gt_fail(err, errsz, "%s: bad __metadata__ value", path); goto out; }
                c->key[c->nmeta] = gt_xstrdup(v->u.object.keys[j]);
                c->val[c->nmeta++] = gt_xstrdup(s->u.string);
                if (strcmp(v->u.object.keys[j], "gentitle.checksum") == 0) sum = s->u.string;
            }
            continue;
        }
        const char *pdt[] = { "dtype", NULL }, *psh[] = { "shape", NULL }, *pof[] = { "data_offsets", NULL };
        yajl_val dt = yajl_tree_get(v, pdt, yajl_t_string), sh = yajl_tree_get(v, psh, yajl_t_array),
                 of = yajl_tree_get(v, pof, yajl_t_array);
        if (!dt || !sh || !of || of->u.array.len != 2 || sh->u.array.len > 4) {
            gt_fail(err, errsz, "%s: tensor '%s': bad entry", path, k);
            goto out;
        }
        if (strcmp(dt->u.string, "F32") != 0) { gt_fail(err, errsz, "%s: tensor '%s' is %s, not F32", path, k, dt->u.string); goto out; }
        gt_ck_tensor *t = &c->t[c->nt];
        t->numel = 1;
        t->ndim = (int)sh->u.array.len;
        for (int d = 0; d < t->ndim; d++) {
            yajl_val x = sh->u.array.values[d];
            if (!YAJL_IS_INTEGER(x) || YAJL_GET_INTEGER(x) < 0 || YAJL_GET_INTEGER(x) > (1ll << 40)) {
                gt_fail(err, errsz, "%s: tensor '%s': bad shape", path, k);
                goto out;
            }
            t->shape[d] = YAJL_GET_INTEGER(x);
            t->numel *= (size_t)t->shape[d];
        }
        yajl_val b0 = of->u.array.values[0], b1 = of->u.array.values[1];
        if (!YAJL_IS_INTEGER(b0) || !YAJL_IS_INTEGER(b1) || YAJL_GET_INTEGER(b0) < 0 ||
            YAJL_GET_INTEGER(b1) < YAJL_GET_INTEGER(b0) ||
            (uint64_t)YAJL_GET_INTEGER(b1) - (uint64_t)YAJL_GET_INTEGER(b0) != t->numel * sizeof(float)) {
            gt_fail(err, errsz, "%s: tensor '%s': bad data offsets", path, k);
            goto out;
        }
        if ((uint64_t)YAJL_GET_INTEGER(b1) > dlen) {
            gt_fail(err, errsz, "%s: truncated: tensor '%s' needs bytes %lld..%lld of %zu", path, k,
                 (long long)YAJL_GET_INTEGER(b0), (long long)YAJL_GET_INTEGER(b1), dlen);
            goto out;
        }
        t->name = gt_xstrdup(k);
        t->data = gt_xmalloc(t->numel * sizeof(float) + 1);
        memcpy(t->data, data + YAJL_GET_INTEGER(b0), t->numel * sizeof(float));
        c->nt++;
    }
    if (!sum) { gt_fail(err, errsz, "%s: not a gentitle checkpoint (no checksum)", path); goto out; }
    /* the checksum is over the tensors in file order (offset order) */
    {
        uint64_t hs = 0x636b7074ull;
        size_t pos = 0;
        /* tensors were written back to back in header order; recompute over the data in order */
        for (int i = 0; i < c->nt; i++) {
            hs = gt_hash64(c->t[i].data, c->t[i].numel * sizeof(float), hs);
            pos += c->t[i].numel * sizeof(float);
        }
        char want[24];
        snprintf(want, sizeof want, "%016llx", (unsigned long long)hs);
        if (strcmp(want, sum) != 0 || pos != dlen) {
            gt_fail(err, errsz, "%s: checksum mismatch (the checkpoint is corrupt)", path);
            goto out;
        }
    }
    rc = 0;
out:
    if (root) yajl_tree_free(root);
    free(buf);
    if (rc) gt_ckpt_free(c);
    return rc;
}
