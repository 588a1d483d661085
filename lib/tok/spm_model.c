/* spm_model.c - a small protobuf wire-format reader for SentencePiece's
 * ModelProto (sentencepiece_model.proto), reading only the fields we use:
 *   ModelProto      1 pieces (repeated SentencePiece), 2 trainer_spec,
 *                   3 normalizer_spec
 *   SentencePiece   1 piece (string), 2 score (float), 3 type (enum, NORMAL)
 *   TrainerSpec     3 model_type (UNIGRAM), 24 treat_whitespace_as_suffix,
 *                   35 byte_fallback, 40 unk_id (0), 41 bos_id (1),
 *                   42 eos_id (2), 43 pad_id (-1)
 *   NormalizerSpec  1 name, 2 precompiled_charsmap, 3 add_dummy_prefix (true),
 *                   4 remove_extra_whitespaces (true), 5 escape_whitespaces (true)
 * Other fields are skipped by wire type; groups (wire types 3, 4) are refused. */
#include "tok/spm_model.h"
#include "core/util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    const unsigned char *p, *end;
    const char *err;
} pb;

static int pb_varint(pb *b, uint64_t *v)
{
    uint64_t x = 0;
    for (int shift = 0; shift < 64; shift += 7) {
        if (b->p >= b->end) { b->err = "truncated model file"; return -1; }
        unsigned c = *b->p++;
        x |= (uint64_t)(c & 0x7f) << shift;
        if (!(c & 0x80)) { *v = x; return 0; }
    }
    b->err = "malformed model file (varint too long)";
    return -1;
}

/* Read a field key; 1 = got one, 0 = end of message, -1 = error. */
static int pb_key(pb *b, uint32_t *field, int *wt)
{
    if (b->p >= b->end) return 0;
    uint64_t k;
    if (pb_varint(b, &k)) return -1;
    *field = (uint32_t)(k >> 3);
    *wt = (int)(k & 7);
    if (*field == 0) { b->err = "malformed model file (field number 0)"; return -1; }
    return 1;
}

static int pb_bytes(pb *b, const unsigned char **s, size_t *n)
{
    uint64_t len;
    if (pb_varint(b, &len)) return -1;
    if (len > (uint64_t)(b->end - b->p)) { b->err = "truncated model file"; return -1; }
    *s = b->p; *n = (size_t)len;
    b->p += len;
    return 0;
}

static int pb_fixed32(pb *b, uint32_t *v)
{
    if (b->end - b->p < 4) { b->err = "truncated model file"; return -1; }
    *v = (uint32_t)b->p[0] | (uint32_t)b->p[1] << 8 | (uint32_t)b->p[2] << 16 | (uint32_t)b->p[3] << 24;
    b->p += 4;
    return 0;
}

static int pb_skip(pb *b, int wt)
{
    uint64_t v; const unsigned char *s; size_t n; uint32_t f;
    switch (wt) {
    case 0: return pb_varint(b, &v);
    case 1:
        if (b->end - b->p < 8) { b->err = "truncated model file"; return -1; }
        b->p += 8; return 0;
    case 2: return pb_bytes(b, &s, &n);
    case 5: return pb_fixed32(b, &f);
    default: b->err = "malformed model file (unsupported wire type)"; return -1;
    }
}

/* Expect wire type WANT for a known field. */
#define WANT(w) do { if (wt != (w)) { b->err = "malformed model file (unexpected wire type)"; return -1; } } while (0)

static int parse_piece(pb *b, gt_spm_piece *pc, const unsigned char **s, size_t *sn)
{
    uint32_t f; int wt, r;
    *s = NULL; *sn = 0;
    pc->score = 0; pc->type = GT_SPM_NORMAL;
    while ((r = pb_key(b, &f, &wt)) == 1) {
        if (f == 1) { WANT(2); if (pb_bytes(b, s, sn)) return -1; }
        else if (f == 2) {
            WANT(5);
            uint32_t u;
            if (pb_fixed32(b, &u)) return -1;
            memcpy(&pc->score, &u, 4);
        } else if (f == 3) {
            WANT(0);
            uint64_t v;
            if (pb_varint(b, &v)) return -1;
            pc->type = (int)v;
        } else if (pb_skip(b, wt)) return -1;
    }
    return r;
}

static int parse_trainer(pb *b, gt_spm_model *m)
{
    uint32_t f; int wt, r;
    while ((r = pb_key(b, &f, &wt)) == 1) {
        if (f == 3 || f == 24 || f == 35 || (f >= 40 && f <= 43)) {
            WANT(0);
            uint64_t v;
            if (pb_varint(b, &v)) return -1;
            int iv = (int)(int32_t)(uint32_t)v;    /* int32: negatives are 10-byte varints */
            switch (f) {
            case 3: m->model_type = iv; break;
            case 24: m->treat_ws_as_suffix = v != 0; break;
            case 35: m->byte_fallback = v != 0; break;
            case 40: m->unk_id = iv; break;
            case 41: m->bos_id = iv; break;
            case 42: m->eos_id = iv; break;
            case 43: m->pad_id = iv; break;
            }
        } else if (pb_skip(b, wt)) return -1;
    }
    return r;
}

