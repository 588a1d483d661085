/* test_gguf_tok.c - tokenizers from GGUF metadata (nn/gguf_tok.c over
 * tok/llama_vocab.c and the two engines) against llama.cpp's own ids.
 *
 * tests/data/gguf/ holds what tests/reference/gguf_tokenize_reference.py
 * wrote with llama-cpp-python 0.3.36: 10,329 inputs (JSON strings, one a
 * line: hard strings, arXiv titles and abstracts) and, line for line, the
 * ids of Llama.tokenize(text, add_bos=True, special=True) on the shared
 * SmolLM2 GGUF (gpt2, pre "smollm"; checked when ../shared, or $GT_SHARED,
 * is there) and on llama2-spm.gguf (the LLaMA-2 SentencePiece vocabulary).
 * Every input must give the same ids; mismatches are printed with their
 * line. Then vocabularies built in memory: pre-tokenizer names, special
 * tokens cut out of the text, defaults, marks and offsets, and hostile
 * vocabularies (unknown pre-tokenizer, missing keys, bad merges, duplicates). */
#include "t.h"
#include "core/buf.h"
#include "core/util.h"
#include "io/input.h"
#include "io/json.h"
#include "nn/gguf_tok.h"
#include "tok/llama_vocab.h"
#include "tok/tokenizer.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DIR "tests/data/gguf/"
#define TD "tests/data/"

static char err[1024];

/* ---- the fixtures ---- */

typedef struct { char **s; size_t *len; size_t n; } texts;

static int load_inputs(texts *t, const char *path)
{
    gt_reader *r = gt_reader_open(path, (size_t)1 << 24);
    if (!r) return -1;
    const char *line;
    size_t len, cap = 0;
    while (gt_reader_next(r, &line, &len) == GT_READ_LINE) {
        char *z = malloc(len + 1);
        memcpy(z, line, len);
        z[len] = 0;
        char jerr[256];
        yajl_val v = gt_json_parse(z, jerr, sizeof jerr);
        free(z);
        if (!v || !YAJL_IS_STRING(v)) { yajl_tree_free(v); gt_reader_close(r); return -1; }
        if (t->n == cap) {
            cap = cap ? cap * 2 : 1024;
            t->s = realloc(t->s, cap * sizeof *t->s);
            t->len = realloc(t->len, cap * sizeof *t->len);
        }
        const char *s = YAJL_GET_STRING(v);
        t->len[t->n] = strlen(s);
        t->s[t->n++] = strdup(s);
        yajl_tree_free(v);
    }
    gt_reader_close(r);
    return 0;
}

static void texts_free(texts *t)
{
    for (size_t i = 0; i < t->n; i++) free(t->s[i]);
    free(t->s);
    free(t->len);
}

/* llama.cpp's ids for each input: "A B C" lines of ZST, compared with ours. */
static void check_fixture(const char *name, const char *gguf, const char *ids_path, const texts *in)
{
    char what[256];
    gt_tok *t = gt_tok_load_file(gguf, err, sizeof err);
    snprintf(what, sizeof what, "%s: the tokenizer loads from the GGUF metadata", name);
    CHECK(t != NULL, what);
    if (!t) { printf("  %s\n", err); return; }
    gt_reader *r = gt_reader_open(ids_path, (size_t)1 << 24);
    snprintf(what, sizeof what, "%s: ids fixture opens", name);
    CHECK(r != NULL, what);
    if (!r) { gt_tok_free(t); return; }
    gt_tokctx *c = gt_tokctx_new(t);
    gt_ids ids = { 0 };
    size_t k = 0, bad = 0, nids = 0;
    const char *line;
    size_t len;
    while (gt_reader_next(r, &line, &len) == GT_READ_LINE && k < in->n) {
        ids.n = 0;
        if (gt_tok_add_bos(t) == 1) gt_ids_push(&ids, gt_tok_bos(t));
        gt_tok_encode(c, in->s[k], in->len[k], &ids, NULL, 0);
        if (gt_tok_add_eos(t) == 1) gt_ids_push(&ids, gt_tok_eos(t));
        /* compare with the line */
        size_t j = 0, p = 0;
        int same = 1;
        while (p < len) {
            long v = strtol(line + p, NULL, 10);
            while (p < len && line[p] != ' ') p++;
            while (p < len && line[p] == ' ') p++;
            if (j >= ids.n || ids.v[j] != v) same = 0;
            j++;
        }
        if (j != ids.n) same = 0;
        nids += j;
        if (!same && bad++ < 10) {
            printf("  %s line %zu: %.80s\n    llama.cpp: %.*s\n    ours:     ", name, k + 1, in->s[k], (int)(len < 300 ? len : 300), line);
            for (size_t q = 0; q < ids.n && q < 60; q++) printf("%d ", ids.v[q]);
            printf("\n");
        }
        k++;
    }
    gt_reader_close(r);
    if (bad) printf("  %s: %zu of %zu inputs differ\n", name, bad, k);
    snprintf(what, sizeof what, "%s: ids equal llama.cpp's on all %zu inputs (%zu ids)", name, in->n, nids);
    CHECK(k == in->n && bad == 0, what);
    gt_ids_free(&ids);
    gt_tokctx_free(c);
    gt_tok_free(t);
}

