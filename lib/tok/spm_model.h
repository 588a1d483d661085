/* spm_model.h - SentencePiece's tokenizer.model (a serialized ModelProto), read
 * with our own protobuf wire-format reader (spm_model.c). */
#ifndef GT_SPM_MODEL_H
#define GT_SPM_MODEL_H

#include <stddef.h>
#include <stdint.h>

enum {                      /* ModelProto.SentencePiece.Type */
    GT_SPM_NORMAL = 1, GT_SPM_UNKNOWN = 2, GT_SPM_CONTROL = 3,
    GT_SPM_USER_DEFINED = 4, GT_SPM_BYTE = 6, GT_SPM_UNUSED = 5
};
enum { GT_SPM_UNIGRAM = 1, GT_SPM_BPE = 2, GT_SPM_WORD = 3, GT_SPM_CHAR = 4 };

typedef struct {
    char *piece;            /* NUL-terminated, points into gt_spm_model.strs */
    uint32_t len;
    float score;
    int type;
} gt_spm_piece;

typedef struct {
    gt_spm_piece *pieces;
    int npieces;
    char *strs;             /* storage of every piece */
    /* trainer_spec */
    int model_type;         /* default UNIGRAM */
    int byte_fallback;
    int treat_ws_as_suffix;
    int unk_id, bos_id, eos_id, pad_id;
    /* normalizer_spec */
    char norm_name[64];
    int add_dummy_prefix, remove_extra_ws, escape_ws;
    size_t charsmap_len;    /* precompiled_charsmap size (0: none) */
} gt_spm_model;

/* Parse a serialized ModelProto. 0 ok; -1 with a reason in ERR (for example
 * "truncated model file", "not a SentencePiece model"). */
int gt_spm_model_parse(gt_spm_model *m, const unsigned char *p, size_t n, char *err, size_t errsz);
void gt_spm_model_free(gt_spm_model *m);

#endif
