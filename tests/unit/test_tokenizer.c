/* Unit tests: protobuf reader, BPE merge order, byte fallback, decoding,
 * templates and token stream records, on a small hand-built model; and a few
 * strings with the LLaMA-2 tokenizer when the shared models are present. */
#include "t.h"
#include "tok/template.h"
#include "tok/tokenizer.h"
#include "tok_enc.h"
#include "tok/tokstream.h"
#include "core/util.h"

#include <stdlib.h>
#include <string.h>

typedef struct { unsigned char *p; size_t n, cap; } pbuf;

static void pb_put(pbuf *b, const void *s, size_t n)
{
    if (b->n + n > b->cap) { b->cap = (b->n + n) * 2 + 64; b->p = realloc(b->p, b->cap); }
    memcpy(b->p + b->n, s, n);
    b->n += n;
}
static void pb_varint(pbuf *b, uint64_t v)
{
    unsigned char c;
    do { c = v & 0x7f; v >>= 7; if (v) c |= 0x80; pb_put(b, &c, 1); } while (v);
}
static void pb_lenfield(pbuf *b, int field, const void *s, size_t n)
{
    pb_varint(b, (uint64_t)field << 3 | 2);
    pb_varint(b, n);
    pb_put(b, s, n);
}
static void pb_piece(pbuf *m, const char *s, float score, int type)
{
    pbuf p = { 0 };
    pb_lenfield(&p, 1, s, strlen(s));
    pb_varint(&p, 2 << 3 | 5);
    pb_put(&p, &score, 4);
    if (type != 1) { pb_varint(&p, 3 << 3); pb_varint(&p, (uint64_t)type); }
    pb_lenfield(m, 1, p.p, p.n);
    free(p.p);
}

/* A BPE model: <unk> <s> </s>, 256 bytes, then pieces with scores. */
static pbuf build_model(int byte_fallback)
{
    pbuf m = { 0 };
    pb_piece(&m, "<unk>", 0, 2);
    pb_piece(&m, "<s>", 0, 3);
    pb_piece(&m, "</s>", 0, 3);
    if (byte_fallback)
        for (int b = 0; b < 256; b++) {
            char s[8];
            snprintf(s, sizeof s, "<0x%02X>", b);
            pb_piece(&m, s, 0, 6);
        }
    static const struct { const char *s; float sc; } P[] = {
        { "\xe2\x96\x81", -1 }, { "a", -2 }, { "b", -3 }, { "c", -4 },
        { "ab", -10 }, { "bc", -10 },       /* tie: leftmost pair wins */
        { "\xe2\x96\x81" "a", -5 }, { "\xe2\x96\x81" "ab", -20 }, { "abc", -30 },
    };
    for (size_t i = 0; i < sizeof P / sizeof *P; i++) pb_piece(&m, P[i].s, P[i].sc, 1);
    pbuf t = { 0 };
    pb_varint(&t, 3 << 3); pb_varint(&t, 2);            /* model_type BPE */
    if (byte_fallback) { pb_varint(&t, 35 << 3); pb_varint(&t, 1); }
    pb_varint(&t, 43 << 3); pb_varint(&t, (uint64_t)(int64_t)-1);   /* pad_id -1: 10-byte varint */
    pb_lenfield(&m, 2, t.p, t.n);
    pbuf nm = { 0 };
    pb_lenfield(&nm, 1, "identity", 8);
    pb_varint(&nm, 4 << 3); pb_varint(&nm, 0);          /* remove_extra_whitespaces false */
    pb_lenfield(&m, 3, nm.p, nm.n);
    free(t.p); free(nm.p);
    return m;
}


