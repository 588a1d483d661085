/* Unit tests: hostile inputs (issue 15) that once overflowed a buffer, blew
 * up memory or time, or tripped UBSan, built inside the test: each case here
 * failed (crashed, or failed under make check's ASan+UBSan pass) before its fix. */
#include "t.h"
#include "core/buf.h"
#include "core/util.h"
#include "io/json.h"
#include "io/record.h"
#include "nn/gguf_tok.h"
#include "nn/safetensors.h"
#include "tok/template.h"
#include "tok/tokenizer.h"
#include "tok_enc.h"
#include "tok/tokstream.h"
#include "train/dataloader.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>


/* Write N bytes at P to a new file named from TMPL (mkstemps's "...XXXXXX"
 * and a suffix of SUFLEN bytes, changed in place): 0, or -1. */
static int tmp_file(char *tmpl, int suflen, const void *p, size_t n)
{
    int fd = mkstemps(tmpl, suflen);
    int ok = fd >= 0 && write(fd, p, n) == (ssize_t)n;
    if (fd >= 0) close(fd);
    return ok ? 0 : -1;
}

/* A tokenizer.json: vocabulary a..j (ids 0..9), no merges, the pre-tokenizer
 * PRETOK (a JSON value), into B. */
static void hf_json(gt_buf *b, const char *pretok)
{
    b->n = 0;
    gt_buf_adds(b, "{\"model\":{\"type\":\"BPE\",\"vocab\":{");
    for (int i = 0; i < 10; i++) gt_buf_printf(b, "%s\"%c\":%d", i ? "," : "", 'a' + i, i);
    gt_buf_adds(b, "},\"merges\":[]},\"pre_tokenizer\":");
    gt_buf_adds(b, pretok);
    gt_buf_adds(b, "}");
}

/* A Split pre-tokenizer whose regex is N copies of UNIT (JSON-escaped). */
static void split_of(gt_buf *b, const char *unit, int n)
{
    b->n = 0;
    gt_buf_adds(b, "{\"type\":\"Split\",\"behavior\":\"Isolated\",\"invert\":false,\"pattern\":{\"Regex\":\"");
    for (int i = 0; i < n; i++) gt_buf_adds(b, unit);
    gt_buf_adds(b, "\"}}");
    gt_buf_nul(b);
}

/* onig_to_pcre sized its output for 4 bytes an input byte; \s and \S grow to 16-19. */
static void regex_translation(void)
{
    char err[256];
    gt_buf pre = { 0 }, js = { 0 };
    static const struct { const char *unit; int n; const char *text, *want, *name; } C[] = {
        { "\\\\S", 8, "abcdefghij", "0 1 2 3 4 5 6 7 8 9", "regex: eight \\S" },
        { "\\\\S", 400, "abc", "0 1 2", "regex: 400 \\S" },
        { "[\\\\s\\\\S]", 300, "ab", "0 1", "regex: 300 [\\s\\S]" },
        { "\\\\s?", 300, "a b", "0 1", "regex: 300 \\s?" },
        /* too large for PCRE2 once translated: refused, nothing overflows */
        { "\\\\S", 5000, NULL, "regular expression is too large", "regex: 5000 \\S refused" },
    };
    for (size_t i = 0; i < sizeof C / sizeof *C; i++) {
        split_of(&pre, C[i].unit, C[i].n);
        hf_json(&js, pre.p);
        gt_tok *t = gt_tok_load_mem(js.p, js.n, err, sizeof err);
        if (!C[i].text) {
            CHECK(!t && strstr(err, C[i].want), C[i].name);
            gt_tok_free(t);
            continue;
        }
        if (!t) printf("  %s: %s\n", C[i].name, err);
        int ok = t != NULL;
        if (t) {
            gt_tokctx *c = gt_tokctx_new(t);
            const char *g = enc(c, C[i].text);
            ok = strcmp(g, C[i].want) == 0;
            if (!ok) printf("  %s: got \"%s\"\n", C[i].name, g);
            gt_tokctx_free(c);
            gt_tok_free(t);
        }
        CHECK(ok, C[i].name);
    }
    gt_buf_free(&pre);
    gt_buf_free(&js);
}