static void test_fixtures(void)
{
    texts in = { 0 };
    CHECK(load_inputs(&in, DIR "tok-inputs.jsonl.zst") == 0 && in.n == 10329, "fixtures: 10,329 inputs read");
    check_fixture("llama2-spm", DIR "llama2-spm.gguf", DIR "tok-llama2-spm.ids.zst", &in);
    const char *sh = getenv("GT_SHARED");
    char path[1024];
    snprintf(path, sizeof path, "%s/models/smollm2-135m-instruct/SmolLM2-135M-Instruct.Q4_1.gguf", sh ? sh : "../shared");
    if (!gt_is_gguf(path)) printf("skip: %s absent: the SmolLM2 fixture did not run\n", path);
    else check_fixture("smollm2", path, DIR "tok-smollm2.ids.zst", &in);
    texts_free(&in);
}

/* ---- vocabularies in memory ---- */

/* GPT-2's byte-to-character map: the UTF-8 of the character standing for B. */
static size_t byte_char(int b, char *out)
{
    int keep = (b >= '!' && b <= '~') || (b >= 0xa1 && b <= 0xac) || (b >= 0xae && b <= 0xff), n = 0;
    for (int x = 0; x < b; x++) n += !((x >= '!' && x <= '~') || (x >= 0xa1 && x <= 0xac) || (x >= 0xae && x <= 0xff));
    unsigned cp = keep ? (unsigned)b : 256u + (unsigned)n;
    if (cp < 0x80) { out[0] = (char)cp; return 1; }
    out[0] = (char)(0xc0 | cp >> 6);
    out[1] = (char)(0x80 | (cp & 0x3f));
    return 2;
}

/* A byte-level vocabulary: the 256 byte tokens (ids 0..255), then EXTRA
 * tokens (ids 256...), with MERGES; TYPES of the extra ones (NULL: normal). */
typedef struct {
    gt_vstr tok[300], mg[16];
    char store[300][8];
    int32_t types[300];
    gt_vocab v;
} bpe_vocab;

static void bpe_init(bpe_vocab *b, const char *const *extra, const int32_t *xtypes, const char *const *merges,
                     const char *pre)
{
    memset(b, 0, sizeof *b);
    size_t n = 0;
    for (int c = 0; c < 256; c++, n++) {
        size_t l = byte_char(c, b->store[n]);
        b->tok[n] = (gt_vstr){ b->store[n], l };
        b->types[n] = GT_TT_NORMAL;
    }
    for (int i = 0; extra && extra[i]; i++, n++) {
        b->tok[n] = (gt_vstr){ extra[i], strlen(extra[i]) };
        b->types[n] = xtypes ? xtypes[i] : GT_TT_NORMAL;
    }
    size_t m = 0;
    for (; merges && merges[m]; m++) b->mg[m] = (gt_vstr){ merges[m], strlen(merges[m]) };
    b->v = (gt_vocab){ .kind = GT_VOCAB_BPE, .n = n, .tokens = b->tok, .types = b->types, .nmerges = m,
                       .merges = b->mg, .pre = pre, .bos = GT_VOCAB_UNSET, .eos = GT_VOCAB_UNSET,
                       .unk = GT_VOCAB_UNSET, .pad = GT_VOCAB_UNSET, .add_bos = GT_VOCAB_UNSET,
                       .add_eos = GT_VOCAB_UNSET, .add_space_prefix = GT_VOCAB_UNSET };
}

/* The ids of TEXT as "a b c". */
static const char *ids_of(const gt_tok *t, const char *text)
{
    static char out[1024];
    gt_tokctx *c = gt_tokctx_new(t);
    gt_ids ids = { 0 };
    gt_tok_encode(c, text, strlen(text), &ids, NULL, 0);
    size_t k = 0;
    out[0] = 0;
    for (size_t i = 0; i < ids.n && k + 16 < sizeof out; i++) k += (size_t)snprintf(out + k, sizeof out - k, "%s%d", i ? " " : "", ids.v[i]);
    gt_ids_free(&ids);
    gt_tokctx_free(c);
    return out;
}

