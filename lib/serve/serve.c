/* serve.c - HTTP over libmicrohttpd for title-gen --serve (see serve.h). */
#include "serve/serve.h"
#include "core/utf8.h"
#include "core/util.h"

#include <arpa/inet.h>
#include <dlfcn.h>
#include <errno.h>
#include <microhttpd.h>
#include <netdb.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>

typedef struct job {
    void (*fn)(void *);
    void *arg;
    int started, done;
    struct job *next;
} job;

/* An open connection, for the request deadline: the request it is reading
 * (headers and body) must be in by START + request_timeout_s, else the
 * watchdog shuts its socket down. Listed while open (NOTIFY_CONNECTION). */
typedef struct conn {
    struct MHD_Connection *c;
    int fd;
    struct timespec start;      /* opened, or its previous request answered */
    int reading;                /* 1 until the request is in (handler running: 0) */
    int cut;                    /* shut down by the watchdog */
    struct conn *next;
} conn;

struct gt_server {
    struct MHD_Daemon *d;
    gt_serve_handler h;
    void *ctx;
    gt_serve_opts o;
    char url[NI_MAXHOST + 32];
    int loopback;
    pthread_mutex_t mu;
    pthread_cond_t cv;          /* a job was queued or finished, or stopping */
    job *head, *tail;
    int inflight;               /* queued + running */
    int stopping;
    int starting;               /* MHD's messages while binding: we say it ourselves */
    conn *conns;                /* open connections (under mu) */
    pthread_t watchdog;
    int watching;
    pthread_cond_t wcv;         /* wakes the watchdog when stopping */
};

typedef struct {
    gt_buf body;
    int too_big;
} conn_state;

static const char *const PAGE_CSP =
    "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'; "
    "img-src data:; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/* libmicrohttpd is loaded when a server starts, not linked: with it come
 * GnuTLS and its dependencies (about 2.3 MB of resident pages and their
 * relocation at every start), which the batch tools never use. The calls
 * below go through these pointers (same names, same prototypes). */
static struct {
    __typeof__(MHD_start_daemon) *start_daemon;
    __typeof__(MHD_stop_daemon) *stop_daemon;
    __typeof__(MHD_get_daemon_info) *get_daemon_info;
    __typeof__(MHD_create_response_from_buffer) *create_response_from_buffer;
    __typeof__(MHD_destroy_response) *destroy_response;
    __typeof__(MHD_add_response_header) *add_response_header;
    __typeof__(MHD_queue_response) *queue_response;
    __typeof__(MHD_lookup_connection_value) *lookup_connection_value;
    __typeof__(MHD_get_connection_info) *get_connection_info;
} mhd;