/* yajl_tree_free recurses once a level: 400,000 levels overflowed the stack. */
static void json_depth(void)
{
    char err[256];
    gt_buf b = { 0 };
    for (int i = 0; i < 400000; i++) gt_buf_putc(&b, '[');
    for (int i = 0; i < 400000; i++) gt_buf_putc(&b, ']');
    gt_buf_nul(&b);
    yajl_val v = gt_json_parse(b.p, err, sizeof err);
    CHECK(!v && strstr(err, "nested deeper than 1000 levels at byte 1000"), "json: 400,000 levels refused");
    b.n = 0;
    for (int i = 0; i < GT_JSON_MAX_DEPTH; i++) gt_buf_adds(&b, "{\"a\":[");
    for (int i = 0; i < GT_JSON_MAX_DEPTH; i++) gt_buf_adds(&b, "]}");
    gt_buf_nul(&b);
    v = gt_json_parse(b.p, err, sizeof err);
    CHECK(!v && strstr(err, "nested deeper"), "json: 2000 levels of objects and arrays refused");
    b.n = 0;
    for (int i = 0; i < GT_JSON_MAX_DEPTH; i++) gt_buf_putc(&b, '[');
    gt_buf_adds(&b, "\"[[{{\\\"[[\"");
    for (int i = 0; i < GT_JSON_MAX_DEPTH; i++) gt_buf_putc(&b, ']');
    gt_buf_nul(&b);
    v = gt_json_parse(b.p, err, sizeof err);
    CHECK(v != NULL, "json: 1000 levels parse, brackets in strings do not count");
    if (v) yajl_tree_free(v);
    v = gt_json_parse("[[1]", err, sizeof err);
    CHECK(!v && !strstr(err, "nested"), "json: an unclosed array is yajl's error");
    gt_buf_free(&b);
}

/* A tokenizer.json of vocabulary a..j (ids 0..9) with ADDED (a JSON array or
 * NULL), NORMALIZER (a JSON value or NULL), VOCAB_EXTRA (entries appended to
 * the vocabulary, or NULL); loaded, or NULL with ERR. */
static gt_tok *hf_load(const char *added, const char *normalizer, const char *vocab_extra, char *err, size_t errsz)
{
    gt_buf b = { 0 };
    gt_buf_adds(&b, "{\"model\":{\"type\":\"BPE\",\"vocab\":{");
    for (int i = 0; i < 10; i++) gt_buf_printf(&b, "%s\"%c\":%d", i ? "," : "", 'a' + i, i);
    if (vocab_extra) gt_buf_printf(&b, ",%s", vocab_extra);
    gt_buf_adds(&b, "},\"merges\":[]}");
    if (added) gt_buf_printf(&b, ",\"added_tokens\":%s", added);
    if (normalizer) gt_buf_printf(&b, ",\"normalizer\":%s", normalizer);
    gt_buf_adds(&b, "}");
    gt_tok *t = gt_tok_load_mem(b.p, b.n, err, errsz);
    gt_buf_free(&b);
    return t;
}

/* Ids near 2^30 made every per-id table that large; chained Replace steps
 * multiplied a line a million-fold. */