static void test_pre_tokenizers(void)
{
    static const char *known[] = { "default", "llama3", "llama-bpe", "smollm", "qwen2", "tekken", "pixtral", "gpt-2",
                                   "dbrx", "gpt-4o", "falcon", "starcoder", "deepseek-r1-qwen", NULL };
    int all = 1;
    for (int i = 0; known[i]; i++) all &= gt_vocab_pre_find(known[i]) != NULL;
    CHECK(all, "pre: every listed name is known");
    CHECK(!gt_vocab_pre_find("nonsense") && !gt_vocab_pre_find("") && !gt_vocab_pre_find("llama"),
          "pre: other names are not");
    CHECK(gt_vocab_pre_find("llama-bpe")->ignore_merges && gt_vocab_pre_find("llama-bpe")->add_bos &&
          gt_vocab_pre_find("tekken")->ignore_merges && !gt_vocab_pre_find("smollm")->ignore_merges,
          "pre: llama-bpe and tekken take a piece that is a token whole and add BOS");
    CHECK(strstr(gt_vocab_pre_names(), "default, llama3, llama-v3, llama-bpe") == gt_vocab_pre_names() &&
          strstr(gt_vocab_pre_names(), "tekken"), "pre: the names for messages");

    /* "oW" merges across a lower-upper boundary; "34" across digit groups */
    static const char *ex[] = { "oW", "34", "xyz", "12", NULL };
    static const char *mg[] = { "o W", "3 4", "1 2", NULL };
    const char *t1 = "HelloWorld", *t2 = "1234";
    struct { const char *pre, *hello, *digits; } want[] = {
        { "gpt-2", "72 101 108 108 256 111 114 108 100", "259 257" },     /* one word each */
        { "tekken", "72 101 108 108 111 87 111 114 108 100", "49 50 51 52" },   /* Hello|World, digits one by one */
        { "llama-bpe", "72 101 108 108 256 111 114 108 100", "259 51 52" },    /* 123|4 */
        { "qwen2", "72 101 108 108 256 111 114 108 100", "49 50 51 52" },
        { "smollm", "72 101 108 108 256 111 114 108 100", "49 50 51 52" },
        { "default", "72 101 108 108 256 111 114 108 100", "259 51 52" },    /* 123|4 */
    };
    for (size_t i = 0; i < sizeof want / sizeof *want; i++) {
        bpe_vocab b;
        bpe_init(&b, ex, NULL, mg, want[i].pre);
        gt_tok *t = gt_tok_from_vocab(&b.v, err, sizeof err);
        char name[128];
        snprintf(name, sizeof name, "pre %s: words and digit groups", want[i].pre);
        if (!t) { printf("  %s\n", err); CHECK(0, name); continue; }
        char h[256];
        snprintf(h, sizeof h, "%s", ids_of(t, t1));
        if (strcmp(h, want[i].hello) || strcmp(ids_of(t, t2), want[i].digits))
            printf("  %s: got '%s' and '%s'\n", want[i].pre, h, ids_of(t, t2));
        CHECK(strcmp(h, want[i].hello) == 0 && strcmp(ids_of(t, t2), want[i].digits) == 0, name);
        gt_tok_free(t);
    }
    /* ignore_merges: a piece that is a token is taken whole even without merges to it */
    bpe_vocab b;
    bpe_init(&b, ex, NULL, mg, "llama-bpe");
    gt_tok *t = gt_tok_from_vocab(&b.v, err, sizeof err);
    CHECK(t && strcmp(ids_of(t, "xyz"), "258") == 0, "pre llama-bpe: a word that is a token is taken whole");
    gt_tok_free(t);
    bpe_init(&b, ex, NULL, mg, "gpt-2");
    t = gt_tok_from_vocab(&b.v, err, sizeof err);
    CHECK(t && strcmp(ids_of(t, "xyz"), "120 121 122") == 0, "pre gpt-2: the same word through its merges");
    gt_tok_free(t);
    bpe_init(&b, ex, NULL, mg, "nonsense");
    t = gt_tok_from_vocab(&b.v, err, sizeof err);
    CHECK(!t && strncmp(err, "unknown pre-tokenizer 'nonsense' (known: default, llama3", 56) == 0,
          "pre: an unknown name is an error naming it and the known ones");
    gt_tok_free(t);
    bpe_init(&b, ex, NULL, mg, NULL);
    t = gt_tok_from_vocab(&b.v, err, sizeof err);
    CHECK(t && strcmp(ids_of(t, t2), "259 51 52") == 0, "pre: absent is llama.cpp's default");
    gt_tok_free(t);
}