static int mhd_load(char *err, size_t errsz)
{
    static const char *const names[] = { "libmicrohttpd.so.12", "libmicrohttpd.so" };
    if (mhd.start_daemon) return 0;
    void *h = NULL;
    for (size_t i = 0; i < sizeof names / sizeof *names && !h; i++) h = dlopen(names[i], RTLD_NOW | RTLD_LOCAL);
    if (!h) {
        snprintf(err, errsz, "cannot load libmicrohttpd (Debian package libmicrohttpd12): %s", dlerror());
        return -1;
    }
#define SYM(f) do { *(void **)&mhd.f = dlsym(h, "MHD_" #f); \
        if (!mhd.f) { snprintf(err, errsz, "libmicrohttpd has no MHD_%s", #f); return -1; } } while (0)
    SYM(start_daemon); SYM(stop_daemon); SYM(get_daemon_info); SYM(create_response_from_buffer);
    SYM(destroy_response); SYM(add_response_header); SYM(queue_response); SYM(lookup_connection_value);
    SYM(get_connection_info);
#undef SYM
    return 0;
}
#define MHD_start_daemon mhd.start_daemon
#define MHD_stop_daemon mhd.stop_daemon
#define MHD_get_daemon_info mhd.get_daemon_info
#define MHD_create_response_from_buffer mhd.create_response_from_buffer
#define MHD_destroy_response mhd.destroy_response
#define MHD_add_response_header mhd.add_response_header
#define MHD_queue_response mhd.queue_response
#define MHD_lookup_connection_value mhd.lookup_connection_value
#define MHD_get_connection_info mhd.get_connection_info

void gt_serve_opts_default(gt_serve_opts *o)
{
    memset(o, 0, sizeof *o);
    o->max_body = 65536;
    o->max_queue = 4;
    o->max_conns = 64;
    o->max_conns_per_addr = 16;
    o->timeout_s = 30;
    o->request_timeout_s = 10;
}

void gt_json_str_buf(gt_buf *b, const char *s, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    const unsigned char *u = (const unsigned char *)s;
    gt_buf_add(b, "\"", 1);
    size_t i = 0;
    while (i < n) {
        unsigned c = u[i];
        char e[8];
        if (c >= 0x80) {
            size_t k = (size_t)gt_utf8_len(u + i, n - i);
            if (k) gt_buf_add(b, u + i, k), i += k;
            else gt_buf_add(b, "\\ufffd", 6), i++;
            continue;
        }
        i++;
        if (c >= 0x20 && c != '"' && c != '\\' && c != 0x7f) {
            e[0] = (char)c;
            gt_buf_add(b, e, 1);
            continue;
        }
        switch (c) {
        case '"': gt_buf_add(b, "\\\"", 2); break;
        case '\\': gt_buf_add(b, "\\\\", 2); break;
        case '\n': gt_buf_add(b, "\\n", 2); break;
        case '\t': gt_buf_add(b, "\\t", 2); break;
        case '\r': gt_buf_add(b, "\\r", 2); break;
        default:
            e[0] = '\\', e[1] = 'u', e[2] = '0', e[3] = '0', e[4] = hex[c >> 4], e[5] = hex[c & 15];
            gt_buf_add(b, e, 6);
        }
    }
    gt_buf_add(b, "\"", 1);
}

void gt_http_error(gt_http_resp *r, int status, const char *msg)
{
    r->status = status;
    r->type = "application/json";
    r->body.n = 0;
    gt_buf_adds(&r->body, "{\"error\":");
    gt_json_str_buf(&r->body, msg, strlen(msg));
    gt_buf_adds(&r->body, "}\n");
}

/* ---- the work queue ---- */

int gt_serve_call(gt_server *s, void (*fn)(void *), void *arg)
{
    job j = { fn, arg, 0, 0, NULL };
    pthread_mutex_lock(&s->mu);
    if (s->stopping || s->inflight >= s->o.max_queue) {
        pthread_mutex_unlock(&s->mu);
        return -1;
    }
    s->inflight++;
    if (s->tail) s->tail->next = &j;
    else s->head = &j;
    s->tail = &j;
    pthread_cond_broadcast(&s->cv);
    while (!j.done && !(s->stopping && !j.started)) pthread_cond_wait(&s->cv, &s->mu);
    int rc = 0;
    if (!j.done) { /* stopping before it ran: take it out of the queue */
        job **p = &s->head, *prev = NULL;
        while (*p && *p != &j) prev = *p, p = &(*p)->next;
        if (*p) {
            *p = j.next;
            if (s->tail == &j) s->tail = prev;
        }
        s->inflight--;
        rc = -1;
    }
    pthread_mutex_unlock(&s->mu);
    return rc;
}

void gt_serve_loop(gt_server *s, volatile sig_atomic_t *stop)
{
    pthread_mutex_lock(&s->mu);
    while (!*stop) {
        job *j = s->head;
        if (!j) {
            struct timespec ts;
            clock_gettime(CLOCK_REALTIME, &ts);
            ts.tv_nsec += 200 * 1000000L;
            if (ts.tv_nsec >= 1000000000L) ts.tv_sec++, ts.tv_nsec -= 1000000000L;
            pthread_cond_timedwait(&s->cv, &s->mu, &ts);
            continue;
        }
        s->head = j->next;
        if (!s->head) s->tail = NULL;
        j->started = 1;
        pthread_mutex_unlock(&s->mu);
        j->fn(j->arg);
        pthread_mutex_lock(&s->mu);
        j->done = 1;
        s->inflight--;
        pthread_cond_broadcast(&s->cv);
    }
    pthread_mutex_unlock(&s->mu);
}

/* ---- HTTP ---- */

/* Is the Host header H a name of this machine's loopback interface? */
static int host_is_loopback(const char *h)
{
    char name[256];
    size_t n;
    if (h[0] == '[') {
        const char *e = strchr(h, ']');
        if (!e) return 0;
        n = (size_t)(e - h - 1);
        if (n >= sizeof name) return 0;
        memcpy(name, h + 1, n);
        name[n] = 0;
        struct in6_addr a6;
        return inet_pton(AF_INET6, name, &a6) == 1 && IN6_IS_ADDR_LOOPBACK(&a6);
    }
    const char *colon = strchr(h, ':');
    n = colon ? (size_t)(colon - h) : strlen(h);
    if (n >= sizeof name) return 0;
    memcpy(name, h, n);
    name[n] = 0;
    if (strcasecmp(name, "localhost") == 0) return 1;
    struct in_addr a4;
    return inet_pton(AF_INET, name, &a4) == 1 && (ntohl(a4.s_addr) >> 24) == 127;
}

static enum MHD_Result send_resp(struct MHD_Connection *c, gt_http_resp *r)
{
    struct MHD_Response *m = MHD_create_response_from_buffer(r->body.n, r->body.p ? r->body.p : (void *)"",
                                                             r->body.p ? MHD_RESPMEM_MUST_FREE : MHD_RESPMEM_PERSISTENT);
    r->body.p = NULL;
    r->body.n = r->body.cap = 0;
    if (!m) return MHD_NO;
    MHD_add_response_header(m, "Content-Type", r->type ? r->type : "application/json");
    MHD_add_response_header(m, "Cache-Control", "no-store");
    MHD_add_response_header(m, "X-Content-Type-Options", "nosniff");
    if (r->page) {
        MHD_add_response_header(m, "Content-Security-Policy", PAGE_CSP);
        MHD_add_response_header(m, "Referrer-Policy", "no-referrer");
    }
    if (r->allow) MHD_add_response_header(m, "Allow", r->allow);
    if (r->retry_after > 0) {
        char ra[32];
        snprintf(ra, sizeof ra, "%d", r->retry_after);
        MHD_add_response_header(m, "Retry-After", ra);
    }
    enum MHD_Result ret = MHD_queue_response(c, (unsigned)(r->status ? r->status : 200), m);
    MHD_destroy_response(m);
    return ret;
}

static enum MHD_Result send_error(struct MHD_Connection *c, int status, const char *msg)
{
    gt_http_resp r = { 0 };
    gt_http_error(&r, status, msg);
    return send_resp(c, &r);
}

/* ---- the request deadline ---- */

static double secs_since(const struct timespec *t)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)(now.tv_sec - t->tv_sec) + (double)(now.tv_nsec - t->tv_nsec) * 1e-9;
}

