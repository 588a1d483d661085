/* model.h - LLaMA-architecture models in the Hugging Face layout (config.json
 * plus model.safetensors, or shards with model.safetensors.index.json) and
 * their forward pass: RMSNorm, rotate_half RoPE (rope_theta, llama3 and linear
 * rope_scaling), grouped-query attention with a KV cache, SwiGLU MLP.
 *
 * Weights stay in the memory-mapped files: F32 used in place, F16/BF16 kept
 * 16-bit and widened inside the matmul kernel. A prompt is processed in one
 * batched pass (matrix-matrix products), then tokens one at a time.
 *
 * Loading (config, projections, weights) is in load.c, the forward pass and
 * its run state in model.c. */
#ifndef GT_MODEL_H
#define GT_MODEL_H

#include <stddef.h>
#include <stdint.h>
#include "nn/safetensors.h"
#include "nn/gguf.h"

typedef struct {
    int dim;                /* hidden_size */
    int hidden_dim;         /* intermediate_size */
    int n_layers;           /* num_hidden_layers */
    int n_heads;            /* num_attention_heads */
    int n_kv_heads;         /* num_key_value_heads (default n_heads) */
    int head_dim;           /* head_dim (default dim / n_heads) */
    int vocab_size;
    int max_pos;            /* max_position_embeddings (default 2048) */
    float norm_eps;         /* rms_norm_eps (default 1e-6) */
    double rope_theta;      /* default 10000 */
    int tie_embeddings;     /* tie_word_embeddings (default false) */
    enum { GT_ROPE_DEFAULT, GT_ROPE_LINEAR, GT_ROPE_LLAMA3 } rope_type;
    double rope_factor, rope_low_freq, rope_high_freq;
    int rope_orig_max_pos;
    int bos_id;             /* -1 when absent */
    int eos_ids[8];         /* eos_token_id (a number or a list); n_eos of them */
    int n_eos;
} gt_config;

/* Parse and check a config.json text; PATH only names it in messages.
 * 0 ok; -1 with "PATH: ..." in ERR. */
int gt_config_parse(gt_config *c, const char *json, const char *path, char *err, size_t errsz);

typedef struct {
    const void *p;          /* [rows][cols] row-major, in the mapping */
    gt_dtype dt;
} gt_wmat;

/* The seven projections of a layer, in PEFT's target-name order: their names
 * (gt_projs), shapes (gt_proj_dims) and weights (gt_layer.w) in one place. */
enum { GT_PROJ_Q, GT_PROJ_K, GT_PROJ_V, GT_PROJ_O, GT_PROJ_GATE, GT_PROJ_UP, GT_PROJ_DOWN, GT_PROJ_N };
typedef struct {
    const char *name;       /* PEFT's target name: "q_proj", ..., "down_proj" */
    const char *module;     /* "self_attn" (q, k, v, o) or "mlp" (gate, up, down) */
    const char *gguf;       /* llama.cpp's name in GGUF files (blk.N.NAME.weight): "attn_q", "attn_k",
                               "attn_v", "attn_output", "ffn_gate", "ffn_up", "ffn_down" */
} gt_proj_info;
extern const gt_proj_info gt_projs[GT_PROJ_N];

/* The shape [out][in] of projection P's weight under C. */
void gt_proj_dims(const gt_config *c, int p, int *out, int *in);
/* "PREFIX model.layers.LAYER.MODULE.NAME SUFFIX" (no spaces) into BUF, for
 * example "model.layers.0.self_attn.q_proj.weight"; BUF returned. */
const char *gt_proj_tensor(char *buf, size_t n, const char *prefix, int layer, int p, const char *suffix);
/* The projection named at the start of S, "model.layers.L.MODULE.NAME"
 * followed by '.' or the end: its index with *LAYER = L and *REST after NAME,
 * or -1. */
int gt_proj_parse(const char *s, int *layer, const char **rest);

typedef struct {
    gt_wmat w[GT_PROJ_N];            /* the projections (self_attn.{q,k,v,o}_proj, mlp.{gate,up,down}_proj) */
    float *attn_norm, *ffn_norm;     /* input_layernorm, post_attention_layernorm (F32 copies) */
} gt_layer;

/* A hook run right after projections P0 .. P0 + NP - 1 of layer LAYER, which
 * share their input X ([n][in] floats): q, k, v; o; gate, up; down. For each,
 * OUTS[i] ([n][LDOS[i]], the projection's output, before RoPE) += delta(X).
 * Used for LoRA adapters kept apart (lora.c), which take one product of X for
 * all the projections of a group. */
typedef void (*gt_delta_fn)(void *ctx, int layer, int p0, int np, float *const *outs, const size_t *ldos,
                            const float *x, int n);