static void hf_blowups(void)
{
    char err[512];
    gt_tok *t = hf_load(NULL, NULL, "\"k\":16777215", err, sizeof err);
    CHECK(!t && strstr(err, "vocab entry \"k\" has id 16777215, but only 11 tokens are given"),
          "hf: a vocabulary id far beyond the tokens given refused");
    gt_tok_free(t);
    t = hf_load("[{\"id\":1073741000,\"content\":\"<x>\",\"special\":true}]", NULL, NULL, err, sizeof err);
    CHECK(!t && strstr(err, "added token 0 (\"<x>\") has id 1073741000, but only 11 tokens are given"),
          "hf: an added token's id near 2^30 refused");
    gt_tok_free(t);
    /* dense ids, an added token that repeats a vocabulary id: fine */
    t = hf_load("[{\"id\":10,\"content\":\"<s>\",\"special\":true},{\"id\":0,\"content\":\"a\"}]", NULL, NULL,
                err, sizeof err);
    CHECK(t && gt_tok_vocab_size(t) == 11, "hf: ids below the tokens given load");
    gt_tok_free(t);
    gt_buf n = { 0 };
    gt_buf_adds(&n, "{\"type\":\"Sequence\",\"normalizers\":[");
    for (int i = 0; i < 6; i++)
        gt_buf_printf(&n, "%s{\"type\":\"Replace\",\"pattern\":{\"String\":\"a\"},\"content\":\"aaaaaaaaaa\"}", i ? "," : "");
    gt_buf_adds(&n, "]}");
    gt_buf_nul(&n);
    t = hf_load(NULL, n.p, NULL, err, sizeof err);
    CHECK(!t && strstr(err, "could make a text 100 times longer (at most 64)"),
          "hf: chained Replace normalizers growing a text 10^6-fold refused");
    gt_tok_free(t);
    t = hf_load(NULL, "{\"type\":\"Replace\",\"pattern\":{\"Regex\":\"a{3,}\"},\"content\":"
                      "\"bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb\"}",
                NULL, err, sizeof err);
    CHECK(t != NULL, "hf: a long content for a match of at least 3 bytes (37x) loads");
    if (t) {
        gt_tokctx *c = gt_tokctx_new(t);
        CHECK_STR(enc(c, "aaaac"), "1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 "
                                  "1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 "
                                  "1 1 1 1 1 1 1 1 1 1 2", "hf: the Replace applies");
        gt_tokctx_free(c);
    }
    gt_tok_free(t);
    t = hf_load(NULL, "{\"type\":\"Sequence\",\"normalizers\":[{\"type\":\"Prepend\",\"prepend\":\"\u2581\"},"
                      "{\"type\":\"Replace\",\"pattern\":{\"String\":\" \"},\"content\":\"\u2581\"}]}", NULL, err, sizeof err);
    CHECK(t != NULL, "hf: LLaMA's normalizer (3x) loads");
    gt_tok_free(t);
    gt_buf_free(&n);
}

/* The duplicate-key check compared every key with every other: 80,000 keys
 * took 18 s, 120,000 about 40 s; through a hash index, milliseconds. */
static void record_keys(void)
{
    char err[256];
    enum { NK = 120000 };
    gt_buf b = { 0 };
    gt_buf_putc(&b, '{');
    for (int i = 0; i < NK; i++) gt_buf_printf(&b, "%s\"k%d\":\"v\"", i ? "," : "", i);
    size_t open_end = b.n;
    gt_buf_putc(&b, '}');
    gt_rec r;
    gt_rec_init(&r);
    clock_t t0 = clock();
    int ok = gt_rec_parse(&r, b.p, b.n, err, sizeof err) == 0 && r.nf == NK && gt_rec_find(&r, "k0") == 0 &&
             gt_rec_find(&r, "k119999") == NK - 1 && gt_rec_find(&r, "k120000") < 0;
    CHECK(ok, "records: 120,000 distinct keys parse (fast path)");
    ok = gt_rec_parse_yajl(&r, b.p, b.n, err, sizeof err) == 0 && r.nf == NK && gt_rec_find(&r, "k77777") == 77777;
    CHECK(ok, "records: 120,000 distinct keys parse (yajl)");
    gt_rec_set_str(&r, "new", "x", 1);
    gt_rec_set_str(&r, "k5", "y", 1);
    CHECK(r.nf == NK + 1 && gt_rec_find(&r, "new") == NK && strcmp(gt_rec_str(&r, "k5", NULL), "y") == 0,
          "records: set_str on a large record");
    b.n = open_end;
    gt_buf_adds(&b, ",\"k119998\":1}");
    ok = gt_rec_parse(&r, b.p, b.n, err, sizeof err) != 0 && strcmp(err, "duplicate key \"k119998\"") == 0;
    CHECK(ok, "records: a duplicate among 120,000 keys reported");
    double secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
    if (secs >= 3) printf("  %.1f s of CPU\n", secs);
    CHECK(secs < 3, "records: 120,000 keys checked in linear time");
    /* small records: the same answers as ever */
    static const struct { const char *line, *err; } S[] = {
        { "{\"a\":1,\"b\":2,\"a\":3}", "duplicate key \"a\"" },
        { "{\"a\":1,\"b\":[\"x\"],\"c\":null}", "" },
        { "{\"k0\":0,\"k1\":1,\"k2\":2,\"k3\":3,\"k4\":4,\"k5\":5,\"k6\":6,\"k7\":7,\"k8\":8,\"k9\":9,\"k10\":10,"
          "\"k11\":11,\"k12\":12,\"k13\":13,\"k14\":14,\"k15\":15,\"k16\":16,\"k17\":17,\"k3\":3}", "duplicate key \"k3\"" },
    };
    for (size_t i = 0; i < sizeof S / sizeof *S; i++) {
        for (int y = 0; y < 2; y++) {
            int rc = y ? gt_rec_parse_yajl(&r, S[i].line, strlen(S[i].line), err, sizeof err)
                       : gt_rec_parse(&r, S[i].line, strlen(S[i].line), err, sizeof err);
            char name[64];
            snprintf(name, sizeof name, "records: small record %zu (%s)", i, y ? "yajl" : "fast");
            CHECK(S[i].err[0] ? rc != 0 && strcmp(err, S[i].err) == 0 : rc == 0 && gt_rec_find(&r, "c") == 2, name);
        }
    }
    gt_rec_free(&r);
    gt_buf_free(&b);
}

