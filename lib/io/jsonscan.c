/* jsonscan.c - a strict scanner for the JSON our tools read on their hot paths.
 *
 * It accepts a subset of JSON and is stricter than yajl (no overlong UTF-8, no
 * \u0000, no unpaired surrogates, plain whitespace only); callers send what it
 * refuses to yajl, which accepts it or explains the error, so a result never
 * depends on which path ran. */
#include "core/utf8.h"
#include "io/jsonscan.h"

#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

/* 1 for bytes that end a plain run inside a string */
static const unsigned char str_stop[256] = {
    1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1, 1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,
    0,0,1,0,0,0,0,0,0,0,0,0,0,0,0,0, 0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,
    0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0, 0,0,0,0,0,0,0,0,0,0,0,0,1,0,0,0,
    0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0, 0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,
    1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1, 1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,
    1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1, 1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,
    1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1, 1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,
    1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1, 1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,
};

const unsigned char *gt_js_ws(const unsigned char *p, const unsigned char *e)
{
    while (p < e && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')) p++;
    return p;
}


static int hex4(const unsigned char *p, unsigned *v)
{
    unsigned x = 0;
    for (int i = 0; i < 4; i++) {
        unsigned c = p[i], d;
        if (c >= '0' && c <= '9') d = c - '0';
        else if (c >= 'a' && c <= 'f') d = c - 'a' + 10;
        else if (c >= 'A' && c <= 'F') d = c - 'A' + 10;
        else return 0;
        x = x * 16 + d;
    }
    *v = x;
    return 1;
}

#define PUT(x) do { if (W) dst[o] = (x); o++; } while (0)
/* W = 1: decode into DST; W = 0: only check (DST unused). Inlined into both. */
static inline __attribute__((always_inline)) int
scan_string(const unsigned char **pp, const unsigned char *e, char *dst, size_t *dn, const int W)
{
    const unsigned char *p = *pp + 1;
    size_t o = 0;                      /* decoded length so far */
    for (;;) {
        const unsigned char *q = p;
#ifdef __SSE2__
        /* 16 bytes at a time: a stop byte is a quote, a backslash, or (as a
         * signed byte) below 0x20, which covers controls and non-ASCII */
        const __m128i quote = _mm_set1_epi8('"'), bslash = _mm_set1_epi8('\\'), lim = _mm_set1_epi8(0x20);
        while (e - q >= 16) {
            __m128i v = _mm_loadu_si128((const __m128i *)q);
            __m128i m = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, bslash)),
                                     _mm_cmplt_epi8(v, lim));
            int bits = _mm_movemask_epi8(m);
            if (bits) { q += __builtin_ctz((unsigned)bits); goto found; }
            q += 16;
        }
#endif
        while (q < e && !str_stop[*q]) q++;
#ifdef __SSE2__
    found:
#endif
        if (W) memcpy(dst + o, p, (size_t)(q - p));
        o += (size_t)(q - p);
        p = q;
        if (p >= e) return 0;
        unsigned c = *p;
        if (c == '"') { p++; break; }
        if (c >= 0x80) {
            size_t k = (size_t)gt_utf8_len(p, (size_t)(e - p));
            if (!k) return 0;
            if (W) memcpy(dst + o, p, k);
            o += k; p += k;
            continue;
        }
        if (c != '\\' || e - p < 2) return 0;   /* a control byte, or a lone backslash */
        unsigned x = p[1];
        p += 2;
        switch (x) {
        case '"': PUT('"'); break;
        case '\\': PUT('\\'); break;
        case '/': PUT('/'); break;
        case 'b': PUT('\b'); break;
        case 'f': PUT('\f'); break;
        case 'n': PUT('\n'); break;
        case 'r': PUT('\r'); break;
        case 't': PUT('\t'); break;
        case 'u': {
            unsigned v;
            if (e - p < 4 || !hex4(p, &v) || v == 0) return 0;
            p += 4;
            if (v >= 0xdc00 && v <= 0xdfff) return 0;
            if (v >= 0xd800 && v <= 0xdbff) {
                unsigned lo;
                if (e - p < 6 || p[0] != '\\' || p[1] != 'u' || !hex4(p + 2, &lo) || lo < 0xdc00 || lo > 0xdfff)
                    return 0;
                p += 6;
                v = 0x10000 + ((v - 0xd800) << 10) + (lo - 0xdc00);
            }
            char u[4];
            int k = gt_utf8_encode(v, u);
            if (W) memcpy(dst + o, u, (size_t)k);
            o += (size_t)k;
            break;
        }
        default: return 0;
        }
    }
    *dn = o;
    *pp = p;
    return 1;
}
#undef PUT

