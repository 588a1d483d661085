/* tokenizer.c - one interface over the two tokenizer kinds (see tokenizer.h):
 * reads the file, tells a tokenizer.json from a tokenizer.model, and passes
 * each call to spm_tokenizer.c or hf_tokenizer.c. A tokenizer made from a
 * llama.cpp vocabulary (llama_vocab.h) first cuts the text at its special
 * tokens and passes each fragment between them to its engine. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/util.h"
#include "io/file.h"
#include "tok/hf_tokenizer.h"
#include "tok/llama_vocab.h"
#include "tok/spm_tokenizer.h"
#include "tok/tokenizer.h"

struct gt_tok {             /* exactly one of the two engines */
    gt_spm *spm;
    gt_hf *hf;
    int vocab;              /* made by gt_tok_from_vocab: */
    gt_vocab_rules r;       /* its ids and flags */
    gt_special *sp;         /* its special tokens (NULL: none) */
};

struct gt_tokctx {
    const gt_tok *t;
    gt_spmctx *spm;
    gt_hfctx *hf;
    gt_frags fr;            /* the text's fragments (a vocabulary's tokenizer) */
    gt_ids tmp;
};

gt_tok *gt_tok_load_mem(const void *data, size_t n, char *err, size_t errsz)
{
    const unsigned char *p = data;
    if (n == 0) { snprintf(err, errsz, "empty tokenizer file"); return NULL; }
    size_t i = 0;
    while (i < n && (p[i] == ' ' || p[i] == '\t' || p[i] == '\n' || p[i] == '\r')) i++;
    gt_tok t = { 0 };
    if (i < n && p[i] == '{') t.hf = gt_hf_load_mem(p, n, err, errsz);
    else if (p[0] == 0x0a) t.spm = gt_spm_load_mem(p, n, err, errsz);  /* ModelProto field 1 (pieces) */
    else if (n >= 4 && memcmp(p, "GGUF", 4) == 0) {
        /* read by nn/gguf_tok.h (gt_tok_load_file), which tools call */
        snprintf(err, errsz, "a GGUF model file: its tokenizer is read with gt_tok_load_file (nn/gguf_tok.h)");
        return NULL;
    } else {
        snprintf(err, errsz, "unknown tokenizer file kind (not a SentencePiece tokenizer.model)");
        return NULL;
    }
    if (!t.hf && !t.spm) return NULL;
    gt_tok *tk = gt_xmalloc(sizeof *tk);
    *tk = t;
    return tk;
}

gt_tok *gt_tok_load(const char *path, char *err, size_t errsz)
{
    char why[256];
    size_t n;
    char *buf = gt_read_regular(path, ((size_t)1 << 30) - 1, &n, why, sizeof why);
    if (!buf) {
        if (errno == EISDIR) snprintf(err, errsz, "is a directory (use --model DIR)");
        else if (errno == EFBIG) snprintf(err, errsz, "tokenizer file too large");
        else if (strncmp(why, "cannot open: ", 13) == 0) snprintf(err, errsz, "%s", why + 13);
        else if (strncmp(why, "not a regular", 13) == 0) snprintf(err, errsz, "%s", why);
        else snprintf(err, errsz, "read error");
        return NULL;
    }
    gt_tok *t = gt_tok_load_mem(buf, n, err, errsz);
    free(buf);
    return t;
}

const char *gt_tok_of_model(const char *dir, char *buf, size_t n)
{
    snprintf(buf, n, "%s/tokenizer.model", dir);
    if (access(buf, F_OK) == 0) return buf;
    snprintf(buf, n, "%s/tokenizer.json", dir);
    if (access(buf, F_OK) != 0) snprintf(buf, n, "%s/tokenizer.model", dir);   /* named when it fails */
    return buf;
}

gt_tok *gt_tok_from_vocab(const gt_vocab *v, char *err, size_t errsz)
{
    gt_tok t = { .vocab = 1 };
    if (gt_vocab_rules_of(v, &t.r, err, errsz)) return NULL;
    if (v->kind == GT_VOCAB_SPM) t.spm = gt_spm_new_vocab(v, &t.r, err, errsz);
    else t.hf = gt_hf_new_vocab(v, &t.r, err, errsz);
    if (!t.spm && !t.hf) return NULL;
    t.sp = gt_special_new(v);
    gt_tok *tk = gt_xmalloc(sizeof *tk);
    *tk = t;
    return tk;
}

void gt_tok_free(gt_tok *t)
{
    if (!t) return;
    gt_spm_free(t->spm);
    gt_hf_free(t->hf);
    gt_special_free(t->sp);
    free(t);
}

int gt_tok_vocab_size(const gt_tok *t) { return t->hf ? gt_hf_vocab_size(t->hf) : gt_spm_vocab_size(t->spm); }
int gt_tok_bos(const gt_tok *t) { return t->hf ? gt_hf_bos(t->hf) : gt_spm_bos(t->spm); }
int gt_tok_eos(const gt_tok *t) { return t->hf ? gt_hf_eos(t->hf) : gt_spm_eos(t->spm); }
int gt_tok_guessed(const gt_tok *t) { return t->hf && !t->vocab ? gt_hf_guessed(t->hf) : 0; }
int gt_tok_piece_id(const gt_tok *t, const char *s, size_t n)
{
    if (t->hf) return gt_hf_piece_id(t->hf, s, n);
    const gt_spm_model *m = gt_spm_model_of(t->spm);
    for (int i = 0; i < m->npieces; i++)
        if (m->pieces[i].len == n && memcmp(m->pieces[i].piece, s, n) == 0) return i;
    return -1;
}
int gt_tok_unk(const gt_tok *t) { return t->vocab ? t->r.unk : t->hf ? gt_hf_unk(t->hf) : gt_spm_unk(t->spm); }
int gt_tok_pad(const gt_tok *t)
{
    if (t->vocab) return t->r.pad;
    if (!t->spm) return -1;
    int id = gt_spm_model_of(t->spm)->pad_id;
    return id >= 0 && id < gt_spm_vocab_size(t->spm) ? id : -1;
}
int gt_tok_add_bos(const gt_tok *t) { return t->vocab ? t->r.add_bos : -1; }
int gt_tok_add_eos(const gt_tok *t) { return t->vocab ? t->r.add_eos : -1; }
uint64_t gt_tok_fingerprint(const gt_tok *t) { return t->hf ? gt_hf_fingerprint(t->hf) : gt_spm_fingerprint(t->spm); }