typedef struct {
    gt_config c;
    gt_st st;
    gt_wmat embed;          /* model.embed_tokens.weight [vocab][dim] */
    gt_wmat lm_head;        /* lm_head.weight, or embed when tied */
    float *norm;            /* model.norm.weight */
    gt_layer *layers;
    double *inv_freq;       /* RoPE frequencies, head_dim / 2 */
    size_t weight_bytes;    /* bytes of every weight used */
    gt_gguf *gguf;          /* a GGUF model's file (its mapping holds the weights), else NULL */
    int qpack;              /* its block weights were repacked into qmatmul.h's panels */
    gt_delta_fn delta;      /* NULL, or a hook called after each projection */
    void *delta_ctx;
} gt_model;

/* Load the model in directory DIR. DIR may also be a llama.cpp GGUF file
 * (told by its magic; see load_gguf.h) or a llama2.c checkpoint (another
 * .bin file, or a folder holding model.bin and no config.json; see
 * llama2c.h). 0 ok; -1 with a message naming the file
 * (and tensor) in ERR, for example "DIR/config.json: missing \"hidden_size\"",
 * "DIR/model.safetensors: tensor 'model.norm.weight' has shape [4], expected [48]". */
int gt_model_load(gt_model *m, const char *dir, char *err, size_t errsz);
void gt_model_free(gt_model *m);

/* 0 when no weight of M (embedding, LM head, projections) is of a GGUF
 * block type; else -1 with "FILE: tensor 'blk.0.attn_q.weight' is Q4_1
 * (GGUF blocks): WHAT needs F32, F16 or BF16 weights" in ERR. For the steps
 * that rewrite or differentiate the weights (--load-8bit, full training,
 * merging), which have no block-type form. */
int gt_model_check_unblocked(const gt_model *m, const char *what, char *err, size_t errsz);

/* query rows per attention block: scores of at most GT_ATT_ROWS rows at a time */
#define GT_ATT_ROWS 16

/* Run state: activations for a chunk of tokens and the KV cache. */
typedef struct {
    int max_seq;            /* KV cache capacity, tokens */
    int chunk;              /* tokens per batched pass */
    int len;                /* tokens in the cache */
    float *x, *xb, *xb2;    /* [chunk][dim] residual, normed, attention out */
    float *q;               /* [chunk][n_heads*head_dim] */
    float *hb, *hb2;        /* [chunk][hidden_dim] */
    float *rope;            /* [chunk][head_dim] cos | sin halves */
    float *kb;              /* [chunk][n_kv_heads*head_dim] new keys */
    float *att;             /* [threads][att_rows][max_seq] scores */
    int att_threads, att_rows;
    /* keys transposed, [layers][n_kv_heads*head_dim][max_seq], so that the
     * scores of a row block are one matrix product; values [layers][max_seq][n_kv_heads*head_dim] */
    float *key_cache, *value_cache;
    size_t kv_bytes;
    char err[160];
} gt_state;

/* A state for up to MAX_SEQ tokens (<= 0: the model's max_pos), processing at
 * most CHUNK tokens per batched pass (<= 0: 64). NULL with a message in ERR
 * when it cannot be allocated. */
gt_state *gt_state_new(const gt_model *m, int max_seq, int chunk, char *err, size_t errsz);
void gt_state_free(gt_state *s);
/* Copy cache positions [a, b) of every layer from SRC to DST (same model). */
void gt_state_copy(const gt_model *m, gt_state *dst, const gt_state *src, int a, int b);

/* Run tokens[0..n) at positions pos..pos+n-1 (pos <= s->len: earlier cache
 * entries are kept, later ones replaced), appending their keys and values to
 * the cache. LOGITS gets [n][vocab] floats when WANT_ALL, else [vocab] for the
 * last token (it may be NULL when no logits are wanted). Returns 0, or -1 with
 * the reason in s->err (position past max_seq, token id out of range). */
int gt_model_forward(const gt_model *m, gt_state *s, const int32_t *tokens, int n, int pos, float *logits,
                     int want_all);

/* One step of N sequences at once (beam search): token TOK[i] at position POS
 * of the sequence cached in ST[i] (POS <= its length; later entries are
 * replaced), one batched pass with the weights read once; ST[0]'s activation
 * buffers are used. LOGITS[i] gets the [vocab] logits of sequence i. All
 * states must have the same max_seq. Returns 0, or -1 with the reason in
 * ST[0]->err. The same numbers as N calls of gt_model_forward up to the
 * rounding of the matrix kernels' blocking. */
int gt_model_decode_multi(const gt_model *m, gt_state *const *st, const int32_t *tok, int n, int pos,
                          float *const *logits);

#endif