int gt_js_string(const unsigned char **pp, const unsigned char *e, char *dst, size_t *dn)
{
    return scan_string(pp, e, dst, dn, 1);
}

int gt_js_string_canonical(const unsigned char **pp, const unsigned char *e, size_t *rn)
{
    const unsigned char *p0 = *pp + 1, *p = p0;
    for (;;) {
#ifdef __SSE2__
        /* stop bytes: quote, backslash, DEL, and (as signed bytes) below 0x20,
         * which covers controls and non-ASCII */
        const __m128i quote = _mm_set1_epi8('"'), bslash = _mm_set1_epi8('\\'), del = _mm_set1_epi8(0x7f),
                      lim = _mm_set1_epi8(0x20);
        while (e - p >= 16) {
            __m128i v = _mm_loadu_si128((const __m128i *)p);
            __m128i m = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, bslash)),
                                     _mm_or_si128(_mm_cmplt_epi8(v, lim), _mm_cmpeq_epi8(v, del)));
            int bits = _mm_movemask_epi8(m);
            if (bits) { p += __builtin_ctz((unsigned)bits); goto found; }
            p += 16;
        }
#endif
        while (p < e && !str_stop[*p] && *p != 0x7f) p++;
#ifdef __SSE2__
    found:
#endif
        if (p >= e) return 0;
        unsigned c = *p;
        if (c == '"') break;
        if (c >= 0x80) {
            size_t k = (size_t)gt_utf8_len(p, (size_t)(e - p));
            if (!k) return 0;
            p += k;
            continue;
        }
        if (c != '\\' || e - p < 2) return 0;           /* a control byte, DEL, a lone backslash */
        switch (p[1]) {
        case '"': case '\\': case 'b': case 'f': case 'n': case 'r': case 't': p += 2; continue;
        default: return 0;                              /* \/ and \u: not as gt_out_json_str writes */
        }
    }
    *rn = (size_t)(p - p0);
    *pp = p + 1;
    return 1;
}

int gt_js_string_check(const unsigned char **pp, const unsigned char *e)
{
    size_t n;
    return scan_string(pp, e, NULL, &n, 0);
}

int gt_js_number(const unsigned char **pp, const unsigned char *e)
{
    const unsigned char *p = *pp;
    if (p < e && *p == '-') p++;
    if (p >= e) return 0;
    if (*p == '0') p++;
    else if (*p >= '1' && *p <= '9') { while (p < e && *p >= '0' && *p <= '9') p++; }
    else return 0;
    if (p < e && *p == '.') {
        p++;
        if (p >= e || *p < '0' || *p > '9') return 0;
        while (p < e && *p >= '0' && *p <= '9') p++;
    }
    if (p < e && (*p == 'e' || *p == 'E')) {
        p++;
        if (p < e && (*p == '+' || *p == '-')) p++;
        if (p >= e || *p < '0' || *p > '9') return 0;
        while (p < e && *p >= '0' && *p <= '9') p++;
    }
    *pp = p;
    return 1;
}

int gt_js_skip(const unsigned char **pp, const unsigned char *e, int depth)
{
    const unsigned char *p = *pp;
    if (p >= e || depth > 32) return 0;
    switch (*p) {
    case '"':
        if (!gt_js_string_check(&p, e)) return 0;
        break;
    case 'n': if (e - p < 4 || memcmp(p, "null", 4)) return 0; p += 4; break;
    case 't': if (e - p < 4 || memcmp(p, "true", 4)) return 0; p += 4; break;
    case 'f': if (e - p < 5 || memcmp(p, "false", 5)) return 0; p += 5; break;
    case '[':
        p = gt_js_ws(p + 1, e);
        if (p < e && *p == ']') { p++; break; }
        for (;;) {
            if (!gt_js_skip(&p, e, depth + 1)) return 0;
            p = gt_js_ws(p, e);
            if (p < e && *p == ',') { p = gt_js_ws(p + 1, e); continue; }
            if (p < e && *p == ']') { p++; break; }
            return 0;
        }
        break;
    case '{':
        p = gt_js_ws(p + 1, e);
        if (p < e && *p == '}') { p++; break; }
        for (;;) {
            if (p >= e || *p != '"' || !gt_js_string_check(&p, e)) return 0;
            p = gt_js_ws(p, e);
            if (p >= e || *p != ':') return 0;
            p = gt_js_ws(p + 1, e);
            if (!gt_js_skip(&p, e, depth + 1)) return 0;
            p = gt_js_ws(p, e);
            if (p < e && *p == ',') { p = gt_js_ws(p + 1, e); continue; }
            if (p < e && *p == '}') { p++; break; }
            return 0;
        }
        break;
    default:
        if (!gt_js_number(&p, e)) return 0;
    }
    *pp = p;
    return 1;
}