int main(void)
{
    char err[256];
    pbuf m = build_model(1);
    gt_tok *t = gt_tok_load_mem(m.p, m.n, err, sizeof err);
    CHECK(t != NULL, "hand-built model loads");
    if (!t) { printf("FAIL load: %s\n", err); T_END(); }
    /* ids: <unk>0 <s>1 </s>2 bytes 3..258, ▁259 a260 b261 c262 ab263 bc264 ▁a265 ▁ab266 abc267 */
    CHECK(gt_tok_vocab_size(t) == 268, "vocabulary size");
    CHECK(gt_tok_model(t)->pad_id == -1, "negative int32 varint (pad_id -1)");
    CHECK(gt_tok_model(t)->add_dummy_prefix == 1 && gt_tok_model(t)->remove_extra_ws == 0, "normaliser defaults and flags");
    gt_tokctx *c = gt_tokctx_new(t);
    CHECK_STR(enc(c, "a"), "265", "dummy prefix merges with a");
    CHECK_STR(enc(c, "abc"), "265 264", "highest score first: ▁a before ab, then bc");
    CHECK_STR(enc(c, "bc a"), "259 264 265", "space becomes U+2581");
    CHECK_STR(enc(c, ""), "", "empty text has no tokens (no dummy prefix)");
    CHECK_STR(enc(c, "d"), "259 103", "unknown character: byte fallback <0x64>");
    CHECK_STR(enc(c, "\xc3\xa9"), "259 198 172", "two-byte character: two byte pieces");
    CHECK_STR(enc(c, "\xff"), "259 242 194 192", "invalid byte becomes U+FFFD (EF BF BD)");
    CHECK_STR(enc(c, "  "), "259 259 259", "runs of spaces kept (remove_extra_whitespaces false)");
    /* decode */
    char *buf = NULL; size_t len = 0, cap = 0, bad = 0;
    int32_t ids1[] = { 1, 265, 264, 259, 103, 198, 172, 2 };
    gt_tok_decode(t, ids1, 8, &buf, &len, &cap, &bad);
    CHECK_STR(buf, "abc d\xc3\xa9", "decode: control ids vanish, dummy prefix dropped, bytes joined");
    len = 0;
    int32_t ids2[] = { 259, 265, 0, 194, 999 };
    gt_tok_decode(t, ids2, 5, &buf, &len, &cap, &bad);
    CHECK_STR(buf, " a \xe2\x81\x87 \xef\xbf\xbd", "decode: first ▁ only stripped once, unk surface, lone byte is U+FFFD");
    CHECK(bad == 1, "decode: out-of-range id counted");
    free(buf);
    /* marks and offsets: "ab c" -> ▁ab ▁ c */
    gt_ids ids = { 0 };
    size_t marks[2] = { 2, 3 };
    gt_tok_encode(c, "ab c", 4, &ids, marks, 2);
    CHECK(ids.n == 3 && ids.v[0] == 266 && ids.v[1] == 259 && ids.v[2] == 262, "encode ab c");
    CHECK(marks[0] == 1 && marks[1] == 2, "marks become token indexes");
    CHECK(gt_tok_token_offset(c, "ab c", 4, 1) == 2 && gt_tok_token_offset(c, "ab c", 4, 2) == 3 &&
          gt_tok_token_offset(c, "ab c", 4, 9) == 4, "token offsets");
    gt_ids_free(&ids);
    uint64_t fp = gt_tok_fingerprint(t);
    gt_tokctx_free(c);
    gt_tok_free(t);

    /* errors */
    t = gt_tok_load_mem(m.p, m.n - 7, err, sizeof err);
    CHECK(t == NULL && strstr(err, "truncated model file"), "truncated model refused");
    t = gt_tok_load_mem("{\"model\":{}}", 12, err, sizeof err);
    CHECK(t == NULL && strstr(err, "not a BPE model"), "tokenizer.json without a model type");
    /* Hugging Face tokenizer.json: expected ids and offsets from tokenizers 0.23 */
    static const char hf1[] = "{\"model\": {\"type\": \"BPE\", \"vocab\": {\"<unk>\": 0, \"a\": 1, \"b\": 2, \"c\": 3, \"ab\": 4, \"bc\": 5, \"abc\": 6, \"aa\": 7, \"-\": 8}, \"merges\": [\"a b\", \"b c\", \"ab c\", \"a a\"], \"unk_token\": \"<unk>\", \"fuse_unk\": true}, \"added_tokens\": [{\"id\": 9, \"content\": \"[X]\", \"single_word\": false, \"lstrip\": true, \"rstrip\": true, \"normalized\": false, \"special\": false}, {\"id\": 10, \"content\": \"<s>\", \"single_word\": false, \"lstrip\": false, \"rstrip\": false, \"normalized\": false, \"special\": true}], \"pre_tokenizer\": {\"type\": \"Split\", \"pattern\": {\"String\": \"-\"}, \"behavior\": \"MergedWithPrevious\", \"invert\": false}}";
    static const char hf2[] = "{\"model\": {\"type\": \"BPE\", \"vocab\": {\"<unk>\": 0, \"a\": 1, \"b\": 2, \"c\": 3, \"ab\": 4, \"bc\": 5, \"abc\": 6, \"aa\": 7, \"-\": 8}, \"merges\": [[\"b\", \"c\"], [\"a\", \"b\"], [\"ab\", \"c\"], [\"a\", \"a\"]], \"unk_token\": \"<unk>\", \"fuse_unk\": false}, \"added_tokens\": [{\"id\": 9, \"content\": \"[X]\", \"single_word\": false, \"lstrip\": true, \"rstrip\": true, \"normalized\": false, \"special\": false}, {\"id\": 10, \"content\": \"<s>\", \"single_word\": false, \"lstrip\": false, \"rstrip\": false, \"normalized\": false, \"special\": true}], \"pre_tokenizer\": {\"type\": \"Split\", \"pattern\": {\"String\": \"-\"}, \"behavior\": \"MergedWithPrevious\", \"invert\": false}}";
    t = gt_tok_load_mem(hf1, sizeof hf1 - 1, err, sizeof err);
    CHECK(t != NULL, "tokenizer.json loads");
    if (t) {
        c = gt_tokctx_new(t);
        CHECK_STR(enc(c, "abc"), "6", "hf: merges by rank");
        CHECK_STR(enc(c, "aaa"), "7 1", "hf: equal ranks, leftmost first");
        CHECK_STR(enc(c, "xxa"), "0 1", "hf: unknown characters fused into one unk");
        CHECK_STR(enc(c, "ab-c-"), "4 8 3 8", "hf: Split MergedWithPrevious");
        CHECK_STR(enc(c, "a  [X]  b"), "1 9 2", "hf: added token with lstrip and rstrip");
        CHECK_STR(enc(c, "<s>ab<s>"), "10 4 10", "hf: special token in the text");
        CHECK(gt_tok_vocab_size(t) == 11 && gt_tok_unk(t) == 0 && gt_tok_bos(t) == 10 && gt_tok_eos(t) == -1,
              "hf: vocabulary size and special ids");
        size_t mk[3] = { 1, 2, 8 };
        gt_ids hi = { 0 };
        gt_tok_encode(c, "a  [X]  b", 9, &hi, mk, 3);
        CHECK(hi.n == 3 && mk[0] == 1 && mk[1] == 2 && mk[2] == 2, "hf: marks");
        CHECK(gt_tok_token_offset(c, "a  [X]  b", 9, 2) == 8 && gt_tok_token_offset(c, "a  [X]  b", 9, 3) == 9,
              "hf: token offsets");
        gt_ids_free(&hi);
        int32_t di[5] = { 1, 4, 9, 10, 6 };
        char *db = NULL;
        size_t dl = 0, dc = 0;
        gt_tok_decode(t, di, 5, &db, &dl, &dc, NULL);
        CHECK_STR(db, "a ab [X] abc", "hf: no decoder: tokens joined by spaces, special skipped");
        free(db);
        gt_tokctx_free(c);
        gt_tok_free(t);
    }
    t = gt_tok_load_mem(hf2, sizeof hf2 - 1, err, sizeof err);
    CHECK(t != NULL, "tokenizer.json with [a, b] merges loads");
    if (t) {
        c = gt_tokctx_new(t);
        CHECK_STR(enc(c, "abc"), "1 5", "hf: merge order from the list");
        CHECK_STR(enc(c, "xxa"), "0 0 1", "hf: unknown characters not fused");
        gt_tokctx_free(c);
        gt_tok_free(t);
    }
    t = gt_tok_load_mem(hf1, 100, err, sizeof err);
    CHECK(t == NULL && strstr(err, "invalid JSON"), "hf: truncated tokenizer.json refused");
    t = gt_tok_load_mem("\x10\x00\x00\x00" "abcd", 8, err, sizeof err);
    CHECK(t == NULL && strstr(err, "unknown tokenizer file kind"), "unknown kind refused");
    pbuf m2 = build_model(0);
    t = gt_tok_load_mem(m2.p, m2.n, err, sizeof err);
    CHECK(t != NULL && gt_tok_fingerprint(t) != fp, "other model, other fingerprint");
    if (t) {
        c = gt_tokctx_new(t);
        CHECK_STR(enc(c, "dd a"), "3 0 9", "no byte fallback: one unk id per run of unknown pieces");
        gt_tokctx_free(c);
        gt_tok_free(t);
    }
    free(m.p); free(m2.p);

    /* templates */
    gt_template tp;
    gt_template_default(&tp);
    gt_buf b = { 0 };
    size_t i0, i1;
    size_t pl = gt_template_render(&tp, "I", 1, "IN", 2, 1, &b, &i0, &i1);
    gt_buf_add(&b, "", 1);
    CHECK_STR(b.p, "Below is an instruction that describes a task, paired with an input that provides further context. "
                   "Write a response that appropriately completes the request.\n\n### Instruction:\nI\n\n### Input:\nIN\n\n### Response:\n",
              "alpaca template with input");
    CHECK(pl == b.n - 1 && memcmp(b.p + i0, "IN", 2) == 0 && i1 == i0 + 2, "input offsets");
    gt_template_free(&tp);
    b.n = 0;
    const char *js = "{\"prompt_input\":\"{{x}} {instruction}/{input}\",\"prompt_no_input\":\"{instruction}\",\"response_split\":\"R\"}";
    CHECK(gt_template_parse(&tp, js, strlen(js), err, sizeof err) == 0, "template parses");
    gt_template_render(&tp, "a", 1, "b", 1, 1, &b, &i0, &i1);
    gt_buf_add(&b, "", 1);
    CHECK_STR(b.p, "{x} a/b", "braces escaped as in str.format");
    gt_template_free(&tp);
    js = "{\"prompt_input\":\"{output}\",\"prompt_no_input\":\"\",\"response_split\":\"R\"}";
    CHECK(gt_template_parse(&tp, js, strlen(js), err, sizeof err) != 0 && strstr(err, "placeholder"), "unknown placeholder refused");
    js = "{\"prompt_input\":\"x\"}";
    CHECK(gt_template_parse(&tp, js, strlen(js), err, sizeof err) != 0 && strstr(err, "prompt_no_input"), "missing key refused");

    /* stream records */
    b.n = 0;
    gt_ts_put_header(&b, 2, 32000, 0x1122334455667788ULL);
    int32_t rid[3] = { 1, 31999, 2 };
    gt_ts_put_record(&b, 2, rid, 3, 1);
    gt_ts_header h;
    CHECK(b.n == 32 + 8 + 6 && gt_ts_parse_header((unsigned char *)b.p, &h, err, sizeof err) == 0 &&
          h.vocab == 32000 && h.width == 2 && h.fingerprint == 0x1122334455667788ULL, "stream header round trip");
    CHECK((unsigned char)b.p[3] >= 0x80, "magic cannot be read as a record length");
    CHECK(memcmp(b.p + 32, "\x03\0\0\0\x01\0\0\0\x01\0\xff\x7c\x02\0", 14) == 0, "record layout");
    gt_buf_free(&b);

    /* The LLaMA-2 tokenizer, when the shared models are there. */
    const char *sh = getenv("GT_SHARED");
    char path[1024];
    snprintf(path, sizeof path, "%s/models/llama2-tokenizer/tokenizer.model", sh ? sh : "../shared");
    t = gt_tok_load(path, err, sizeof err);
    if (t) {
        c = gt_tokctx_new(t);
        CHECK_STR(enc(c, "Hello world"), "15043 3186", "llama2: Hello world");
        CHECK_STR(enc(c, "  two  spaces "), "259 1023 29871 8162 29871", "llama2: spaces");
        CHECK_STR(enc(c, "caf\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e \xf0\x9f\xa4\x97"),
                  "274 28059 29871 30325 30346 30968 29871 243 162 167 154", "llama2: accents, CJK, emoji bytes");
        CHECK(gt_tok_bos(t) == 1 && gt_tok_eos(t) == 2 && gt_tok_unk(t) == 0, "llama2: special ids");
        /* gt_template_encode: the input cut to its first N tokens inside the prompt */
        gt_template tpl2;
        const char *tj = "{\"prompt_input\":\"{input}\\nTitle:\\n\",\"prompt_no_input\":\"x\","
                         "\"response_split\":\"Title:\",\"max_input_tokens\":40}";
        CHECK(gt_template_parse(&tpl2, tj, strlen(tj), err, sizeof err) == 0 && tpl2.max_input_tokens == 40,
              "template: max_input_tokens read");
        const char *abs = "We present a fully differential calculation of diphoton production at hadron colliders, "
                          "including next-to-leading order corrections and the resummation of soft gluon effects, "
                          "and compare it with data from the Tevatron.";
        gt_buf pb = { 0 };
        gt_ids all = { 0 }, cut = { 0 }, again = { 0 };
        size_t full = gt_template_encode(&tpl2, c, "", 0, abs, strlen(abs), 0, &pb, &all);
        int nbad = 0, tight = 1;
        for (int n = 1; n <= 45; n++) {
            cut.n = 0;
            size_t kept = gt_template_encode(&tpl2, c, "", 0, abs, strlen(abs), n, &pb, &cut);
            /* the prompt is a prefix of the input and the suffix; its ids are its plain encoding */
            size_t plen = pb.n - strlen("\nTitle:\n");
            again.n = 0;
            gt_tok_encode(c, pb.p, pb.n, &again, NULL, 0);
            if (kept > (size_t)n || memcmp(pb.p, abs, plen) != 0 || memcmp(pb.p + plen, "\nTitle:\n", 8) != 0 ||
                again.n != cut.n || memcmp(again.v, cut.v, sizeof(int32_t) * cut.n) != 0)
                nbad++;
            if ((size_t)n < full && kept + 1 < (size_t)n) tight = 0;
        }
        if (full <= 40 || nbad) printf("  full %zu, %d bad\n", full, nbad);
        CHECK(full > 40 && nbad == 0, "template_encode: input within N tokens, prompt = its own encoding");
        CHECK(tight, "template_encode: at most one token short of N");
        cut.n = 0;
        gt_template_encode(&tpl2, c, "", 0, abs, strlen(abs), 1000, &pb, &cut);
        CHECK(cut.n == all.n && memcmp(cut.v, all.v, sizeof(int32_t) * all.n) == 0, "template_encode: short input kept whole");
        gt_buf_free(&pb);
        gt_ids_free(&all); gt_ids_free(&cut); gt_ids_free(&again);
        gt_template_free(&tpl2);
        const char *bad_tj = "{\"prompt_input\":\"{input}\",\"prompt_no_input\":\"x\",\"response_split\":\"x\","
                             "\"max_input_tokens\":-3}";
        CHECK(gt_template_parse(&tpl2, bad_tj, strlen(bad_tj), err, sizeof err) != 0 && strstr(err, "max_input_tokens"),
              "template: bad max_input_tokens refused");
        gt_tokctx_free(c);
        gt_tok_free(t);
    }
    T_END();
}
