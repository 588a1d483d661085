/* test_core.c - reader, record parser/writer, JSON escaping, hash, dates. */
#include "t.h"
#include "io/input.h"
#include "io/output.h"
#include "io/record.h"
#include "core/util.h"

#include <stdlib.h>
#include <unistd.h>
#include <zstd.h>

static char *tmpfile_with(const void *data, size_t n)
{
    static char path[64];
    snprintf(path, sizeof path, "/tmp/gt_test_XXXXXX");
    int fd = mkstemp(path);
    if (write(fd, data, n) != (ssize_t)n) abort();
    close(fd);
    return path;
}

static void test_reader_plain(void)
{
    const char *txt = "a\nbb\r\n\nlast";
    char *p = tmpfile_with(txt, strlen(txt));
    gt_reader *r = gt_reader_open(p, 100);
    const char *l; size_t n;
    CHECK(gt_reader_next(r, &l, &n) == GT_READ_LINE && n == 1 && l[0] == 'a', "reader: first line");
    CHECK(gt_reader_next(r, &l, &n) == GT_READ_LINE && n == 2 && memcmp(l, "bb", 2) == 0, "reader: CRLF stripped");
    CHECK(gt_reader_next(r, &l, &n) == GT_READ_LINE && n == 0, "reader: empty line");
    CHECK(gt_reader_next(r, &l, &n) == GT_READ_LINE && n == 4 && gt_reader_lineno(r) == 4, "reader: last line without newline");
    CHECK(gt_reader_next(r, &l, &n) == GT_READ_EOF, "reader: EOF");
    CHECK(!gt_reader_is_zstd(r), "reader: plain detected");
    gt_reader_close(r);
    unlink(p);
}

static void test_reader_toolong(void)
{
    size_t big = 5u << 20;
    char *data = malloc(big + 16);
    memset(data, 'x', big);
    memcpy(data + big, "\nok\n", 4);
    char *p = tmpfile_with(data, big + 4);
    gt_reader *r = gt_reader_open(p, 1000);
    const char *l; size_t n;
    CHECK(gt_reader_next(r, &l, &n) == GT_READ_TOOLONG && gt_reader_lineno(r) == 1, "reader: long line skipped");
    CHECK(gt_reader_next(r, &l, &n) == GT_READ_LINE && n == 2 && gt_reader_lineno(r) == 2, "reader: next line after long one");
    gt_reader_close(r);
    unlink(p);
    free(data);
}

static void test_reader_zstd(void)
{
    char src[20000];
    size_t n = 0;
    for (int i = 0; i < 1000; i++) n += (size_t)sprintf(src + n, "line %d\n", i);
    size_t cap = ZSTD_compressBound(n);
    char *z = malloc(cap);
    size_t zn = ZSTD_compress(z, cap, src, n, 3);
    char *p = tmpfile_with(z, zn);
    gt_reader *r = gt_reader_open(p, 0);
    const char *l; size_t len; int count = 0, ok = 1;
    int st;
    while ((st = gt_reader_next(r, &l, &len)) == GT_READ_LINE) {
        char want[32];
        int wn = sprintf(want, "line %d", count++);
        if ((size_t)wn != len || memcmp(want, l, len)) ok = 0;
    }
    CHECK(gt_reader_is_zstd(r) && st == GT_READ_EOF && count == 1000 && ok, "reader: zstd lines");
    gt_reader_close(r);
    unlink(p);
    /* truncated frame */
    p = tmpfile_with(z, zn - 5);
    r = gt_reader_open(p, 0);
    while ((st = gt_reader_next(r, &l, &len)) == GT_READ_LINE) {}
    CHECK(st == GT_READ_ERROR && gt_reader_error_code(r) == EX_DATAERR &&
          strstr(gt_reader_error(r), "truncated"), "reader: truncated zstd frame is an error");
    gt_reader_close(r);
    unlink(p);
    free(z);
}