static void test_special(void)
{
    /* control tokens, one holding another; a user-defined one; a normal "<n>" */
    static const char *ex[] = { "<|a|>", "<|a|><|b|>", "<|b|>", "<u>", "<n>", "<|im_end|>", NULL };
    static const int32_t ty[] = { GT_TT_CONTROL, GT_TT_CONTROL, GT_TT_CONTROL, GT_TT_USER_DEFINED, GT_TT_NORMAL,
                                  GT_TT_NORMAL };
    bpe_vocab b;
    bpe_init(&b, ex, ty, NULL, "gpt-2");
    gt_tok *t = gt_tok_from_vocab(&b.v, err, sizeof err);
    CHECK(t != NULL, "special: vocabulary loads");
    if (!t) { printf("  %s\n", err); return; }
    CHECK_STR(ids_of(t, "x<|a|>y"), "120 256 121", "special: a control token in the text is its id");
    CHECK_STR(ids_of(t, "<|a|><|b|><|b|><|a|>"), "257 258 256", "special: longest first (<|a|><|b|> before <|a|>)");
    CHECK_STR(ids_of(t, "<u><u>"), "259 259", "special: user-defined tokens too");
    CHECK_STR(ids_of(t, "<n>"), "60 110 62", "special: a normal token's text is text");
    CHECK_STR(ids_of(t, "<|im_end|>"), "261", "special: <|im_end|> is control whatever its type (llama.cpp)");
    CHECK_STR(ids_of(t, "<|a|"), "60 124 97 124", "special: a part of one is text");
    CHECK_STR(ids_of(t, ""), "", "special: empty text, no ids");

    /* marks across fragments and token offsets */
    gt_tokctx *c = gt_tokctx_new(t);
    gt_ids ids = { 0 };
    const char *s = "ab<|a|>cd<|b|>";
    size_t marks[5] = { 0, 2, 3, 7, 14 };
    size_t n = gt_tok_encode(c, s, strlen(s), &ids, marks, 5);
    CHECK(n == 6 && marks[0] == 0 && marks[1] == 2 && marks[2] == 3 && marks[3] == 3 && marks[4] == 6,
          "special: marks go to the first token at or after them (inside a special token: the next one)");
    CHECK(gt_tok_token_offset(c, s, strlen(s), 2) == 2 && gt_tok_token_offset(c, s, strlen(s), 3) == 7 &&
          gt_tok_token_offset(c, s, strlen(s), 5) == 9 && gt_tok_token_offset(c, s, strlen(s), 6) == 14,
          "special: token offsets across fragments");
    gt_ids_free(&ids);
    gt_tokctx_free(c);

    /* decoding: control tokens vanish, user-defined ones are text */
    int32_t dec[] = { 72, 256, 105, 259, 261 };
    char *buf = NULL;
    size_t len = 0, cap = 0;
    gt_tok_decode(t, dec, 5, &buf, &len, &cap, NULL);
    CHECK_STR(buf, "Hi<u>", "special: decoding skips control tokens");
    free(buf);
    gt_tok_free(t);
}

static void test_rules(void)
{
    bpe_vocab b;
    bpe_init(&b, NULL, NULL, NULL, "smollm");
    gt_tok *t = gt_tok_from_vocab(&b.v, err, sizeof err);
    CHECK(t && gt_tok_bos(t) == 11 && gt_tok_eos(t) == 11 && gt_tok_unk(t) == -1 && gt_tok_pad(t) == -1 &&
          gt_tok_add_bos(t) == 0 && gt_tok_add_eos(t) == 0, "rules: gpt2 defaults (BOS = EOS = 11, no BOS added)");
    uint64_t fp0 = t ? gt_tok_fingerprint(t) : 0;
    gt_tok_free(t);
    b.v.bos = 1; b.v.eos = 2; b.v.pad = 300; b.v.unk = 3; b.v.add_bos = 1;
    t = gt_tok_from_vocab(&b.v, err, sizeof err);
    CHECK(t && gt_tok_bos(t) == 1 && gt_tok_eos(t) == 2 && gt_tok_unk(t) == 3 && gt_tok_pad(t) == -1 &&
          gt_tok_add_bos(t) == 1, "rules: the file's ids and flags; an id out of range keeps the default");
    CHECK(t && gt_tok_fingerprint(t) != fp0, "rules: the fingerprint follows the ids and flags");
    gt_tok_free(t);
    bpe_init(&b, NULL, NULL, NULL, "smollm");
    t = gt_tok_from_vocab(&b.v, err, sizeof err);
    CHECK(t && gt_tok_fingerprint(t) == fp0, "rules: the same vocabulary, the same fingerprint");
    gt_tok_free(t);
    bpe_init(&b, NULL, NULL, NULL, "gpt-2");
    t = gt_tok_from_vocab(&b.v, err, sizeof err);
    CHECK(t && gt_tok_fingerprint(t) != fp0, "rules: another pre-tokenizer, another fingerprint");
    gt_tok_free(t);
    bpe_init(&b, NULL, NULL, NULL, "glm4");
    b.v.add_bos = 1;
    t = gt_tok_from_vocab(&b.v, err, sizeof err);
    CHECK(!t && strcmp(err, "add_bos_token is true but there is no BOS id") == 0, "rules: add_bos_token without a BOS id");
    gt_tok_free(t);

    static const char *dup[] = { "ab", "ab", NULL };
    bpe_init(&b, dup, NULL, NULL, "gpt-2");
    t = gt_tok_from_vocab(&b.v, err, sizeof err);
    CHECK(!t && strcmp(err, "duplicate token in vocabulary: \"ab\" has ids 256 and 257") == 0, "hostile: a duplicate token");
    static const char *ab[] = { "ab", NULL }, *m1[] = { "ab", NULL }, *m2[] = { "a c", NULL }, *m3[] = { "b a", NULL };
    bpe_init(&b, ab, NULL, m1, "gpt-2");
    t = gt_tok_from_vocab(&b.v, err, sizeof err);
    CHECK(!t && strcmp(err, "merge 0 \"ab\" is not two tokens separated by a space") == 0, "hostile: a merge without a space");
    bpe_init(&b, ab, NULL, m3, "gpt-2");
    t = gt_tok_from_vocab(&b.v, err, sizeof err);
    CHECK(!t && strcmp(err, "merge 0: token \"ba\" is not in the vocabulary") == 0, "hostile: a merge into no token");
    bpe_init(&b, ab, NULL, m2, "gpt-2");
    b.tok[99] = (gt_vstr){ "", 0 };     /* 'c': "[EMPTY_99]" */
    t = gt_tok_from_vocab(&b.v, err, sizeof err);
    CHECK(!t && strcmp(err, "merge 0: token \"c\" is not in the vocabulary") == 0,
          "hostile: a merge of a missing token (an empty token is \"[EMPTY_99]\")");
    b.v.nmerges = 0;
    t = gt_tok_from_vocab(&b.v, err, sizeof err);
    CHECK(t && strcmp(ids_of(t, "acb"), "97 98") == 0, "an empty token loads; a byte without a token is dropped");
    gt_tok_free(t);
    b.v.n = 0;
    t = gt_tok_from_vocab(&b.v, err, sizeof err);
    CHECK(!t && strcmp(err, "no tokens") == 0, "hostile: no tokens");
}

