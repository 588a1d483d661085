/* api.h - title-gen --serve: on serve.h's server, GET / (the page, with the
 * defaults filled in), POST /api/generate (titles for one abstract, as JSON)
 * and GET /healthz; requests generate one at a time on the calling thread. */
#ifndef GT_API_H
#define GT_API_H

#include <stdint.h>

#include "gen/generate.h"
#include "gen/titles.h"
#include "io/record.h"
#include "serve/serve.h"
#include "text/clean.h"

typedef struct {
    gt_titler *titler;      /* prompts and generates */
    gt_cleaner *cl;         /* cleans the abstracts of requests */
    gt_gen_opts defaults;   /* of requests' options; capped to the API's limits */
    const char *instr;      /* the instruction when a request gives none */
    int vocab;              /* the model's: top_k's limit */
    const char *modeldir, *loradir;   /* named on the page and by /healthz (LORADIR may be NULL) */
} gt_api_opts;

/* A request of POST /api/generate, parsed and checked. */
typedef struct {
    const char *abs, *instr;    /* the abstract (in the record), the instruction (in it, or the default) */
    size_t nabs, ninstr;
    gt_gen_opts o;              /* the defaults with the request's options */
} gt_api_req;

/* Parse BODY (N bytes) of a POST /api/generate into REC
 * (gt_rec_init'ed; Q points into it) and Q: a JSON object of known keys with
 * "abstract", options over DEFAULTS, "instruction" else INSTR; top_k at most
 * VOCAB, max_new_tokens at most MAX_NEW. 0 ok; -1 with the reason (the 400
 * answer's) in WHY. */
int gt_api_request(gt_rec *rec, const char *body, size_t n, const gt_gen_opts *defaults, const char *instr,
                   int vocab, int max_new, gt_api_req *q, char *why, size_t whysz);

/* Serve O's model on SO's address until SIGINT or SIGTERM: 0, or
 * EX_UNAVAILABLE when the server cannot start (the reason printed).
 * *REQUESTS gets the number of generations run. */
int gt_api_serve(const gt_api_opts *o, const gt_serve_opts *so, uint64_t *requests);

#endif