/* Encode "", decode nothing, decode only special ids, encode an added token
 * with empty content: UBSan (make check's second pass) reported null + 0 and
 * memcpy(NULL, .., 0) on these. NAME names the tokenizer. */
static void empty_edges(gt_tok *t, const char *name)
{
    char nm[128];
    gt_tokctx *c = gt_tokctx_new(t);
    snprintf(nm, sizeof nm, "%s: encode \"\"", name);
    CHECK_STR(enc(c, ""), "", nm);
    gt_ids ids = { 0 };
    size_t mk[2] = { 0, 0 };
    gt_tok_encode(c, "", 0, &ids, mk, 2);
    snprintf(nm, sizeof nm, "%s: encode \"\" with marks", name);
    CHECK(ids.n == 0 && mk[0] == 0 && mk[1] == 0, nm);
    snprintf(nm, sizeof nm, "%s: token offset in \"\"", name);
    CHECK(gt_tok_token_offset(c, "", 0, 0) == 0, nm);
    gt_ids_free(&ids);
    char *buf = NULL;
    size_t len = 0, cap = 0, bad = 0;
    gt_tok_decode(t, NULL, 0, &buf, &len, &cap, &bad);
    snprintf(nm, sizeof nm, "%s: decode no ids", name);
    CHECK(len == 0 && bad == 0 && buf && buf[0] == 0, nm);
    int32_t sp[2] = { gt_tok_bos(t), gt_tok_eos(t) };
    len = 0;
    gt_tok_decode(t, sp, 2, &buf, &len, &cap, &bad);
    snprintf(nm, sizeof nm, "%s: decode only special ids", name);
    CHECK(len == 0, nm);
    int32_t odd[3] = { -1, 1 << 30, gt_tok_vocab_size(t) };
    len = 0;
    bad = 0;
    gt_tok_decode(t, odd, 3, &buf, &len, &cap, &bad);
    snprintf(nm, sizeof nm, "%s: decode only ids out of range", name);
    CHECK(len == 0 && bad == 3, nm);
    /* one character, a lone invalid byte, blanks, a NUL, a special token alone */
    static const char *const few[] = { "a", "\xff", " ", "\n\n", "<s>", "</s>" };
    for (size_t i = 0; i < sizeof few / sizeof *few; i++) {
        ids.n = 0;
        mk[0] = 0;
        mk[1] = strlen(few[i]);
        gt_tok_encode(c, few[i], strlen(few[i]), &ids, mk, 2);
        len = 0;
        gt_tok_decode(t, ids.v, ids.n, &buf, &len, &cap, NULL);
    }
    ids.n = 0;
    gt_tok_encode(c, "\0", 1, &ids, NULL, 0);
    len = 0;
    gt_tok_decode(t, ids.v, ids.n, &buf, &len, &cap, NULL);
    snprintf(nm, sizeof nm, "%s: short texts, a NUL, special tokens alone encode and decode", name);
    CHECK(1, nm);
    gt_ids_free(&ids);
    free(buf);
    gt_tokctx_free(c);
}