/* ---- the SPM kind ---- */

static void test_spm(void)
{
    /* <unk> <s> </s>, bytes, then pieces with scores */
    static char bytes[256][8];
    gt_vstr tok[300];
    float sc[300];
    int32_t ty[300];
    size_t n = 0;
    const char *head[] = { "<unk>", "<s>", "</s>" };
    int32_t hty[] = { GT_TT_UNKNOWN, GT_TT_CONTROL, GT_TT_CONTROL };
    for (int i = 0; i < 3; i++, n++) { tok[n] = (gt_vstr){ head[i], strlen(head[i]) }; sc[n] = 0; ty[n] = hty[i]; }
    for (int b = 0; b < 256; b++, n++) {
        snprintf(bytes[b], sizeof bytes[b], "<0x%02X>", b);
        tok[n] = (gt_vstr){ bytes[b], 6 }; sc[n] = 0; ty[n] = GT_TT_BYTE;
    }
    const char *pc[] = { "\xe2\x96\x81", "a", "b", "\xe2\x96\x81" "a", "ab", "\xe2\x96\x81\xe2\x96\x81" };
    float ps[] = { -1, -2, -3, -4, -5, -6 };
    for (int i = 0; i < 6; i++, n++) { tok[n] = (gt_vstr){ pc[i], strlen(pc[i]) }; sc[n] = ps[i]; ty[n] = GT_TT_NORMAL; }
    gt_vocab v = { .kind = GT_VOCAB_SPM, .n = n, .tokens = tok, .scores = sc, .types = ty, .bos = GT_VOCAB_UNSET,
                   .eos = GT_VOCAB_UNSET, .unk = GT_VOCAB_UNSET, .pad = GT_VOCAB_UNSET, .add_bos = GT_VOCAB_UNSET,
                   .add_eos = GT_VOCAB_UNSET, .add_space_prefix = GT_VOCAB_UNSET };
    gt_tok *t = gt_tok_from_vocab(&v, err, sizeof err);
    CHECK(t && gt_tok_bos(t) == 1 && gt_tok_eos(t) == 2 && gt_tok_unk(t) == 0 && gt_tok_add_bos(t) == 1 &&
          gt_tok_add_eos(t) == 0, "spm: llama.cpp's defaults (BOS 1 added, EOS 2, unknown 0)");
    if (!t) { printf("  %s\n", err); return; }
    /* 259 ▁, 260 a, 261 b, 262 ▁a, 263 ab, 264 ▁▁ */
    CHECK_STR(ids_of(t, "ab"), "262 261", "spm: a space first, merges by score");
    CHECK_STR(ids_of(t, "a<s>ab"), "262 1 262 261", "spm: a space again after a special token");
    CHECK_STR(ids_of(t, " a"), "259 262", "spm: spaces kept, not collapsed");
    CHECK_STR(ids_of(t, "\xc3\xa9"), "259 198 172", "spm: a character without a token as its bytes");
    CHECK_STR(ids_of(t, "<unk>"), "0", "spm: the unknown token's text is the token");
    char *buf = NULL;
    size_t len = 0, cap = 0;
    int32_t ids[] = { 1, 262, 261, 259, 198, 172, 2 };
    gt_tok_decode(t, ids, 7, &buf, &len, &cap, NULL);
    CHECK_STR(buf, "ab \xc3\xa9", "spm: decoding");
    free(buf);
    gt_tok_free(t);
    v.add_space_prefix = 0;
    t = gt_tok_from_vocab(&v, err, sizeof err);
    CHECK(t && strcmp(ids_of(t, "ab"), "263") == 0, "spm: add_space_prefix false");
    gt_tok_free(t);
    tok[n - 1] = tok[n - 2];
    t = gt_tok_from_vocab(&v, err, sizeof err);
    CHECK(!t && strcmp(err, "duplicate token in vocabulary: \"ab\" has ids 263 and 264") == 0, "spm: a duplicate token");
}