/* C's connection now READING a request (from now on), or done reading. */
static void conn_read(gt_server *s, struct MHD_Connection *c, int reading)
{
    pthread_mutex_lock(&s->mu);
    for (conn *k = s->conns; k; k = k->next)
        if (k->c == c) {
            k->reading = reading;
            if (reading) clock_gettime(CLOCK_MONOTONIC, &k->start);
            break;
        }
    pthread_mutex_unlock(&s->mu);
}

/* MHD_OPTION_NOTIFY_CONNECTION: list connections while they are open. MHD
 * calls CLOSED before it closes the socket, so the watchdog never shuts
 * down a descriptor that was closed (and maybe reused). */
static void on_connection(void *cls, struct MHD_Connection *c, void **socket_context,
                          enum MHD_ConnectionNotificationCode code)
{
    gt_server *s = cls;
    if (code == MHD_CONNECTION_NOTIFY_STARTED) {
        const union MHD_ConnectionInfo *ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
        conn *k = gt_xcalloc(1, sizeof *k);
        k->c = c;
        k->fd = ci ? (int)ci->connect_fd : -1;
        k->reading = 1;
        clock_gettime(CLOCK_MONOTONIC, &k->start);
        pthread_mutex_lock(&s->mu);
        k->next = s->conns;
        s->conns = k;
        pthread_mutex_unlock(&s->mu);
        *socket_context = k;
    } else if (code == MHD_CONNECTION_NOTIFY_CLOSED) {
        pthread_mutex_lock(&s->mu);
        for (conn **p = &s->conns; *p; p = &(*p)->next)
            if (*p == *socket_context) {
                conn *k = *p;
                *p = k->next;
                free(k);
                break;
            }
        pthread_mutex_unlock(&s->mu);
        *socket_context = NULL;
    }
}

