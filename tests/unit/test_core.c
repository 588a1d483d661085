/* test_core.c - reader, record parser/writer, JSON escaping, hash, dates; the
 * one homes of the basic helpers: gt_buf, the generators of core/rand.h, the
 * UTF-8 rule of core/utf8.h, gt_read_file, the JSON getters of io/json.h. */
#include "t.h"
#include "core/buf.h"
#include "core/rand.h"
#include "core/utf8.h"
#include "io/file.h"
#include "io/input.h"
#include "io/json.h"
#include "io/output.h"
#include "io/record.h"
#include "io/tmp.h"
#include "core/util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
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

/* A UTF-8 byte order mark opens the first line of some files (Windows
 * editors): it is skipped there, plain or zstd, and kept anywhere else. */
static void test_reader_bom(void)
{
    const char *txt = "\xEF\xBB\xBF{\"a\":1}\r\n\xEF\xBB\xBFx\n";
    size_t tn = strlen(txt);
    char *p = tmpfile_with(txt, tn);
    gt_reader *r = gt_reader_open(p, 100);
    const char *l; size_t n;
    CHECK(gt_reader_next(r, &l, &n) == GT_READ_LINE && n == 7 && memcmp(l, "{\"a\":1}", 7) == 0,
          "reader: byte order mark skipped at the start");
    CHECK(gt_reader_next(r, &l, &n) == GT_READ_LINE && n == 4 && memcmp(l, "\xEF\xBB\xBFx", 4) == 0,
          "reader: byte order mark kept after the first line");
    gt_reader_close(r);
    unlink(p);
    size_t cap = ZSTD_compressBound(tn);
    char *z = malloc(cap);
    size_t zn = ZSTD_compress(z, cap, txt, tn, 3);
    p = tmpfile_with(z, zn);
    r = gt_reader_open(p, 100);
    CHECK(gt_reader_next(r, &l, &n) == GT_READ_LINE && n == 7 && l[0] == '{', "reader: byte order mark skipped (zstd)");
    gt_reader_close(r);
    unlink(p);
    free(z);
    p = tmpfile_with("\xEF\xBB\xBF", 3);      /* a file of just the mark: no line worth reading */
    r = gt_reader_open(p, 100);
    CHECK(gt_reader_next(r, &l, &n) == GT_READ_LINE && n == 0, "reader: a lone byte order mark is an empty line");
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

    {   /* a memory output grows where a file's would be written out */
        gt_out m;
        gt_out_init_mem(&m);
        char *big = malloc(300000), *want = malloc(400000);
        memset(big, 'x', 300000);
        size_t w = 0;
        for (int i = 0; i < 10000; i++) { gt_out_putc(&m, (char)('a' + i % 26)); want[w++] = (char)('a' + i % 26); }
        gt_out_json_str(&m, "q\"\n", 3);
        memcpy(want + w, "\"q\\\"\\n\"", 7); w += 7;
        gt_out_write(&m, big, 300000);
        memcpy(want + w, big, 300000); w += 300000;
        gt_out_printf(&m, "%d-%s", 42, "end");
        memcpy(want + w, "42-end", 6); w += 6;
        CHECK(m.fd == -1 && m.len == w && memcmp(m.buf, want, w) == 0, "output: in memory, grown, nothing lost");
        free(big);
        free(want);
        gt_out_free(&m);
    }

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
    /* gt_rec_keep_json: nested values, on either path, written back as they came */
    gt_rec_keep_json(&r);
    const char *nested[] = {
        "{\"id\":\"1\",\"versions\":[{\"version\":\"v1\",\"created\":\"Mon\"}],\"ap\":[[\"B\",\"C\",\"\"]],"
        "\"o\":{\"k\":[1, {\"x\":null}]},\"abstract\":\"AA\"}",
        "{\"id\":\"1\",\"versions\":[{\"version\":\"v1\",\"created\":\"Mon\"}],\"ap\":[[\"B\",\"C\",\"\"]],"
        "\"o\":{\"k\":[1, {\"x\":null}]},\"abstract\":\"A\\u0041\"}",      /* read by yajl below */
    };
    for (int k = 0; k < 2; k++) {
        int rc = k == 0 ? gt_rec_parse(&r, nested[k], strlen(nested[k]), err, sizeof err)
                        : gt_rec_parse_yajl(&r, nested[k], strlen(nested[k]), err, sizeof err);
        CHECK(rc == 0, "record: nested values accepted");
        int vi = gt_rec_find(&r, "versions");
        CHECK(vi >= 0 && r.f[vi].kind == GT_V_JSON && gt_rec_str(&r, "abstract", NULL), "record: nested value kept");
        path = tmpfile_with("", 0);
        f = fopen(path, "w+");
        gt_out_init(&o, fileno(f), "t");
        gt_rec_write(&o, &r);
        gt_out_flush(&o);
        rewind(f);
        got = fread(buf, 1, sizeof buf - 1, f);
        buf[got] = 0;
        CHECK_STR(buf, "{\"id\":\"1\",\"versions\":[{\"version\":\"v1\",\"created\":\"Mon\"}],\"ap\":[[\"B\",\"C\",\"\"]],"
                       "\"o\":{\"k\":[1, {\"x\":null}]},\"abstract\":\"AA\"}\n",
                  "record: nested values written back unchanged");
        fclose(f);
        gt_out_free(&o);
        unlink(path);
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
        "\r{}", "\r{\"a\":\"x\"}", " \r\n\t{\"a\":1}", "\r", "\r[1]", "\r12",
        /* nested values: refused, or kept as their text with gt_rec_keep_json */
        "{\"v\":[{\"version\":\"v1\",\"n\":[1,2.5e3,null]},{\"b\":{}}],\"a\":\"x\",\"p\":[[\"B\",\"C\",\"\"]]}",
        "{\"a\":[\"s\",1],\"b\":[\"t\"]}", "{\"a\":[\"s\",{\"k\":\"v\"}],\"z\":1}", "{\"a\":[\"s\",[\"t\"]]}",
        "{\"a\" : { \"b\" : [ 1 , true ] } , \"c\":\"d\" }", "{\"a\":[[],{}],\"b\":{\"x\":1,\"x\":2}}",
        "{\"a\":{\"b\":}}", "{\"a\":{\"b\":\"\xff\"}}", "{\"a\":[1,]}", "{\"o\":{\"k\":1},\"o\":2}",
        "{\"a\":[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]],\"b\":\"x\"}",
        "{\"z\":[1,2],\"a\":\"x\"}", "{\"z\":[\"p\",[\"q\"]],\"a\":\"x\"}", "{\"z\":{\"y\":1},\"a\":\"x\"}",
        "{\"z\":\"\xff\",\"a\":\"x\"}", "{\"z\":1,\"z\":2,\"a\":\"x\"}", "{\"z\":[\"p\",\"q\"],\"a\":\"x\",\"y\":-0.5}",
    };
    int ok = 1, kept = 0;
    gt_rec a, b;
    gt_rec_init(&a);
    gt_rec_init(&b);
    for (size_t li = 0; li < 2 * (sizeof lines / sizeof lines[0]); li++) {
        size_t i = li % (sizeof lines / sizeof lines[0]);
        if (i == 0 && li) { gt_rec_keep_json(&a); gt_rec_keep_json(&b); }   /* the second round */
        char e1[200] = "", e2[200] = "";
        size_t n = strlen(lines[i]);
        int r1 = gt_rec_parse(&a, lines[i], n, e1, sizeof e1);
        int r2 = gt_rec_parse_yajl(&b, lines[i], n, e2, sizeof e2);
        int same = r1 == r2 && (r1 != 0 || strcmp(e1, e2) == 0);
        if (same && r1 == 0) {
            same = a.nf == b.nf;
            for (int k = 0; same && k < a.nf; k++) {
                same = a.f[k].kind == b.f[k].kind && strcmp(gt_rec_at(&a, a.f[k].key), gt_rec_at(&b, b.f[k].key)) == 0;
                kept += a.f[k].kind == GT_V_JSON;
                if (same && (a.f[k].kind == GT_V_STR || a.f[k].kind == GT_V_RAW || a.f[k].kind == GT_V_JSON))
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
    CHECK(kept >= 10, "record: nested values kept as JSON (gt_rec_keep_json)");
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

/* ---- core/buf.h ---- */

static void test_buf(void)
{
    gt_buf b = { 0 };
    gt_buf_add(&b, NULL, 0);
    CHECK(b.p == NULL && b.n == 0 && b.cap == 0, "buf: adding 0 bytes from NULL to an empty buffer does nothing");
    gt_buf_nul(&b);
    CHECK(b.p && b.n == 0 && b.p[0] == 0, "buf: nul on an empty buffer gives an empty C string");
    int ok = 1;
    for (int i = 0; i < 10000; i++) {
        char c = (char)('a' + i % 26);
        if (i % 3 == 0) gt_buf_putc(&b, c);
        else gt_buf_add(&b, &c, 1);
        gt_buf_add(&b, NULL, 0);
        if (b.n != (size_t)i + 1 || b.cap < b.n) ok = 0;
    }
    for (int i = 0; i < 10000; i++)
        if (b.p[i] != (char)('a' + i % 26)) ok = 0;
    CHECK(ok, "buf: grows past several doublings and keeps every byte");
    CHECK(b.cap == 16384, "buf: capacity doubles from 4096");
    size_t cap = b.cap;
    gt_buf_nul(&b);
    CHECK(b.n == 10000 && b.p[10000] == 0 && b.cap == cap, "buf: nul after the bytes, not counted, no growth when room");
    b.n = cap;
    gt_buf_nul(&b);
    CHECK(b.cap == 2 * cap && b.p[cap] == 0 && b.n == cap, "buf: nul on a full buffer grows it");
    b.n = 0;
    gt_buf_adds(&b, "hello");
    gt_buf_adds(&b, "");
    gt_buf_add(&b, " world!", 6);
    gt_buf_nul(&b);
    CHECK_STR(b.p, "hello world", "buf: adds and add append");
    gt_buf_reserve(&b, 100000);
    CHECK(b.cap >= b.n + 100000 && b.n == 11 && strcmp(b.p, "hello world") == 0, "buf: reserve keeps the bytes");
    gt_buf_free(&b);
    CHECK(b.p == NULL && b.n == 0 && b.cap == 0, "buf: free resets");
    gt_buf big = { 0 };
    static char blob[20000];
    for (size_t i = 0; i < sizeof blob; i++) blob[i] = (char)i;
    gt_buf_add(&big, blob, sizeof blob);
    CHECK(big.n == sizeof blob && big.cap == 32768 && memcmp(big.p, blob, sizeof blob) == 0,
          "buf: one large add grows to the next doubling");
    gt_buf_free(&big);
}

/* ---- core/rand.h ---- */

static void test_rand(void)
{
    /* splitmix64 from state 0 (Vigna's splitmix64.c), computed independently */
    static const uint64_t sm0[5] = { 0xe220a8397b1dcdafULL, 0x6e789e6aa1b965f4ULL, 0x06c45d188009454fULL,
                                     0xf88bb8a8724c81ecULL, 0x1b39896a51a8749bULL };
    uint64_t s = 0;
    int ok = 1;
    for (int i = 0; i < 5; i++) ok &= gt_splitmix64(&s) == sm0[i];
    CHECK(ok, "rand: splitmix64 from 0 gives the reference outputs");
    CHECK(s == 5 * GT_GOLDEN64, "rand: splitmix64 advances its state by the golden gamma");
    CHECK(gt_mix64(GT_GOLDEN64) == sm0[0], "rand: mix64 is splitmix64's output function");
    CHECK(gt_unit53(sm0[0]) == 0.8833108082136426, "rand: unit53 of the first output");
    CHECK(gt_unit53(0) == 0.0 && gt_unit53(~0ULL) < 1.0 && gt_unit53(~0ULL) > 0.9999999999999998,
          "rand: unit53 in [0, 1)");
    /* xoshiro256** from the state {1, 2, 3, 4} (Vigna's xoshiro256starstar.c) */
    gt_xoshiro r = { { 1, 2, 3, 4 } };
    static const uint64_t x1234[4] = { 11520, 0, 1509978240, 1215971899390074240ULL };
    ok = 1;
    for (int i = 0; i < 4; i++) ok &= gt_xoshiro_next(&r) == x1234[i];
    CHECK(ok, "rand: xoshiro256** from {1,2,3,4} gives the reference outputs");
    /* seeded through splitmix64: state = its first four outputs */
    gt_xoshiro_seed(&r, 0);
    ok = 1;
    for (int i = 0; i < 4; i++) ok &= r.s[i] == sm0[i];
    static const uint64_t x0[4] = { 0x99ec5f36cb75f2b4ULL, 0xbf6e1f784956452aULL, 0x1a5f849d4933e6e0ULL,
                                    0x6aa594f1262d2d2cULL };
    for (int i = 0; i < 4; i++) ok &= gt_xoshiro_next(&r) == x0[i];
    CHECK(ok, "rand: xoshiro256** seeded with 0 through splitmix64");
}

/* ---- core/utf8.h ---- */

/* The well-formed sequences as Unicode's table 3-7 lists them: the length of
 * the one at S (N bytes), 0 if none; written independently of gt_utf8_len. */
static int ref_utf8_len(const unsigned char *s, size_t n)
{
    static const struct { unsigned char lo0, hi0, lo1, hi1; int len; } row[] = {
        { 0x00, 0x7f, 0, 0, 1 },       { 0xc2, 0xdf, 0x80, 0xbf, 2 }, { 0xe0, 0xe0, 0xa0, 0xbf, 3 },
        { 0xe1, 0xec, 0x80, 0xbf, 3 }, { 0xed, 0xed, 0x80, 0x9f, 3 }, { 0xee, 0xef, 0x80, 0xbf, 3 },
        { 0xf0, 0xf0, 0x90, 0xbf, 4 }, { 0xf1, 0xf3, 0x80, 0xbf, 4 }, { 0xf4, 0xf4, 0x80, 0x8f, 4 },
    };
    for (size_t r = 0; r < sizeof row / sizeof row[0]; r++) {
        if (s[0] < row[r].lo0 || s[0] > row[r].hi0) continue;
        int l = row[r].len;
        if (n < (size_t)l) return 0;
        if (l > 1 && (s[1] < row[r].lo1 || s[1] > row[r].hi1)) return 0;
        for (int k = 2; k < l; k++)
            if (s[k] < 0x80 || s[k] > 0xbf) return 0;
        return l;
    }
    return 0;
}

static int len_of(const char *s) { return gt_utf8_len((const unsigned char *)s, strlen(s)); }

static void test_utf8(void)
{
    /* the edges of each length */
    CHECK(gt_utf8_len((const unsigned char *)"\0", 1) == 1 && len_of("\x7f") == 1, "utf8: U+0000 and U+007F");
    CHECK(len_of("\xc2\x80") == 2 && len_of("\xdf\xbf") == 2, "utf8: U+0080 and U+07FF");
    CHECK(len_of("\xe0\xa0\x80") == 3 && len_of("\xef\xbf\xbf") == 3, "utf8: U+0800 and U+FFFF");
    CHECK(len_of("\xed\x9f\xbf") == 3 && len_of("\xee\x80\x80") == 3, "utf8: U+D7FF and U+E000 around the surrogates");
    CHECK(len_of("\xf0\x90\x80\x80") == 4 && len_of("\xf4\x8f\xbf\xbf") == 4, "utf8: U+10000 and U+10FFFF");
    /* overlong forms */
    CHECK(!len_of("\xc0\x80") && !len_of("\xc1\xbf"), "utf8: 2-byte overlongs (C0, C1) refused");
    CHECK(!len_of("\xe0\x80\x80") && !len_of("\xe0\x9f\xbf"), "utf8: 3-byte overlongs refused");
    CHECK(!len_of("\xf0\x80\x80\x80") && !len_of("\xf0\x8f\xbf\xbf"), "utf8: 4-byte overlongs refused");
    /* surrogates, past U+10FFFF, stray bytes */
    CHECK(!len_of("\xed\xa0\x80") && !len_of("\xed\xbf\xbf"), "utf8: surrogates D800 and DFFF refused");
    CHECK(!len_of("\xf4\x90\x80\x80") && !len_of("\xf5\x80\x80\x80") && !len_of("\xf7\xbf\xbf\xbf"),
          "utf8: code points past U+10FFFF refused");
    CHECK(!len_of("\xf8\x88\x80\x80\x80") && !len_of("\xfc\x84\x80\x80\x80\x80") && !len_of("\xfe") && !len_of("\xff"),
          "utf8: 5- and 6-byte forms, FE and FF refused");
    CHECK(!len_of("\x80") && !len_of("\xbf"), "utf8: a lone continuation byte refused");
    /* truncation: the bytes would be good, but fewer are available */
    CHECK(!gt_utf8_len((const unsigned char *)"\xc3\xa9", 1) && !gt_utf8_len((const unsigned char *)"\xe2\x82\xac", 2) &&
          !gt_utf8_len((const unsigned char *)"\xf0\x9f\x98\x80", 3), "utf8: truncated sequences refused");
    CHECK(!len_of("\xc3\x41") && !len_of("\xe2\x82\x41") && !len_of("\xf0\x9f\x98\x41") && !len_of("\xe2\xc2\xa9"),
          "utf8: a missing continuation byte refused");

    /* against table 3-7: every 1- to 3-byte sequence, and every 4-byte one
     * whose last two bytes are one of the kinds of byte, at every length */
    static const unsigned char kinds[] = { 0x00, 0x41, 0x7f, 0x80, 0x8f, 0x90, 0x9f, 0xa0, 0xbf, 0xc0, 0xc2, 0xf4, 0xff };
    int ok = 1;
    unsigned char q[4];
    for (unsigned x = 0; x < 1u << 24 && ok; x++) {
        q[0] = (unsigned char)(x >> 16); q[1] = (unsigned char)(x >> 8); q[2] = (unsigned char)x; q[3] = 0x80;
        for (size_t n = 1; n <= 4; n++) ok &= gt_utf8_len(q, n) == ref_utf8_len(q, n);
    }
    for (unsigned x = 0; x < 1u << 16 && ok; x++)
        for (size_t i = 0; i < sizeof kinds; i++)
            for (size_t j = 0; j < sizeof kinds; j++) {
                q[0] = (unsigned char)(x >> 8); q[1] = (unsigned char)x; q[2] = kinds[i]; q[3] = kinds[j];
                for (size_t n = 1; n <= 4; n++) ok &= gt_utf8_len(q, n) == ref_utf8_len(q, n);
            }
    CHECK(ok, "utf8: gt_utf8_len agrees with Unicode's table 3-7");

    /* encode and decode every code point */
    ok = 1;
    int lens_ok = 1;
    for (uint32_t cp = 0; cp < 0x110000; cp++) {
        char o[4];
        int l = gt_utf8_encode(cp, o), l2;
        const unsigned char *u = (const unsigned char *)o;
        lens_ok &= l == (cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4);
        int surrogate = cp >= 0xd800 && cp <= 0xdfff;
        if (surrogate) { ok &= gt_utf8_len(u, (size_t)l) == 0; continue; }
        ok &= gt_utf8_len(u, (size_t)l) == l && gt_utf8_cp(u, l) == cp && gt_utf8_decode(u, &l2) == cp && l2 == l;
        ok &= gt_utf8_valid(u, (size_t)l, 0) && (gt_utf8_valid(u, (size_t)l, 1) == (cp != 0));
        if (l > 1) ok &= gt_utf8_len(u, (size_t)l - 1) == 0 && !gt_utf8_valid(u, (size_t)l - 1, 0);
    }
    CHECK(lens_ok, "utf8: encode uses the shortest form");
    CHECK(ok, "utf8: encode, len, cp, decode and valid agree on every code point; surrogates encode to refused bytes");

    const char *mixed = "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80";
    CHECK(gt_utf8_valid((const unsigned char *)mixed, strlen(mixed), 1), "utf8: valid text");
    CHECK(gt_utf8_valid((const unsigned char *)"", 0, 1), "utf8: empty text is valid");
    CHECK(gt_utf8_valid((const unsigned char *)"a\0b", 3, 0) && !gt_utf8_valid((const unsigned char *)"a\0b", 3, 1),
          "utf8: NUL is valid unless refused");
    CHECK(!gt_utf8_valid((const unsigned char *)"ab\xc3", 3, 0) && !gt_utf8_valid((const unsigned char *)"\xed\xa0\x80", 3, 0),
          "utf8: a truncated end or a surrogate makes text invalid");
}

/* ---- io/file.h ---- */

static void test_read_file(void)
{
    char err[128];
    size_t n = 99;
    errno = 0;
    char *p = gt_read_file("/nonexistent/gt-test", 0, &n, err, sizeof err);
    CHECK(!p && errno == ENOENT && n == 99, "read_file: missing file (errno ENOENT)");
    CHECK_STR(err, "cannot open: No such file or directory", "read_file: missing file's reason");
    CHECK(gt_file_status("/nonexistent/gt-test") == EX_NOINPUT, "file_status: missing file is 66");
    p = gt_read_file("/tmp", 0, &n, err, sizeof err);
    CHECK(!p && errno == EISDIR, "read_file: a directory (errno EISDIR)");
    CHECK_STR(err, "is a directory", "read_file: a directory's reason");
    CHECK(gt_file_status("/tmp") == EX_DATAERR, "file_status: an openable path is 65");

    char *path = tmpfile_with("", 0);
    p = gt_read_file(path, 0, &n, err, sizeof err);
    CHECK(p && n == 0 && p[0] == 0, "read_file: empty file gives an empty string");
    free(p);
    unlink(path);

    static const char ten[] = "0123\0" "56789";
    path = tmpfile_with(ten, 10);
    p = gt_read_file(path, 10, &n, err, sizeof err);
    CHECK(p && n == 10 && memcmp(p, ten, 10) == 0 && p[10] == 0, "read_file: at the limit, NUL bytes kept, NUL after");
    free(p);
    p = gt_read_file(path, 0, NULL, err, sizeof err);
    CHECK(p && memcmp(p, ten, 10) == 0, "read_file: no limit, no length asked");
    free(p);
    errno = 0;
    p = gt_read_file(path, 9, &n, err, sizeof err);
    CHECK(!p && errno == EFBIG, "read_file: one byte over the limit (errno EFBIG)");
    CHECK_STR(err, "larger than 9 bytes", "read_file: over the limit's reason");
    unlink(path);

    /* a pipe: no size to start from, so the buffer grows as it reads */
    int fd[2];
    if (pipe(fd) != 0) abort();
    static char data[50000];
    for (size_t i = 0; i < sizeof data; i++) data[i] = (char)('a' + i % 23);
    if (write(fd[1], data, sizeof data) != (ssize_t)sizeof data) abort();
    close(fd[1]);
    char dev[64];
    snprintf(dev, sizeof dev, "/dev/fd/%d", fd[0]);
    p = gt_read_file(dev, 0, &n, err, sizeof err);
    CHECK(p && n == sizeof data && memcmp(p, data, n) == 0 && p[n] == 0, "read_file: a pipe read whole");
    free(p);
    close(fd[0]);
    if (pipe(fd) != 0) abort();
    if (write(fd[1], data, 10000) != 10000) abort();
    close(fd[1]);
    snprintf(dev, sizeof dev, "/dev/fd/%d", fd[0]);
    errno = 0;
    p = gt_read_file(dev, 5000, &n, err, sizeof err);
    CHECK(!p && errno == EFBIG, "read_file: a pipe over the limit");
    close(fd[0]);
}

/* ---- io/json.h ---- */

static void test_json(void)
{
    char err[256];
    yajl_val v = gt_json_parse("{\"s\":\"x\",\"i\":7,\"d\":2.0,\"h\":2.5,\"big\":1e16,\"neg\":-3.0,\"t\":true,"
                               "\"f\":false,\"n\":null,\"a\":[1],\"o\":{\"k\":\"v\"}}", err, sizeof err);
    CHECK(v != NULL, "json: parse");
    CHECK_STR(gt_json_str(v, "s"), "x", "json: str");
    CHECK(!gt_json_str(v, "i") && !gt_json_str(v, "nope") && !gt_json_str(NULL, "s"), "json: str of a non-string, absent, NULL");
    CHECK(gt_json_get(v, "o") && gt_json_str(gt_json_get(v, "o"), "k") && !gt_json_get(gt_json_get(v, "a"), "k") &&
          !gt_json_get(gt_json_get(v, "s"), "k") && !gt_json_get(NULL, "k"), "json: get only looks into objects");
    CHECK(gt_json_null(NULL) && gt_json_null(gt_json_get(v, "n")) && gt_json_null(gt_json_get(v, "nope")) &&
          !gt_json_null(gt_json_get(v, "f")) && !gt_json_null(gt_json_get(v, "s")), "json: null is absent or null");
    CHECK(gt_json_bool(gt_json_get(v, "t"), 0) == 1 && gt_json_bool(gt_json_get(v, "f"), 1) == 0 &&
          gt_json_bool(gt_json_get(v, "n"), 1) == 1 && gt_json_bool(gt_json_get(v, "nope"), 0) == 0 &&
          gt_json_bool(gt_json_get(v, "i"), 0) == -1 && gt_json_bool(gt_json_get(v, "s"), 1) == -1,
          "json: bool (true, false, default when absent or null, -1 otherwise)");
    long long x = 0;
    CHECK(gt_json_as_int(gt_json_get(v, "i"), &x) == 0 && x == 7, "json: as_int of an integer");
    CHECK(gt_json_as_int(gt_json_get(v, "d"), &x) == 0 && x == 2, "json: as_int of an integral double");
    CHECK(gt_json_as_int(gt_json_get(v, "neg"), &x) == 0 && x == -3, "json: as_int of a negative integral double");
    x = 42;
    CHECK(gt_json_as_int(gt_json_get(v, "h"), &x) == -1 && gt_json_as_int(gt_json_get(v, "big"), &x) == -1 &&
          gt_json_as_int(gt_json_get(v, "s"), &x) == -1 && gt_json_as_int(NULL, &x) == -1 && x == 42,
          "json: as_int refuses fractions, 1e16, strings, absent");
    yajl_tree_free(v);
    v = gt_json_parse("{\"k\":1,\"o\":{\"x\":\"a\",\"x\":\"b\"},\"k\":2}", err, sizeof err);
    CHECK(v && gt_json_as_int(gt_json_get(v, "k"), &x) == 0 && x == 2 && gt_json_str(gt_json_get(v, "o"), "x") &&
          strcmp(gt_json_str(gt_json_get(v, "o"), "x"), "b") == 0,
          "json: a key given twice: its last value, as Python's json");
    yajl_tree_free(v);
    v = gt_json_parse("{\"a\":", err, sizeof err);
    CHECK(!v && strncmp(err, "parse error", 11) == 0 && err[strlen(err) - 1] != '\n', "json: parse error, trimmed");

    errno = 0;
    v = gt_json_load("/nonexistent/gt.json", 0, err, sizeof err);
    CHECK(!v && errno == ENOENT && strcmp(err, "cannot open: No such file or directory") == 0, "json: load a missing file");
    char *path = tmpfile_with("[1, 2,", 6);
    errno = EINVAL;
    v = gt_json_load(path, 0, err, sizeof err);
    CHECK(!v && errno == 0 && strstr(err, "error"), "json: load invalid JSON (errno 0)");
    unlink(path);
    path = tmpfile_with("{\"k\": [true]}", 13);
    v = gt_json_load(path, 13, err, sizeof err);
    CHECK(v && YAJL_IS_ARRAY(gt_json_get(v, "k")), "json: load at the limit");
    yajl_tree_free(v);
    v = gt_json_load(path, 12, err, sizeof err);
    CHECK(!v && errno == EFBIG && strcmp(err, "larger than 12 bytes") == 0, "json: load over the limit");
    unlink(path);
}

static int exists(const char *dir, const char *name)
{
    char p[512];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    struct stat st;
    return lstat(p, &st) == 0;
}

static void touch_in(const char *dir, const char *name)
{
    char p[512];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    close(open(p, O_WRONLY | O_CREAT, 0644));
}

/* io/tmp.h: a held temporary survives a sweep, an unheld one of the exact
 * pattern does not; other names, a FIFO and a symbolic link are left. */
static void test_tmp(void)
{
    char dir[] = "/tmp/gt-test-tmp.XXXXXX";
    CHECK(mkdtemp(dir) != NULL, "tmp: a test folder");
    char t[512], t2[512], fifo[512], link[512];
    snprintf(t, sizeof t, "%s/f.tmp.XXXXXX", dir);
    int fd = gt_tmp_file(t);
    CHECK(fd >= 0 && strlen(t) == strlen(dir) + 13, "tmp: file made from its template");
    snprintf(t2, sizeof t2, "%s/f.tmp.XXXXXX", dir);
    touch_in(dir, "f.tmp.Stale1");       /* a killed run's: nobody holds it */
    touch_in(dir, "f.tmp.abc");
    touch_in(dir, "f.tmp.abcdefg");
    touch_in(dir, "f.tmp.ab-def");
    touch_in(dir, "g.tmp.abcdef");
    snprintf(fifo, sizeof fifo, "%s/f.tmp.FIFO00", dir);
    mkfifo(fifo, 0644);
    snprintf(link, sizeof link, "%s/f.tmp.LINK00", dir);
    CHECK(symlink(t, link) == 0, "tmp: a link to the held file");
    CHECK(gt_tmp_sweep(t2) == 1, "tmp: sweep removes the one stale file");
    CHECK(!exists(dir, "f.tmp.Stale1") && exists(dir, strrchr(t, '/') + 1), "tmp: the held one stays");
    CHECK(exists(dir, "f.tmp.abc") && exists(dir, "f.tmp.abcdefg") && exists(dir, "f.tmp.ab-def") &&
              exists(dir, "g.tmp.abcdef") && exists(dir, "f.tmp.FIFO00") && exists(dir, "f.tmp.LINK00"),
          "tmp: other names, a FIFO and a link stay");
    char d[512];
    snprintf(d, sizeof d, "%s/d.tmp.XXXXXX", dir);
    int dfd = gt_tmp_dir(d);
    touch_in(d, "x");
    char d2[512];
    snprintf(d2, sizeof d2, "%s/d.tmp.XXXXXX", dir);
    CHECK(dfd >= 0 && gt_tmp_sweep(d2) == 0, "tmp: a held folder stays");
    close(dfd);
    close(fd);
    CHECK(gt_tmp_sweep(d2) == 1 && !exists(dir, strrchr(d, '/') + 1), "tmp: released, the folder and its file go");
    CHECK(gt_tmp_sweep(t2) == 1 && !exists(dir, strrchr(t, '/') + 1), "tmp: released, the file goes");
    const char *rest[] = { "f.tmp.abc", "f.tmp.abcdefg", "f.tmp.ab-def", "g.tmp.abcdef", "f.tmp.FIFO00", "f.tmp.LINK00" };
    for (int i = 0; i < 6; i++) {
        char p[512];
        snprintf(p, sizeof p, "%s/%s", dir, rest[i]);
        unlink(p);
    }
    CHECK(rmdir(dir) == 0, "tmp: nothing else left");
}

/* io/file.h: gt_open_regular refuses a FIFO at once (open would wait for a writer). */
static void test_open_regular(void)
{
    char dir[] = "/tmp/gt-test-fifo.XXXXXX", p[512], err[200];
    CHECK(mkdtemp(dir) != NULL, "open_regular: a test folder");
    snprintf(p, sizeof p, "%s/fifo", dir);
    mkfifo(p, 0644);
    errno = 0;
    CHECK(gt_open_regular(p, err, sizeof err) < 0 && errno == EINVAL &&
              strcmp(err, "not a regular file (a FIFO)") == 0, "open_regular: a FIFO refused");
    CHECK(gt_read_regular(p, 0, NULL, err, sizeof err) == NULL, "read_regular: a FIFO refused");
    CHECK(gt_open_regular(dir, err, sizeof err) < 0 && errno == EISDIR && strcmp(err, "is a directory") == 0,
          "open_regular: a folder refused");
    unlink(p);
    snprintf(p, sizeof p, "%s/f", dir);
    touch_in(dir, "f");
    int fd = gt_open_regular(p, err, sizeof err);
    CHECK(fd >= 0 && !(fcntl(fd, F_GETFL) & O_NONBLOCK), "open_regular: a file opened, blocking");
    close(fd);
    unlink(p);
    rmdir(dir);
}

static void test_fail(void)
{
    char err[8];
    CHECK(gt_fail(err, sizeof err, "%s %d", "abcdef", 12) == -1 && strcmp(err, "abcdef ") == 0,
          "util: gt_fail formats, cuts to the buffer and returns -1");
}

int main(void)
{
    test_reader_plain();
    test_reader_bom();
    test_reader_toolong();
    test_reader_zstd();
    test_record();
    test_record_paths_agree();
    test_json_escape();
    test_misc();
    test_buf();
    test_rand();
    test_utf8();
    test_read_file();
    test_json();
    test_fail();
    test_tmp();
    test_open_regular();
    T_END();
}