/* ---- the tokenizers library on the same vocabularies ---- */

/* A test tokenizer.json's vocabulary and merges as a llama.cpp vocabulary
 * with pre-tokenizer PRE: on the lines of hf-fixture.txt, llama.cpp's rules
 * must give the ids the tokenizers library gave for the file (the first lines
 * of IDS; tests/reference/make_hf_tokenizers.py), its added tokens being
 * control tokens. */
static void check_hf_vocab(const char *json, const char *pre, const char *ids_path)
{
    char what[256], jerr[256];
    yajl_val root = gt_json_load(json, 0, jerr, sizeof jerr);
    yajl_val model = gt_json_get(root, "model"), vocab = gt_json_get(model, "vocab"), merges = gt_json_get(model, "merges");
    yajl_val added = gt_json_get(root, "added_tokens");
    snprintf(what, sizeof what, "%s: loads", json);
    CHECK(root && vocab && merges && added, what);
    if (!root || !vocab || !merges || !added) { yajl_tree_free(root); return; }
    size_t n = 0;
    for (size_t i = 0; i < vocab->u.object.len; i++) n = (size_t)YAJL_GET_INTEGER(vocab->u.object.values[i]) + 1 > n ? (size_t)YAJL_GET_INTEGER(vocab->u.object.values[i]) + 1 : n;
    for (size_t i = 0; i < added->u.array.len; i++) {
        size_t id = (size_t)YAJL_GET_INTEGER(gt_json_get(added->u.array.values[i], "id"));
        if (id + 1 > n) n = id + 1;
    }
    gt_vstr *tok = calloc(n, sizeof *tok), *mg = calloc(merges->u.array.len + 1, sizeof *mg);
    int32_t *ty = calloc(n, sizeof *ty);
    for (size_t i = 0; i < vocab->u.object.len; i++) {
        size_t id = (size_t)YAJL_GET_INTEGER(vocab->u.object.values[i]);
        tok[id] = (gt_vstr){ vocab->u.object.keys[i], strlen(vocab->u.object.keys[i]) };
        ty[id] = GT_TT_NORMAL;
    }
    for (size_t i = 0; i < added->u.array.len; i++) {
        const char *c = gt_json_str(added->u.array.values[i], "content");
        size_t id = (size_t)YAJL_GET_INTEGER(gt_json_get(added->u.array.values[i], "id"));
        tok[id] = (gt_vstr){ c, strlen(c) };
        ty[id] = GT_TT_CONTROL;
    }
    char **own = calloc(merges->u.array.len + 1, sizeof *own);
    for (size_t i = 0; i < merges->u.array.len; i++) {
        yajl_val m = merges->u.array.values[i];
        if (YAJL_IS_STRING(m)) { const char *ms = m->u.string; mg[i] = (gt_vstr){ ms, strlen(ms) }; continue; }
        const char *x = YAJL_GET_STRING(m->u.array.values[0]), *y = YAJL_GET_STRING(m->u.array.values[1]);
        own[i] = malloc(strlen(x) + strlen(y) + 2);
        sprintf(own[i], "%s %s", x, y);
        mg[i] = (gt_vstr){ own[i], strlen(own[i]) };
    }
    gt_vocab v = { .kind = GT_VOCAB_BPE, .n = n, .tokens = tok, .types = ty, .nmerges = merges->u.array.len,
                   .merges = mg, .pre = pre, .bos = GT_VOCAB_UNSET, .eos = GT_VOCAB_UNSET, .unk = GT_VOCAB_UNSET,
                   .pad = GT_VOCAB_UNSET, .add_bos = GT_VOCAB_UNSET, .add_eos = GT_VOCAB_UNSET,
                   .add_space_prefix = GT_VOCAB_UNSET };
    gt_tok *t = gt_tok_from_vocab(&v, err, sizeof err);
    snprintf(what, sizeof what, "%s as a llama.cpp vocabulary (pre %s)", json, pre);
    CHECK(t != NULL, what);
    if (t) {
        FILE *f = fopen(TD "hf-fixture.txt", "r"), *g = fopen(ids_path, "r");
        char *line = NULL, *want = NULL;
        size_t cap = 0, wcap = 0, k = 0, bad = 0;
        ssize_t len;
        gt_tokctx *c = gt_tokctx_new(t);
        gt_ids ids = { 0 };
        while (f && g && (len = getline(&line, &cap, f)) > 0 && getline(&want, &wcap, g) > 0) {
            if (line[len - 1] == '\n') line[--len] = 0;
            ids.n = 0;
            gt_tok_encode(c, line, (size_t)len, &ids, NULL, 0);
            char got[65536];
            size_t o = 0;
            got[0] = 0;
            for (size_t q = 0; q < ids.n && o + 16 < sizeof got; q++) o += (size_t)snprintf(got + o, sizeof got - o, "%s%d", q ? " " : "", ids.v[q]);
            want[strcspn(want, "\n")] = 0;
            if (strcmp(got, want) != 0 && bad++ < 5) printf("  %s line %zu: %.60s\n    want %.200s\n    got  %.200s\n", json, k + 1, line, want, got);
            k++;
        }
        snprintf(what, sizeof what, "%s: llama.cpp's rules (pre %s) give the tokenizers library's ids on %zu lines", json, pre, k);
        CHECK(k == 558 && bad == 0, what);
        gt_ids_free(&ids);
        gt_tokctx_free(c);
        free(line); free(want);
        if (f) fclose(f);
        if (g) fclose(g);
    }
    gt_tok_free(t);
    for (size_t i = 0; i < merges->u.array.len; i++) free(own[i]);
    free(own); free(tok); free(mg); free(ty);
    yajl_tree_free(root);
}