/* Every 100 ms, shut down the connections whose request is not in by its
 * deadline: a client that sends a header line every few seconds (each one
 * restarting MHD's idle timeout) cannot hold a connection for longer. */
static void *watchdog(void *arg)
{
    gt_server *s = arg;
    pthread_mutex_lock(&s->mu);
    while (!s->stopping) {
        for (conn *k = s->conns; k; k = k->next)
            if (k->reading && !k->cut && k->fd >= 0 && secs_since(&k->start) > (double)s->o.request_timeout_s) {
                shutdown(k->fd, SHUT_RDWR);
                k->cut = 1;
            }
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        ts.tv_nsec += 100 * 1000000L;
        if (ts.tv_nsec >= 1000000000L) ts.tv_sec++, ts.tv_nsec -= 1000000000L;
        pthread_cond_timedwait(&s->wcv, &s->mu, &ts);
    }
    pthread_mutex_unlock(&s->mu);
    return NULL;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url, const char *method,
                                  const char *version, const char *upload, size_t *upload_size, void **con_cls)
{
    gt_server *s = cls;
    conn_state *st = *con_cls;
    char msg[160];
    if (!st) { /* headers are in: check them before any body is read */
        st = gt_xcalloc(1, sizeof *st);
        *con_cls = st;
        if (s->loopback) {
            const char *host = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_HOST);
            if (host && !host_is_loopback(host)) return send_error(c, 403, "this server answers only to loopback host names");
        }
        const char *cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
        if (cl) {
            char *e;
            errno = 0;
            unsigned long long n = strtoull(cl, &e, 10);
            if (errno || e == cl || n > s->o.max_body) {
                snprintf(msg, sizeof msg, "request body larger than %zu bytes (see --max-request-bytes)", s->o.max_body);
                return send_error(c, 413, msg);
            }
        }
        return MHD_YES;
    }
    if (*upload_size) { /* a piece of the body */
        if (!st->too_big && st->body.n + *upload_size <= s->o.max_body) gt_buf_add(&st->body, upload, *upload_size);
        else st->too_big = 1;
        *upload_size = 0;
        return MHD_YES;
    }
    if (st->too_big) {
        snprintf(msg, sizeof msg, "request body larger than %zu bytes (see --max-request-bytes)", s->o.max_body);
        return send_error(c, 413, msg);
    }
    conn_read(s, c, 0);           /* the request is in: no deadline while it is handled */
    gt_buf_add(&st->body, "", 1); /* NUL-terminate */
    st->body.n--;
    gt_http_req req = { method, url, st->body.p, st->body.n,
                        MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_TYPE) };
    gt_http_resp r = { 0 };
    r.status = 200;
    s->h(s->ctx, s, &req, &r);
    return send_resp(c, &r);
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls, enum MHD_RequestTerminationCode toe)
{
    conn_read(cls, c, 1);         /* a next request on this connection: a new deadline from now */
    conn_state *st = *con_cls;
    if (st) {
        gt_buf_free(&st->body);
        free(st);
        *con_cls = NULL;
    }
}