static void test_record(void)
{
    gt_rec r;
    gt_rec_init(&r);
    char err[200];
    const char *line = "{\"id\":\"1\",\"t\":\"a\\\"b\\n\\u00e9\",\"c\":[\"x\",\"y\"],\"n\":null,\"k\":12.5}";
    CHECK(gt_rec_parse(&r, line, strlen(line), err, sizeof err) == 0, "record: parse");
    size_t n;
    CHECK_STR(gt_rec_str(&r, "t", &n), "a\"b\n\xc3\xa9", "record: string unescaped");
    int c = gt_rec_find(&r, "c");
    CHECK(c >= 0 && r.f[c].count == 2 && strcmp(gt_rec_item(&r, c, 1, NULL), "y") == 0, "record: array");
    CHECK(gt_rec_str(&r, "n", NULL) == NULL && gt_rec_find(&r, "n") >= 0, "record: null");
    gt_rec_set_str(&r, "t", gt_rec_str(&r, "id", NULL), 1);
    gt_rec_set_str(&r, "new", "v", 1);
    char *path = tmpfile_with("", 0);
    FILE *f = fopen(path, "w+");
    gt_out o;
    gt_out_init(&o, fileno(f), "t");
    gt_rec_write(&o, &r);
    gt_out_flush(&o);
    char buf[256] = {0};
    rewind(f);
    size_t got = fread(buf, 1, sizeof buf - 1, f);
    buf[got] = 0;
    CHECK_STR(buf, "{\"id\":\"1\",\"t\":\"1\",\"c\":[\"x\",\"y\"],\"n\":null,\"k\":12.5,\"new\":\"v\"}\n", "record: write");
    fclose(f);
    gt_out_free(&o);
    unlink(path);

    const char *bad[][2] = {
        {"{\"a\":", "invalid JSON"},
        {"[1,2]", "not a JSON object"},
        {"{\"a\":\"\xff\"}", "invalid UTF-8"},
        {"{\"a\":{\"b\":1}}", "unsupported value for key \"a\""},
        {"{\"a\":1,\"a\":2}", "duplicate key \"a\""},
        {"", "empty line"},
        {"\"str\"", "not a JSON object"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        int rc = gt_rec_parse(&r, bad[i][0], strlen(bad[i][0]), err, sizeof err);
        char name[64];
        snprintf(name, sizeof name, "record: rejects bad input %zu (%s)", i, bad[i][1]);
        CHECK(rc == -1 && strstr(err, bad[i][1]), name);
        if (!(rc == -1 && strstr(err, bad[i][1]))) printf("  got: %s\n", err);
    }
    gt_rec_free(&r);
}

/* The fast scanner and yajl must agree on every line: same verdict, same
 * record, same message. */
static void test_record_paths_agree(void)
{
    static const char *const lines[] = {
        "{\"a\":\"x\",\"b\":[\"p\",\"q\"],\"c\":null,\"d\":-12.5e+3,\"e\":true,\"f\":false,\"g\":[]}",
        " \t{ \"a\" : \"x\" , \"b\" : [ \"p\" , \"q\" ] } \r",
        "{}",
        "{\"e\":\"\\\"\\\\\\/\\b\\f\\n\\r\\t\\u00e9\\u4e2d\\ud83d\\ude00\"}",
        "{\"e\":\"\\ud83d\"}", "{\"e\":\"\\ude00\"}", "{\"e\":\"\\u0000\"}", "{\"e\":\"\\x\"}",
        "{\"u\":\"caf\xc3\xa9 \xe4\xb8\xad \xf0\x9f\x98\x80\"}", "{\"u\":\"\xc0\xaf\"}", "{\"u\":\"\xed\xa0\x80\"}",
        "{\"u\":\"\xf4\x90\x80\x80\"}", "{\"u\":\"\xe4\xb8\"}", "{\"c\":\"a\x01" "b\"}",
        "{\"n\":01}", "{\"n\":1.}", "{\"n\":-}", "{\"n\":1e}", "{\"n\":0.5E-7}", "{\"n\":nul}", "{\"n\":tru}",
        "{\"a\":1,}", "{\"a\":1 \"b\":2}", "{\"a\":[\"x\",]}", "{\"a\":[1]}", "{\"a\":{\"b\":1}}", "{\"a\":[[\"x\"]]}",
        "{\"a\":1,\"a\":2}", "{\"a\":1}x", "{\"a\":1}{\"b\":2}", "[\"a\"]", "\"s\"", "12", "", "   ", "{", "{\"a",
        "{\"a\":\"b", "{\"a\":\"b\\", "{\"a\":\"b\\u12\"}", "\f{\"a\":1}", "{\"a\":1}\v",
        "{\"z\":[1,2],\"a\":\"x\"}", "{\"z\":[\"p\",[\"q\"]],\"a\":\"x\"}", "{\"z\":{\"y\":1},\"a\":\"x\"}",
        "{\"z\":\"\xff\",\"a\":\"x\"}", "{\"z\":1,\"z\":2,\"a\":\"x\"}", "{\"z\":[\"p\",\"q\"],\"a\":\"x\",\"y\":-0.5}",
    };
    int ok = 1;
    gt_rec a, b;
    gt_rec_init(&a);
    gt_rec_init(&b);
    for (size_t i = 0; i < sizeof lines / sizeof lines[0]; i++) {
        char e1[200] = "", e2[200] = "";
        size_t n = strlen(lines[i]);
        int r1 = gt_rec_parse(&a, lines[i], n, e1, sizeof e1);
        int r2 = gt_rec_parse_yajl(&b, lines[i], n, e2, sizeof e2);
        int same = r1 == r2 && (r1 != 0 || strcmp(e1, e2) == 0);
        if (same && r1 == 0) {
            same = a.nf == b.nf;
            for (int k = 0; same && k < a.nf; k++) {
                same = a.f[k].kind == b.f[k].kind && strcmp(gt_rec_at(&a, a.f[k].key), gt_rec_at(&b, b.f[k].key)) == 0;
                if (same && (a.f[k].kind == GT_V_STR || a.f[k].kind == GT_V_RAW))
                    same = a.f[k].val.len == b.f[k].val.len &&
                           memcmp(gt_rec_at(&a, a.f[k].val), gt_rec_at(&b, b.f[k].val), a.f[k].val.len) == 0;
                if (same && a.f[k].kind == GT_V_ARR) {
                    same = a.f[k].count == b.f[k].count;
                    for (int j = 0; same && j < a.f[k].count; j++) {
                        size_t la, lb;
                        const char *sa = gt_rec_item(&a, k, j, &la), *sb = gt_rec_item(&b, k, j, &lb);
                        same = la == lb && memcmp(sa, sb, la) == 0;
                    }
                }
            }
        } else if (same) {
            same = strcmp(e1, e2) == 0;
        }
        /* keeping only some values must not change the verdict or those values */
        static const char *const keys[] = { "a", "b" };
        char e3[200] = "";
        int r3 = gt_rec_parse_keys(&a, lines[i], n, keys, 2, e3, sizeof e3);
        if (r3 != r2 || (r3 != 0 && strcmp(e3, e2) != 0)) same = 0;
        for (int k = 0; same && r3 == 0 && k < 2; k++) {
            size_t la = 0, lb = 0;
            const char *sa = gt_rec_str(&a, keys[k], &la), *sb = gt_rec_str(&b, keys[k], &lb);
            same = (sa == NULL) == (sb == NULL) && (!sa || (la == lb && memcmp(sa, sb, la) == 0));
        }
        if (!same) { printf("  differs on line %zu: %d/%d/%d %s | %s\n", i, r1, r2, r3, e1, e2); ok = 0; }
    }
    CHECK(ok, "record: fast scanner and yajl agree on tricky lines");
    gt_rec_free(&a);
    gt_rec_free(&b);
}

/* gt_out_json_str (vectorised) against a plain byte-by-byte escaper. */
static void test_json_escape(void)
{
    char src[4096];
    size_t n = 0;
    for (int rep = 0; rep < 4; rep++)
        for (int c = 1; c < 256; c++) {
            src[n++] = (char)c;
            if (c % 7 == 0) for (int k = 0; k < 20; k++) src[n++] = 'a' + (char)(k % 26);
        }
    char *want = malloc(n * 6 + 3), *p = want;
    *p++ = '"';
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)src[i];
        if (c == '"') { *p++ = '\\'; *p++ = '"'; }
        else if (c == '\\') { *p++ = '\\'; *p++ = '\\'; }
        else if (c == '\n') { *p++ = '\\'; *p++ = 'n'; }
        else if (c == '\t') { *p++ = '\\'; *p++ = 't'; }
        else if (c == '\r') { *p++ = '\\'; *p++ = 'r'; }
        else if (c == '\b') { *p++ = '\\'; *p++ = 'b'; }
        else if (c == '\f') { *p++ = '\\'; *p++ = 'f'; }
        else if (c < 0x20 || c == 0x7f) p += sprintf(p, "\\u%04x", c);
        else *p++ = (char)c;
    }
    *p++ = '"';
    size_t wn = (size_t)(p - want);
    int ok = 1;
    for (size_t off = 0; off < 40 && ok; off++) {       /* every alignment and tail length */
        char *path = tmpfile_with("", 0);
        FILE *f = fopen(path, "w+");
        gt_out o;
        gt_out_init(&o, fileno(f), "t");
        gt_out_json_str(&o, src + off, n - off);
        gt_out_flush(&o);
        rewind(f);
        char *got = malloc(wn + 16);
        size_t gn = fread(got, 1, wn + 16, f);
        /* expected: the escape of src[off..] */
        char *w2 = malloc(n * 6 + 3), *q = w2;
        *q++ = '"';
        for (size_t i = off; i < n; i++) {
            unsigned char c = (unsigned char)src[i];
            if (c == '"' || c == '\\') { *q++ = '\\'; *q++ = (char)c; }
            else if (c == '\n') { *q++ = '\\'; *q++ = 'n'; }
            else if (c == '\t') { *q++ = '\\'; *q++ = 't'; }
            else if (c == '\r') { *q++ = '\\'; *q++ = 'r'; }
            else if (c == '\b') { *q++ = '\\'; *q++ = 'b'; }
            else if (c == '\f') { *q++ = '\\'; *q++ = 'f'; }
            else if (c < 0x20 || c == 0x7f) q += sprintf(q, "\\u%04x", c);
            else *q++ = (char)c;
        }
        *q++ = '"';
        ok = gn == (size_t)(q - w2) && memcmp(got, w2, gn) == 0;
        if (off == 0) ok = ok && gn == wn && memcmp(got, want, wn) == 0;
        free(got); free(w2);
        fclose(f);
        gt_out_free(&o);
        unlink(path);
    }
    CHECK(ok, "output: JSON escaping of every byte at every alignment");
    free(want);
}

static void test_misc(void)
{
    CHECK(gt_is_date("2018-01-31", 10) && !gt_is_date("2018-13-01", 10) && !gt_is_date("2018-1-01", 9),
          "util: dates");
    CHECK(gt_hash64("abc", 3, 1) == gt_hash64("abc", 3, 1) && gt_hash64("abc", 3, 1) != gt_hash64("abc", 3, 2)
          && gt_hash64("abcdefghij", 10, 0) != gt_hash64("abcdefghik", 10, 0), "util: hash");
}

int main(void)
{
    test_reader_plain();
    test_reader_toolong();
    test_reader_zstd();
    test_record();
    test_record_paths_agree();
    test_json_escape();
    test_misc();
    T_END();
}