static void test_hf_vocabs(void)
{
    check_hf_vocab(TD "hf-llama3.tokenizer.json", "llama-bpe", TD "hf-llama3.ids");
    check_hf_vocab(TD "hf-gpt2.tokenizer.json", "gpt-2", TD "hf-gpt2.ids");
}

/* ---- GGUF files in memory ---- */

static void put32(gt_buf *b, uint32_t v)
{
    unsigned char x[4] = { (unsigned char)v, (unsigned char)(v >> 8), (unsigned char)(v >> 16), (unsigned char)(v >> 24) };
    gt_buf_add(b, x, 4);
}

static void put64(gt_buf *b, uint64_t v) { put32(b, (uint32_t)v); put32(b, (uint32_t)(v >> 32)); }
static void putstr(gt_buf *b, const char *s) { put64(b, strlen(s)); gt_buf_adds(b, s); }
static void key(gt_buf *b, const char *k, uint32_t type) { putstr(b, k); put32(b, type); }
static void kv_str(gt_buf *b, const char *k, const char *v) { key(b, k, GT_GGUF_STRING); putstr(b, v); }
static void kv_u32(gt_buf *b, const char *k, uint32_t v) { key(b, k, GT_GGUF_U32); put32(b, v); }
static void kv_f32(gt_buf *b, const char *k, float f) { uint32_t u; memcpy(&u, &f, 4); key(b, k, GT_GGUF_F32); put32(b, u); }

static void kv_bool(gt_buf *b, const char *k, int v)
{
    key(b, k, GT_GGUF_BOOL);
    gt_buf_putc(b, (char)v);
}

static void kv_strs(gt_buf *b, const char *k, const char *const *v, size_t n)
{
    key(b, k, GT_GGUF_ARRAY);
    put32(b, GT_GGUF_STRING);
    put64(b, n);
    for (size_t i = 0; i < n; i++) putstr(b, v[i]);
}

static void kv_i32s(gt_buf *b, const char *k, const int32_t *v, size_t n)
{
    key(b, k, GT_GGUF_ARRAY);
    put32(b, GT_GGUF_I32);
    put64(b, n);
    for (size_t i = 0; i < n; i++) put32(b, (uint32_t)v[i]);
}

static const char *const g_tokens[] = { "a", "b", "ab", "<|end|>", "\xc4\xa0" };
static const int32_t g_types[] = { 1, 1, 1, 3, 1 };
static const char *const g_merges[] = { "a b" };

/* A gpt2 tokenizer file without tensors; OMIT leaves out one key (by name),
 * PRE is tokenizer.ggml.pre (NULL: none). */