static int parse_normalizer(pb *b, gt_spm_model *m)
{
    uint32_t f; int wt, r;
    while ((r = pb_key(b, &f, &wt)) == 1) {
        if (f == 1) {
            WANT(2);
            const unsigned char *s; size_t n;
            if (pb_bytes(b, &s, &n)) return -1;
            if (n >= sizeof m->norm_name) n = sizeof m->norm_name - 1;
            memcpy(m->norm_name, s, n);
            m->norm_name[n] = 0;
        } else if (f == 2) {
            WANT(2);
            const unsigned char *s; size_t n;
            if (pb_bytes(b, &s, &n)) return -1;
            m->charsmap_len = n;
        } else if (f >= 3 && f <= 5) {
            WANT(0);
            uint64_t v;
            if (pb_varint(b, &v)) return -1;
            if (f == 3) m->add_dummy_prefix = v != 0;
            else if (f == 4) m->remove_extra_ws = v != 0;
            else m->escape_ws = v != 0;
        } else if (pb_skip(b, wt)) return -1;
    }
    return r;
}

int gt_spm_model_parse(gt_spm_model *m, const unsigned char *p, size_t n, char *err, size_t errsz)
{
    memset(m, 0, sizeof *m);
    m->model_type = GT_SPM_UNIGRAM;
    m->unk_id = 0; m->bos_id = 1; m->eos_id = 2; m->pad_id = -1;
    m->add_dummy_prefix = 1; m->remove_extra_ws = 1; m->escape_ws = 1;

    /* First pass: count pieces and their bytes. */
    pb b = { p, p + n, NULL };
    size_t npieces = 0, strbytes = 0;
    int have_trainer = 0, have_norm = 0;
    uint32_t f; int wt, r;
    while ((r = pb_key(&b, &f, &wt)) == 1) {
        if ((f == 1 || f == 2 || f == 3) && wt != 2) { b.err = "not a SentencePiece model (unexpected wire type)"; r = -1; break; }
        if (f == 1) {
            const unsigned char *s; size_t sn;
            if (pb_bytes(&b, &s, &sn)) { r = -1; break; }
            pb sub = { s, s + sn, NULL };
            gt_spm_piece pc; const unsigned char *ps; size_t pn;
            if (parse_piece(&sub, &pc, &ps, &pn) < 0) { b.err = sub.err; r = -1; break; }
            npieces++;
            strbytes += pn + 1;
        } else if (f == 2 || f == 3) {
            const unsigned char *s; size_t sn;
            if (pb_bytes(&b, &s, &sn)) { r = -1; break; }
            pb sub = { s, s + sn, NULL };
            if ((f == 2 ? parse_trainer(&sub, m) : parse_normalizer(&sub, m)) < 0) { b.err = sub.err; r = -1; break; }
            if (f == 2) have_trainer = 1; else have_norm = 1;
        } else if (pb_skip(&b, wt)) { r = -1; break; }
    }
    if (r < 0) {
        snprintf(err, errsz, "%s", b.err ? b.err : "malformed model file");
        return -1;
    }
    if (npieces == 0 || !have_trainer || !have_norm) {
        snprintf(err, errsz, "not a SentencePiece model (no %s)",
                 npieces == 0 ? "pieces" : !have_trainer ? "trainer_spec" : "normalizer_spec");
        return -1;
    }
    if (npieces > (1u << 30)) { snprintf(err, errsz, "too many pieces"); return -1; }

    /* Second pass: copy the pieces. */
    m->pieces = gt_xcalloc(npieces, sizeof *m->pieces);
    m->strs = gt_xmalloc(strbytes ? strbytes : 1);
    size_t so = 0;
    b.p = p; b.end = p + n;
    while (pb_key(&b, &f, &wt) == 1) {
        if (f == 1) {
            const unsigned char *s; size_t sn;
            pb_bytes(&b, &s, &sn);
            pb sub = { s, s + sn, NULL };
            gt_spm_piece *pc = &m->pieces[m->npieces++];
            const unsigned char *ps; size_t pn;
            parse_piece(&sub, pc, &ps, &pn);
            if (pn) memcpy(m->strs + so, ps, pn);
            m->strs[so + pn] = 0;
            pc->piece = m->strs + so;
            pc->len = (uint32_t)pn;
            so += pn + 1;
        } else {
            pb_skip(&b, wt);
        }
    }
    return 0;
}

void gt_spm_model_free(gt_spm_model *m)
{
    free(m->pieces);
    free(m->strs);
    memset(m, 0, sizeof *m);
}