static void ubsan_cases(void)
{
    char err[512];
    /* tokenizer.json: an added token with empty content, normalized or not */
    gt_tok *t = hf_load("[{\"id\":10,\"content\":\"\",\"normalized\":true},{\"id\":11,\"content\":\"\",\"special\":true},"
                        "{\"id\":12,\"content\":\"<s>\",\"special\":true}]",
                        "{\"type\":\"Replace\",\"pattern\":{\"String\":\" \"},\"content\":\"_\"}", NULL, err, sizeof err);
    CHECK(t != NULL, "hf: added tokens with empty content load");
    if (t) {
        gt_tokctx *c = gt_tokctx_new(t);
        CHECK_STR(enc(c, "ab<s>c"), "0 1 12 2", "hf: empty added tokens never match");
        gt_tokctx_free(c);
        empty_edges(t, "hf");
        gt_tok_free(t);
    }
    /* the other engines: SentencePiece (tokenizer.model) and a GGUF vocabulary */
    const char *sh = getenv("GT_SHARED");
    char path[1024];
    snprintf(path, sizeof path, "%s/models/llama2-tokenizer/tokenizer.model", sh ? sh : "../shared");
    t = gt_tok_load(path, err, sizeof err);
    if (t) { empty_edges(t, "spm"); gt_tok_free(t); }
    snprintf(path, sizeof path, "%s/models/smollm2-135m-instruct/SmolLM2-135M-Instruct.Q4_1.gguf", sh ? sh : "../shared");
    t = gt_tok_load_file(path, err, sizeof err);          /* byte-level BPE */
    if (t) { empty_edges(t, "gguf gpt2"); gt_tok_free(t); }
    t = gt_tok_load_file("tests/data/gguf/llama2-spm.gguf", err, sizeof err);
    CHECK(t != NULL, "gguf llama: loads");
    if (t) { empty_edges(t, "gguf llama"); gt_tok_free(t); }

    /* a token stream whose first record has no ids, then one of two */
    gt_buf b = { 0 };
    gt_ts_put_header(&b, 2, 100, 7);
    gt_ts_put_record(&b, 2, NULL, 0, 0);
    int32_t two[2] = { 5, 6 };
    gt_ts_put_record(&b, 2, two, 2, 1);
    char tmpl[] = "/tmp/test_hostile.XXXXXX";
    int ok = tmp_file(tmpl, 0, b.p, b.n) == 0;
    gt_dataset d;
    ok = ok && gt_dataset_load(&d, tmpl, 100, 64, "64", NULL, err, sizeof err) == 0;
    CHECK(ok && d.n == 2 && d.tokens == 2 && d.ids[0] == 5 && d.ids[1] == 6, "dataloader: a zero-length first record");
    if (ok) gt_dataset_free(&d);
    unlink(tmpl);
    gt_buf_free(&b);
}

/* A 50 MB abstract was encoded whole (36 bytes a byte) to keep its first
 * --cutoff-len tokens: only a prefix is encoded now, with the same result. */
static void cut_before_expanding(void)
{
    char err[256];
    gt_tok *t = gt_tok_load("tests/data/hf-spm.tokenizer.json", err, sizeof err);
    CHECK(t != NULL, "prefix: tokenizer loads");
    if (!t) return;
    gt_tokctx *c = gt_tokctx_new(t);
    gt_buf big = { 0 };
    while (big.n < 4000000) gt_buf_adds(&big, "Graph neural networks learn on graphs \xc3\xa9t\xc3\xa9. ");
    CHECK(gt_tok_prefix_len(c, big.p, 19000, 256) == 19000, "prefix: an ordinary text is kept whole");
    size_t p = gt_tok_prefix_len(c, big.p, big.n, 256);
    CHECK(p >= 320 * 64 - 3 && p < 100000 && ((unsigned char)big.p[p] & 0xc0) != 0x80,
          "prefix: a 4 MB text cut to a few KB, at a character's start");
    gt_template tp;
    gt_template_default(&tp);
    gt_buf pb = { 0 };
    gt_ids a = { 0 }, b = { 0 };
    size_t ka = gt_template_encode(&tp, c, "Title?", 6, big.p, big.n, 100, &pb, &a);
    size_t kb = gt_template_encode(&tp, c, "Title?", 6, big.p, 3000, 100, &pb, &b);
    CHECK(ka == kb && a.n == b.n && memcmp(a.v, b.v, a.n * sizeof *a.v) == 0,
          "prefix: a 4 MB input cut to 100 tokens as its first 3000 bytes are");
    gt_ids_free(&a);
    gt_ids_free(&b);
    gt_buf_free(&pb);
    gt_buf_free(&big);
    gt_template_free(&tp);
    gt_tokctx_free(c);
    gt_tok_free(t);
}