static void tok_file(gt_buf *b, const char *omit, const char *model, const char *pre, size_t ntypes)
{
    gt_buf kv = { 0 };
    int nkv = 0;
#define ADD(name, stmt) do { if (!omit || strcmp(omit, name)) { stmt; nkv++; } } while (0)
    ADD("tokenizer.ggml.model", kv_str(&kv, "tokenizer.ggml.model", model));
    ADD("tokenizer.ggml.tokens", kv_strs(&kv, "tokenizer.ggml.tokens", g_tokens, 5));
    ADD("tokenizer.ggml.token_type", kv_i32s(&kv, "tokenizer.ggml.token_type", g_types, ntypes));
    ADD("tokenizer.ggml.merges", kv_strs(&kv, "tokenizer.ggml.merges", g_merges, 1));
    if (pre) ADD("tokenizer.ggml.pre", kv_str(&kv, "tokenizer.ggml.pre", pre));
    ADD("tokenizer.ggml.eos_token_id", kv_u32(&kv, "tokenizer.ggml.eos_token_id", 3));
    ADD("tokenizer.ggml.bos_token_id", kv_f32(&kv, "tokenizer.ggml.bos_token_id", 1.5f));
    ADD("tokenizer.ggml.add_bos_token", kv_bool(&kv, "tokenizer.ggml.add_bos_token", 0));
#undef ADD
    gt_buf_add(b, "GGUF", 4);
    put32(b, 3);
    put64(b, 0);
    put64(b, (uint64_t)nkv);
    gt_buf_add(b, kv.p, kv.n);
    gt_buf_free(&kv);
}

/* The tokenizer of B: NULL with the message in err. */
static gt_tok *tok_of_buf(gt_buf *b)
{
    gt_gguf g;
    err[0] = 0;
    if (gt_gguf_open_mem(&g, b->p, b->n, "mem.gguf", err, sizeof err) != 0) return NULL;
    gt_tok *t = gt_gguf_tok(&g, err, sizeof err);
    gt_gguf_close(&g);
    return t;
}

static void expect_tok_fail(const char *omit, const char *model, const char *pre, size_t ntypes, const char *exp,
                            const char *name)
{
    gt_buf b = { 0 };
    tok_file(&b, omit, model, pre, ntypes);
    gt_tok *t = tok_of_buf(&b);
    if (t) CHECK(0, name);
    else CHECK_STR(err, exp, name);
    gt_tok_free(t);
    gt_buf_free(&b);
}

static void test_gguf_files(void)
{
    gt_buf b = { 0 };
    tok_file(&b, "tokenizer.ggml.bos_token_id", "gpt2", "smollm", 5);
    gt_tok *t = tok_of_buf(&b);
    CHECK(t && gt_tok_vocab_size(t) == 5 && gt_tok_eos(t) == 3 && gt_tok_bos(t) == -1 && gt_tok_add_bos(t) == 0,
          "gguf: a tiny gpt2 tokenizer from the keys (BOS 11 is out of range: none)");
    if (!t) printf("  %s\n", err);
    CHECK(t && strcmp(ids_of(t, "ab<|end|>a b"), "2 3 0 4 1") == 0, "gguf: merges, a control token, byte-level space");
    gt_tok_free(t);
    gt_buf_free(&b);
    expect_tok_fail("tokenizer.ggml.model", "gpt2", "smollm", 5, "mem.gguf: no tokenizer (tokenizer.ggml.model is missing)",
                    "gguf: no tokenizer.ggml.model");
    expect_tok_fail(NULL, "bert", "smollm", 5, "mem.gguf: tokenizer.ggml.model: 'bert' is not supported (llama, gpt2)",
                    "gguf: an unsupported tokenizer model");
    expect_tok_fail("tokenizer.ggml.tokens", "gpt2", "smollm", 5, "mem.gguf: tokenizer.ggml.tokens is missing",
                    "gguf: no tokens");
    expect_tok_fail("tokenizer.ggml.merges", "gpt2", "smollm", 5,
                    "mem.gguf: tokenizer.ggml.merges is missing (a gpt2 tokenizer needs them)", "gguf: no merges");
    expect_tok_fail(NULL, "gpt2", "smollm", 4, "mem.gguf: tokenizer.ggml.token_type: 4 types for 5 tokens",
                    "gguf: too few token types");
    expect_tok_fail(NULL, "gpt2", "smollm", 5, "mem.gguf: tokenizer.ggml.bos_token_id: f32, not an integer",
                    "gguf: an id that is not an integer");
    char exp[1024];
    snprintf(exp, sizeof exp, "mem.gguf: tokenizer.ggml.pre: unknown pre-tokenizer 'mistral-x' (known: %s)", gt_vocab_pre_names());
    expect_tok_fail("tokenizer.ggml.bos_token_id", "gpt2", "mistral-x", 5, exp, "gguf: an unknown pre-tokenizer, named");
}

int main(void)
{
    test_pre_tokenizers();
    test_special();
    test_rules();
    test_spm();
    test_gguf_files();
    test_hf_vocabs();
    test_fixtures();
    T_END();
}