static void on_log(void *cls, const char *fmt, va_list ap)
{
    const gt_server *s = cls;
    if (s->starting) return;
    char m[512];
    vsnprintf(m, sizeof m, fmt, ap);
    size_t n = strlen(m);
    while (n && (m[n - 1] == '\n' || m[n - 1] == '\r')) m[--n] = 0;
    gt_warn("http: %s", m);
}

/* Split ADDR into HOST (256 bytes) and PORT (16 bytes), defaults filled in.
 * 0 ok, -1 with a reason. */
static int split_addr(const char *addr, char *host, char *port, char *err, size_t errsz)
{
    strcpy(host, "127.0.0.1");
    strcpy(port, "7860");
    if (addr && *addr) {
        const char *colon = NULL;
        size_t hl;
        if (addr[0] == '[') {
            const char *e = strchr(addr, ']');
            if (!e || (e[1] && e[1] != ':')) goto bad;
            hl = (size_t)(e - addr - 1);
            if (hl == 0 || hl >= 256) goto bad;
            memcpy(host, addr + 1, hl);
            host[hl] = 0;
            colon = e[1] ? e + 1 : NULL;
        } else if (strspn(addr, "0123456789") == strlen(addr)) {
            colon = addr - 1; /* PORT alone */
        } else {
            colon = strrchr(addr, ':');
            if (colon && strchr(addr, ':') != colon) goto bad; /* bare IPv6: needs brackets */
            hl = colon ? (size_t)(colon - addr) : strlen(addr);
            if (hl >= 256) goto bad;
            if (hl) {
                memcpy(host, addr, hl);
                host[hl] = 0;
            }
        }
        if (colon) {
            const char *p = colon + 1;
            size_t pl = strlen(p);
            if (pl == 0 || pl > 5 || strspn(p, "0123456789") != pl || atol(p) > 65535) goto bad;
            memcpy(port, p, pl + 1);
        }
    }
    return 0;
bad:
    snprintf(err, errsz, "bad address '%s' (expected HOST:PORT, PORT, HOST or [IPV6]:PORT)", addr);
    return -1;
}

int gt_serve_check_addr(const char *addr, char *err, size_t errsz)
{
    char host[256], port[16];
    return split_addr(addr, host, port, err, errsz);
}

/* Resolve ADDR into a socket address. 0 ok, -1 with a reason. */
static int parse_addr(const char *addr, struct sockaddr_storage *ss, socklen_t *sl, char *err, size_t errsz)
{
    char host[256], port[16];
    if (split_addr(addr, host, port, err, errsz) != 0) return -1;
    struct addrinfo hints = { 0 }, *res = NULL;
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_NUMERICSERV | AI_PASSIVE;
    int rc = getaddrinfo(host, port, &hints, &res);
    if (rc != 0 || !res) {
        snprintf(err, errsz, "%s: %s", host, rc ? gai_strerror(rc) : "no address");
        return -1;
    }
    memcpy(ss, res->ai_addr, res->ai_addrlen);
    *sl = res->ai_addrlen;
    freeaddrinfo(res);
    return 0;
}

static int addr_loopback(const struct sockaddr_storage *ss)
{
    if (ss->ss_family == AF_INET)
        return (ntohl(((const struct sockaddr_in *)ss)->sin_addr.s_addr) >> 24) == 127;
    const struct in6_addr *a = &((const struct sockaddr_in6 *)ss)->sin6_addr;
    if (IN6_IS_ADDR_LOOPBACK(a)) return 1;
    return IN6_IS_ADDR_V4MAPPED(a) && a->s6_addr[12] == 127;
}