/* A safetensors file with no tensors (only "__metadata__"), or an index
 * whose weight_map is empty, opens, empty: gt_st_open sorted the tensors with
 * qsort on a null array (UBSan: null passed as nonnull). Found by
 * tests/fuzz/fuzz_safetensors.c. */
static void safetensors_no_tensors(void)
{
    static const char hdr[] = "{\"__metadata__\":{\"format\":\"pt\"}}", idx[] = "{\"weight_map\":{}}";
    gt_buf b = { 0 };
    unsigned char len[8] = { sizeof hdr - 1 };
    gt_buf_add(&b, len, 8);
    gt_buf_adds(&b, hdr);
    char file[] = "/tmp/test_hostile.XXXXXX", index[] = "/tmp/test_hostile.XXXXXX.json", err[512];
    gt_st st;
    int ok = tmp_file(file, 0, b.p, b.n) == 0 && gt_st_open(&st, file, err, sizeof err) == 0;
    CHECK(ok && st.nt == 0 && gt_st_find(&st, "x") == NULL, "safetensors: no tensors, only metadata: opens, empty");
    if (ok) gt_st_close(&st);
    ok = tmp_file(index, 5, idx, sizeof idx - 1) == 0 && gt_st_open(&st, index, err, sizeof err) == 0;
    CHECK(ok && st.nt == 0, "safetensors: an index with an empty weight_map opens, empty");
    if (ok) gt_st_close(&st);
    unlink(file);
    unlink(index);
    gt_buf_free(&b);
}

/* A record line is LEN bytes, not a C string: gt_rec_parse_yajl looked for
 * blanks with strspn, past the end of the line (an exact-size buffer: a
 * heap overflow under ASan), and so called "  " followed by more blanks in
 * memory invalid JSON. Found by tests/fuzz/fuzz_api.c (a body of one tab).
 * And it took only spaces and tabs for the blanks before the value, so "{}"
 * after a newline was "not a JSON object" there and a record on the fast path
 * (tests/fuzz/fuzz_record.c: the two disagreed). */
static void record_unterminated(void)
{
    gt_rec r;
    char err[256];
    gt_rec_init(&r);
    char *tab = malloc(1);
    tab[0] = '\t';
    CHECK(gt_rec_parse(&r, tab, 1, err, sizeof err) != 0 && strcmp(err, "empty line (expected a JSON object)") == 0,
          "record: a lone tab, not NUL-terminated, is an empty line (no read past it)");
    static const char blanks[] = "  \t \t  {}";
    CHECK(gt_rec_parse(&r, blanks, 2, err, sizeof err) != 0 && strcmp(err, "empty line (expected a JSON object)") == 0,
          "record: the blanks after a line's end are not its own");
    CHECK(gt_rec_parse_yajl(&r, blanks + 1, 1, err, sizeof err) != 0 &&
          strcmp(err, "empty line (expected a JSON object)") == 0, "record: one blank of a longer text (yajl)");
    static const char nl[] = "\r\n {}";
    CHECK(gt_rec_parse(&r, nl, sizeof nl - 1, err, sizeof err) == 0 && r.nf == 0 &&
          gt_rec_parse_yajl(&r, nl, sizeof nl - 1, err, sizeof err) == 0 && r.nf == 0,
          "record: {} after a newline is a record, on both paths");
    free(tab);
    gt_rec_free(&r);
}

int main(void)
{
    regex_translation();
    json_depth();
    hf_blowups();
    record_keys();
    record_unterminated();
    safetensors_no_tensors();
    ubsan_cases();
    cut_before_expanding();
    T_END();
}
