/* serve.h - a small HTTP/1.1 server for title-gen's web page and JSON API,
 * over GNU libmicrohttpd (which parses HTTP; nothing here does).
 *
 * Requests are read by libmicrohttpd's threads (one per connection, at most
 * max_conns, at most max_conns_per_addr from one client address), their
 * bodies collected up to max_body bytes (larger: 413 at once), and handed to
 * the handler on that thread. A request must be in, headers and body, within
 * request_timeout_s of its connection's start or previous answer: a watchdog
 * thread shuts down the connections past that deadline, so slow clients
 * cannot hold the connections (MHD's own timeout is only for idleness, and
 * restarts on every byte). Heavy work goes through
 * gt_serve_call, which queues it for the one thread inside gt_serve_loop (the
 * model's thread) and waits: at most max_queue calls run or wait at a time,
 * more are refused (the handler answers 503). Every error the server makes
 * itself is a JSON object {"error": "..."}. */
#ifndef GT_SERVE_H
#define GT_SERVE_H

#include <signal.h>
#include <stddef.h>
#include "core/buf.h"

typedef struct gt_server gt_server;

typedef struct {
    const char *method;     /* "GET", "POST", ... */
    const char *path;       /* the URL's path, query removed */
    const char *body;       /* the request body, NUL-terminated ("" when none) */
    size_t body_len;
    const char *content_type; /* the Content-Type header, or NULL */
} gt_http_req;

typedef struct {
    int status;             /* default 200 */
    const char *type;       /* Content-Type; default application/json */
    const char *allow;      /* an Allow header (405), or NULL */
    int retry_after;        /* seconds for a Retry-After header (503), 0: none */
    int page;               /* 1: add the page's Content-Security-Policy */
    gt_buf body;            /* owned by the server, freed after sending */
} gt_http_resp;

typedef void (*gt_serve_handler)(void *ctx, gt_server *s, const gt_http_req *req, gt_http_resp *resp);

typedef struct {
    const char *addr;       /* NULL/"" (127.0.0.1:7860), PORT, HOST, HOST:PORT, [IPV6]:PORT; port 0: any free one */
    size_t max_body;        /* request bodies above this get 413 (default 65536) */
    int max_queue;          /* gt_serve_call: calls running or waiting at once (default 4) */
    unsigned max_conns;     /* connections at once (default 64) */
    unsigned max_conns_per_addr; /* connections at once from one client address (default 16) */
    unsigned timeout_s;     /* idle connections are closed after this (default 30) */
    unsigned request_timeout_s; /* a request's headers and body must be in within this from the
                             * connection's start or the previous answer, else it is closed
                             * (default 10; 0: no deadline) */
} gt_serve_opts;

void gt_serve_opts_default(gt_serve_opts *o);
/* Is ADDR well-formed (see addr above)? 0 yes, -1 with a reason in ERR. */
int gt_serve_check_addr(const char *addr, char *err, size_t errsz);

/* Bind and start serving. NULL with a reason in ERR (bad address, port in
 * use, ...). When bound to a loopback address, requests whose Host header
 * names something else get 403 (a defence against DNS rebinding). */
gt_server *gt_serve_start(const gt_serve_opts *o, gt_serve_handler h, void *ctx, char *err, size_t errsz);
const char *gt_serve_url(const gt_server *s);    /* "http://127.0.0.1:PORT/" with the real port */
int gt_serve_loopback(const gt_server *s);       /* bound to a loopback address? */

/* Run FN(ARG) on the gt_serve_loop thread and wait for it to finish: 0 done,
 * -1 refused (max_queue calls already running or waiting, or shutting down). */
int gt_serve_call(gt_server *s, void (*fn)(void *), void *arg);
/* Run queued calls until *STOP becomes nonzero (checked at least every 200 ms,
 * so a signal handler may set it). */
void gt_serve_loop(gt_server *s, volatile sig_atomic_t *stop);
/* Refuse what still waits, stop listening, finish the open connections, free. */
void gt_serve_free(gt_server *s);

/* Response helpers: the JSON string of S (N bytes; invalid UTF-8 becomes
 * U+FFFD), and a {"error": MSG} response with STATUS. */
void gt_json_str_buf(gt_buf *b, const char *s, size_t n);
void gt_http_error(gt_http_resp *r, int status, const char *msg);

#endif