const gt_spm_model *gt_tok_model(const gt_tok *t)
{
    static const gt_spm_model none;
    return t->spm ? gt_spm_model_of(t->spm) : &none;
}

gt_tokctx *gt_tokctx_new_sized(const gt_tok *t, int small)
{
    gt_tokctx *c = gt_xcalloc(1, sizeof *c);
    c->t = t;
    if (t->hf) c->hf = gt_hfctx_new(t->hf);
    else c->spm = gt_spmctx_new(t->spm, small);
    return c;
}

gt_tokctx *gt_tokctx_new(const gt_tok *t) { return gt_tokctx_new_sized(t, 0); }

void gt_tokctx_free(gt_tokctx *c)
{
    if (!c) return;
    gt_spmctx_free(c->spm);
    gt_hfctx_free(c->hf);
    gt_frags_free(&c->fr);
    gt_ids_free(&c->tmp);
    free(c);
}

/* The engine on one text (fragment). */
static size_t engine_encode(gt_tokctx *c, const char *text, size_t n, gt_ids *out, size_t *marks, int nmarks)
{
    return c->hf ? gt_hf_encode(c->hf, text, n, out, marks, nmarks) : gt_spm_encode(c->spm, text, n, out, marks, nmarks);
}

static size_t engine_offset(gt_tokctx *c, const char *text, size_t n, size_t k)
{
    return c->hf ? gt_hf_token_offset(c->hf, text, n, k) : gt_spm_token_offset(c->spm, text, n, k);
}

/* A vocabulary's tokenizer: each fragment between special tokens through the
 * engine, each special token as its id; a mark goes to the first token that
 * starts at or after it, in whichever fragment that is. */
size_t gt_tok_encode(gt_tokctx *c, const char *text, size_t n, gt_ids *out, size_t *marks, int nmarks)
{
    if (!c->t->vocab) return engine_encode(c, text, n, out, marks, nmarks);
    size_t nf = gt_special_split(c->t->sp, text, n, &c->fr), first = out->n;
    int mk = 0;
    for (size_t i = 0; i < nf; i++) {
        const gt_frag *f = &c->fr.v[i];
        size_t end = (size_t)f->off + f->len;
        if (f->id >= 0) {
            while (mk < nmarks && marks[mk] <= f->off) marks[mk++] = out->n - first;
            gt_ids_push(out, f->id);
            continue;
        }
        int m0 = mk;
        while (mk < nmarks && marks[mk] < end) { marks[mk] = marks[mk] > f->off ? marks[mk] - f->off : 0; mk++; }
        size_t base = out->n - first;
        engine_encode(c, text + f->off, f->len, out, marks ? marks + m0 : NULL, mk - m0);   /* MARKS may be NULL */
        for (int k = m0; k < mk; k++) marks[k] += base;
    }
    while (mk < nmarks) marks[mk++] = out->n - first;
    return out->n - first;
}

#define PREFIX_SPARE 64         /* tokens beyond those kept */
#define PREFIX_BYTES 64         /* bytes a token first tried */

size_t gt_tok_prefix_len(gt_tokctx *c, const char *text, size_t n, size_t ntok)
{
    size_t want = ntok + PREFIX_SPARE, p = want * PREFIX_BYTES;
    if (n <= p) return n;
    gt_ids ids = { 0 };
    for (; p < n; p = p > n / 2 ? n : p * 2) {
        size_t q = p;
        for (int k = 0; k < 3 && q > 0 && ((unsigned char)text[q] & 0xc0) == 0x80; k++) q--;
        ids.n = 0;
        if (gt_tok_encode(c, text, q, &ids, NULL, 0) >= want) { n = q; break; }
    }
    gt_ids_free(&ids);
    return n;
}

size_t gt_tok_token_offset(gt_tokctx *c, const char *text, size_t n, size_t k)
{
    if (!c->t->vocab) return engine_offset(c, text, n, k);
    size_t nf = gt_special_split(c->t->sp, text, n, &c->fr), at = 0;
    for (size_t i = 0; i < nf; i++) {
        gt_frag f = c->fr.v[i];
        if (f.id >= 0) {
            if (at == k) return f.off;
            at++;
            continue;
        }
        c->tmp.n = 0;
        size_t m = engine_encode(c, text + f.off, f.len, &c->tmp, NULL, 0);
        if (k < at + m) return f.off + engine_offset(c, text + f.off, f.len, k - at);
        at += m;
    }
    return n;
}

size_t gt_tok_decode(const gt_tok *t, const int32_t *ids, size_t n, char **buf, size_t *len, size_t *cap,
                     size_t *bad)
{
    return t->hf ? gt_hf_decode(t->hf, ids, n, buf, len, cap, bad) : gt_spm_decode(t->spm, ids, n, buf, len, cap, bad);
}
