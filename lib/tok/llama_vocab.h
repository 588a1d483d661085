/* llama_vocab.h - tokenizers given as llama.cpp vocabularies: plain arrays of
 * token texts, scores and types, BPE merges, a pre-tokenizer name, special ids
 * and flags, the form in which a GGUF file's tokenizer.ggml.* keys carry them
 * (nn/gguf_tok.c reads those). This file holds llama.cpp's rules for such a
 * vocabulary that no engine owns: the defaults of the ids and flags, the
 * pre-tokenizer regular expressions of each tokenizer.ggml.pre name, which
 * tokens are matched as wholes in the text ("special" tokens: llama.cpp's
 * tokenize(..., parse_special = true)) and how a text is cut at them, and the
 * fingerprint. tokenizer.h's gt_tok_from_vocab builds the tokenizer on the
 * SentencePiece engine (tokenizer.ggml.model "llama") or the byte-level BPE
 * engine of tokenizer.json ("gpt2"). */
#ifndef GT_LLAMA_VOCAB_H
#define GT_LLAMA_VOCAB_H

#include <stddef.h>
#include <stdint.h>

/* A string of N bytes at P (not NUL-terminated). */
typedef struct { const char *p; size_t n; } gt_vstr;

enum { GT_VOCAB_SPM = 1, GT_VOCAB_BPE = 2 };

/* Token types: llama.cpp's llama_token_type (1..6 are SentencePiece's). */
enum {
    GT_TT_UNDEFINED = 0, GT_TT_NORMAL = 1, GT_TT_UNKNOWN = 2, GT_TT_CONTROL = 3,
    GT_TT_USER_DEFINED = 4, GT_TT_UNUSED = 5, GT_TT_BYTE = 6
};

#define GT_VOCAB_UNSET (-2)     /* an id or flag the file leaves out: llama.cpp's default applies */

typedef struct {
    int kind;                   /* GT_VOCAB_SPM or GT_VOCAB_BPE */
    size_t n;                   /* tokens */
    const gt_vstr *tokens;      /* their texts (BPE: in GPT-2's byte-to-character form) */
    const float *scores;        /* NULL: all 0 */
    const int32_t *types;       /* NULL: all normal */
    size_t nmerges;             /* BPE: the merges, "A B", rank = index */
    const gt_vstr *merges;
    const char *pre;            /* BPE: the pre-tokenizer's name; NULL: absent ("default") */
    int64_t bos, eos, unk, pad; /* ids as the file gives them, or GT_VOCAB_UNSET */
    int add_bos, add_eos;       /* 0 or 1, or GT_VOCAB_UNSET */
    int add_space_prefix;       /* SPM: a space before the text (and after each special token) */
} gt_vocab;

/* A pre-tokenizer: the text is cut by each regular expression in turn, every
 * match and every stretch between matches becoming a piece (llama.cpp's
 * unicode_regex_split, the Split pre-tokenizer's "Isolated"). */
typedef struct {
    const char *re[4];
    int nre;
    int ignore_merges;          /* a piece that is a token is taken whole */
    int add_bos;                /* llama.cpp's default of add_bos_token */
    int no_bos;                 /* no default BOS id */
} gt_vocab_pre;

/* The pre-tokenizer llama.cpp runs for tokenizer.ggml.pre NAME, or NULL. */
const gt_vocab_pre *gt_vocab_pre_find(const char *name);
/* The names gt_vocab_pre_find knows, comma-separated (for messages). */
const char *gt_vocab_pre_names(void);

/* What the tokenizer follows, resolved from the vocabulary: ids are -1 when
 * there is none. */
typedef struct {
    const gt_vocab_pre *pre;    /* BPE */
    int bos, eos, unk, pad;
    int add_bos, add_eos, add_space_prefix;
    uint64_t fp;                /* fingerprint: see gt_vocab_rules_of */
} gt_vocab_rules;

/* Check V (counts, types, ids) and resolve its rules as llama.cpp does: the
 * defaults of each kind (SPM: BOS 1, EOS 2, unknown 0, add_bos_token true,
 * add_space_prefix true; BPE: BOS and EOS 11, add_bos_token per pre-tokenizer),
 * then the file's values, an id out of range keeping the default (itself
 * dropped when out of range). The fingerprint hashes every token (text,
 * score, type), every merge, the pre-tokenizer's expressions and the rules.
 * 0, or -1 with the reason in ERR ("unknown pre-tokenizer 'x' (known: ...)",
 * "add_bos_token is true but there is no BOS id", ...). */
int gt_vocab_rules_of(const gt_vocab *v, gt_vocab_rules *r, char *err, size_t errsz);

/* Token I's text; an empty one reads "[EMPTY_I]" (written into BUF) as in
 * llama.cpp. */
gt_vstr gt_vocab_text(const gt_vocab *v, size_t i, char buf[32]);
/* Token I's type as llama.cpp uses it: the file's (an unknown value is
 * UNDEFINED), or CONTROL for the texts llama.cpp takes for end-of-turn and
 * fill-in-the-middle tokens ("<|im_end|>", "<|endoftext|>", "<|fim_prefix|>",
 * ...) whatever the file says. */
int gt_vocab_type(const gt_vocab *v, size_t i);

/* ---- special tokens matched as wholes ---- */

/* A fragment of a text: OFF, LEN and the special token's ID, or -1 for text
 * to be tokenized. */
typedef struct { uint32_t off, len; int32_t id; } gt_frag;
/* Per-thread fragment buffers for gt_special_split (zero them to start). */
typedef struct {
    gt_frag *v, *w;
    size_t n, cap;
    uint8_t *hit;
    size_t nhit;
} gt_frags;
typedef struct gt_special gt_special;

/* The tokens of V with type CONTROL, USER_DEFINED or UNKNOWN (gt_vocab_type),
 * longest first (equal lengths: lowest id first); NULL when there are none. */
gt_special *gt_special_new(const gt_vocab *v);
void gt_special_free(gt_special *s);
/* Cut TEXT[0..N) as llama.cpp's tokenizer_st_partition: for each special
 * token in the order above, every text fragment is cut at its occurrences,
 * leftmost first. The fragments go to F->v (F->n of them, none for an empty
 * text); S may be NULL. Returns F->n. */
size_t gt_special_split(const gt_special *s, const char *text, size_t n, gt_frags *f);
void gt_frags_free(gt_frags *f);

#endif
