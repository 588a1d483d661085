/* api.h - title-gen --serve: on serve.h's server, GET / (the page, with the
 * defaults filled in), POST /api/generate (titles for one abstract, as JSON)
 * and GET /healthz; requests generate one at a time on the calling thread. */
#ifndef GT_API_H
#define GT_API_H

#include <stdint.h>

#include "gen/generate.h"
#include "gen/titles.h"
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

/* Serve O's model on SO's address until SIGINT or SIGTERM: 0, or
 * EX_UNAVAILABLE when the server cannot start (the reason printed).
 * *REQUESTS gets the number of generations run. */
int gt_api_serve(const gt_api_opts *o, const gt_serve_opts *so, uint64_t *requests);

#endif