gt_server *gt_serve_start(const gt_serve_opts *o, gt_serve_handler h, void *ctx, char *err, size_t errsz)
{
    struct sockaddr_storage ss;
    socklen_t sl;
    if (parse_addr(o->addr, &ss, &sl, err, errsz) != 0) return NULL;
    if (mhd_load(err, errsz) != 0) return NULL;
    gt_server *s = gt_xcalloc(1, sizeof *s);
    s->h = h;
    s->ctx = ctx;
    s->o = *o;
    if (s->o.max_queue < 1) s->o.max_queue = 1;
    if (s->o.max_conns < 1) s->o.max_conns = 1;
    s->loopback = addr_loopback(&ss);
    pthread_mutex_init(&s->mu, NULL);
    pthread_cond_init(&s->cv, NULL);
    pthread_cond_init(&s->wcv, NULL);
    unsigned flags = MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG;
    if (ss.ss_family == AF_INET6) flags |= MHD_USE_IPv6;
    errno = 0;
    s->starting = 1;
    s->d = MHD_start_daemon(flags, 0, NULL, NULL, on_request, s,
                            MHD_OPTION_EXTERNAL_LOGGER, on_log, s,
                            MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
                            MHD_OPTION_CONNECTION_LIMIT, s->o.max_conns,
                            MHD_OPTION_PER_IP_CONNECTION_LIMIT, s->o.max_conns_per_addr,
                            MHD_OPTION_CONNECTION_TIMEOUT, s->o.timeout_s,
                            MHD_OPTION_NOTIFY_COMPLETED, on_completed, s,
                            MHD_OPTION_NOTIFY_CONNECTION, on_connection, s,
                            MHD_OPTION_END);
    int e = errno;
    s->starting = 0;
    char host[NI_MAXHOST];
    if (getnameinfo((struct sockaddr *)&ss, sl, host, sizeof host, NULL, 0, NI_NUMERICHOST) != 0) strcpy(host, "?");
    if (!s->d) {
        snprintf(err, errsz, "cannot listen on %s port %u%s%s", host,
                 ntohs(ss.ss_family == AF_INET ? ((struct sockaddr_in *)&ss)->sin_port
                                               : ((struct sockaddr_in6 *)&ss)->sin6_port),
                 e ? ": " : "", e ? strerror(e) : "");
        pthread_mutex_destroy(&s->mu);
        pthread_cond_destroy(&s->cv);
        pthread_cond_destroy(&s->wcv);
        free(s);
        return NULL;
    }
    if (s->o.request_timeout_s > 0) s->watching = pthread_create(&s->watchdog, NULL, watchdog, s) == 0;
    const union MHD_DaemonInfo *di = MHD_get_daemon_info(s->d, MHD_DAEMON_INFO_BIND_PORT);
    unsigned port = di ? di->port : 0;
    if (ss.ss_family == AF_INET6) snprintf(s->url, sizeof s->url, "http://[%s]:%u/", host, port);
    else snprintf(s->url, sizeof s->url, "http://%s:%u/", host, port);
    return s;
}

const char *gt_serve_url(const gt_server *s) { return s->url; }
int gt_serve_loopback(const gt_server *s) { return s->loopback; }

void gt_serve_free(gt_server *s)
{
    if (!s) return;
    pthread_mutex_lock(&s->mu);
    s->stopping = 1;
    pthread_cond_broadcast(&s->cv);
    pthread_cond_broadcast(&s->wcv);
    pthread_mutex_unlock(&s->mu);
    if (s->watching) pthread_join(s->watchdog, NULL);
    MHD_stop_daemon(s->d);
    pthread_mutex_destroy(&s->mu);
    pthread_cond_destroy(&s->cv);
    pthread_cond_destroy(&s->wcv);
    free(s);
}
