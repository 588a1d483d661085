/* utf8.h - the one UTF-8 validity rule of libcore (JSON scanning, tokenizers). */
#ifndef GT_UTF8_H
#define GT_UTF8_H

#include <stddef.h>
#include <stdint.h>

/* Length of the valid UTF-8 character at S (N bytes available), or 0: no
 * overlong forms, no surrogates, nothing past U+10FFFF; the same rule as
 * sentencepiece's DecodeUTF8. */
static inline int gt_utf8_len(const unsigned char *s, size_t n)
{
    unsigned c = s[0];
    if (c < 0x80) return 1;
    if (n >= 2 && (c & 0xe0) == 0xc0) {
        uint32_t cp = (c & 0x1f) << 6 | (s[1] & 0x3f);
        if ((s[1] & 0xc0) == 0x80 && cp >= 0x80) return 2;
    } else if (n >= 3 && (c & 0xf0) == 0xe0) {
        uint32_t cp = (c & 0x0f) << 12 | (s[1] & 0x3f) << 6 | (s[2] & 0x3f);
        if ((s[1] & 0xc0) == 0x80 && (s[2] & 0xc0) == 0x80 && cp >= 0x800 && (cp < 0xd800 || cp >= 0xe000))
            return 3;
    } else if (n >= 4 && (c & 0xf8) == 0xf0) {
        uint32_t cp = (c & 0x07) << 18 | (s[1] & 0x3f) << 12 | (s[2] & 0x3f) << 6 | (s[3] & 0x3f);
        if ((s[1] & 0xc0) == 0x80 && (s[2] & 0xc0) == 0x80 && (s[3] & 0xc0) == 0x80 && cp >= 0x10000 &&
            cp <= 0x10ffff)
            return 4;
    }
    return 0;
}

/* The code point of the valid character of length L (from gt_utf8_len) at S. */
static inline uint32_t gt_utf8_cp(const unsigned char *s, int l)
{
    if (l == 1) return s[0];
    if (l == 2) return (uint32_t)(s[0] & 0x1f) << 6 | (s[1] & 0x3f);
    if (l == 3) return (uint32_t)(s[0] & 0x0f) << 12 | (uint32_t)(s[1] & 0x3f) << 6 | (s[2] & 0x3f);
    return (uint32_t)(s[0] & 0x07) << 18 | (uint32_t)(s[1] & 0x3f) << 12 | (uint32_t)(s[2] & 0x3f) << 6 |
           (s[3] & 0x3f);
}

/* Decode one character of already-valid UTF-8 at S; *L gets its length. */
static inline uint32_t gt_utf8_decode(const unsigned char *s, int *l)
{
    unsigned c = s[0];
    *l = c < 0x80 ? 1 : (c & 0xe0) == 0xc0 ? 2 : (c & 0xf0) == 0xe0 ? 3 : 4;
    return gt_utf8_cp(s, *l);
}

/* Write code point CP (< 0x110000) as UTF-8 into O (4 bytes room); its length. */
static inline int gt_utf8_encode(uint32_t cp, char *o)
{
    if (cp < 0x80) { o[0] = (char)cp; return 1; }
    if (cp < 0x800) { o[0] = (char)(0xc0 | cp >> 6); o[1] = (char)(0x80 | (cp & 0x3f)); return 2; }
    if (cp < 0x10000) {
        o[0] = (char)(0xe0 | cp >> 12); o[1] = (char)(0x80 | ((cp >> 6) & 0x3f)); o[2] = (char)(0x80 | (cp & 0x3f));
        return 3;
    }
    o[0] = (char)(0xf0 | cp >> 18); o[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
    o[2] = (char)(0x80 | ((cp >> 6) & 0x3f)); o[3] = (char)(0x80 | (cp & 0x3f));
    return 4;
}

/* Is all of S (N bytes) valid UTF-8 by gt_utf8_len's rule? With NO_NUL, a NUL
 * byte makes it invalid too. */
static inline int gt_utf8_valid(const unsigned char *s, size_t n, int no_nul)
{
    size_t i = 0;
    while (i < n) {
        if (s[i] < 0x80) {
            if (no_nul && s[i] == 0) return 0;
            i++;
            continue;
        }
        int l = gt_utf8_len(s + i, n - i);
        if (!l) return 0;
        i += (size_t)l;
    }
    return 1;
}

#endif
