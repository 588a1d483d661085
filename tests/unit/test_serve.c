/* test_serve.c - serve.c's JSON strings and addresses, webpage.c's escaping;
 * one real server on a free loopback port, answered through a socket. */
#include "serve/serve.h"
#include "serve/webpage.h"
#include "t.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

static const char *json(const char *s, size_t n)
{
    static gt_buf b;
    b.n = 0;
    gt_json_str_buf(&b, s, n);
    gt_buf_add(&b, "", 1);
    return b.p;
}

static int addr_ok(const char *a)
{
    char err[200];
    return gt_serve_check_addr(a, err, sizeof err) == 0;
}

static void handler(void *ctx, gt_server *s, const gt_http_req *q, gt_http_resp *r)
{
    (void)ctx, (void)s;
    if (strcmp(q->path, "/echo") == 0) gt_buf_add(&r->body, q->body, q->body_len);
    else gt_http_error(r, 404, "nope");
}

static volatile sig_atomic_t stop;
static void *loop(void *s) { gt_serve_loop(s, &stop); return NULL; }

/* A socket connected to PORT from the loopback address 127.0.0.FROM (the
 * whole of 127/8 is this machine: a second client address), reads timing
 * out after 3 s; -1 if it cannot connect. */
static int dial(int port, int from)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in me = { .sin_family = AF_INET };
    me.sin_addr.s_addr = htonl(0x7f000000u | (unsigned)from);
    struct timeval tv = { 3, 0 };
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(fd, (struct sockaddr *)&me, sizeof me) != 0 || connect(fd, (struct sockaddr *)&a, sizeof a) != 0) {
        close(fd);
        return -1;
    }
    return fd;
}

/* Send REQ to PORT from 127.0.0.FROM, return the answer (static; "" when
 * none came within 3 s or the server closed the connection). */
static const char *ask_from(int port, int from, const char *req)
{
    static char buf[4096];
    int fd = dial(port, from);
    if (fd < 0) return "";
    if (send(fd, req, strlen(req), MSG_NOSIGNAL) < 0) { close(fd); return ""; }
    size_t n = 0;
    ssize_t k;
    while (n < sizeof buf - 1 && (k = read(fd, buf + n, sizeof buf - 1 - n)) > 0) n += (size_t)k;
    buf[n] = 0;
    close(fd);
    return buf;
}

static const char *ask(int port, const char *req) { return ask_from(port, 1, req); }

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

/* Slow clients: N connections from 127.0.0.1 that each start a request and
 * then send one more header line every 200 ms (each line restarts an idle
 * timeout), until STOP_SLOW. */
#define N_SLOW 24
static volatile int stop_slow;
static void *slow_clients(void *arg)
{
    int port = *(int *)arg, fds[N_SLOW];
    const char *start = "GET /x HTTP/1.1\r\nHost: 127.0.0.1\r\n", *line = "X-Slow: 1\r\n";
    for (int i = 0; i < N_SLOW; i++) {
        fds[i] = dial(port, 1);
        if (fds[i] >= 0) send(fds[i], start, strlen(start), MSG_NOSIGNAL);
    }
    while (!stop_slow) {
        usleep(200 * 1000);
        for (int i = 0; i < N_SLOW; i++)
            if (fds[i] >= 0) send(fds[i], line, strlen(line), MSG_NOSIGNAL);
    }
    for (int i = 0; i < N_SLOW; i++)
        if (fds[i] >= 0) close(fds[i]);
    return NULL;
}

/* The server under slow clients: MAX_CONNS connections' worth of them from
 * one address. Another address is answered at once (the per-address cap
 * leaves it room), and the slow clients' own address within about the
 * request deadline (their connections are closed when it passes). */
static void slow_test(void)
{
    gt_serve_opts o;
    gt_serve_opts_default(&o);
    o.addr = "127.0.0.1:0";
    o.max_conns = 16;
    o.max_conns_per_addr = 4;
    o.request_timeout_s = 1;
    char err[300];
    gt_server *s = gt_serve_start(&o, handler, NULL, err, sizeof err);
    CHECK(s != NULL, "slow: server starts");
    if (!s) return;
    int port = atoi(strrchr(gt_serve_url(s), ':') + 1);
    pthread_t th, sl;
    stop = 0;
    pthread_create(&th, NULL, loop, s);
    pthread_create(&sl, NULL, slow_clients, &port);
    usleep(300 * 1000);              /* the slow ones are in */
    const char *get = "GET /x HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
    double t0 = now_s();
    const char *r = ask_from(port, 2, get);
    double other = now_s() - t0;
    char name[160];
    snprintf(name, sizeof name, "slow: another address answered at once (%.2f s)", other);
    CHECK(strncmp(r, "HTTP/1.1 404", 12) == 0 && other < 0.5, name);
    t0 = now_s();
    do {
        r = ask_from(port, 1, get);
        if (!*r) usleep(100 * 1000);
    } while (!*r && now_s() - t0 < 4);
    double same = now_s() - t0;
    snprintf(name, sizeof name, "slow: their own address answered within the 1 s deadline and a little (%.2f s)",
             same);
    CHECK(strncmp(r, "HTTP/1.1 404", 12) == 0 && same < 2.5, name);
    stop_slow = 1;
    pthread_join(sl, NULL);
    stop = 1;
    pthread_join(th, NULL);
    gt_serve_free(s);
}

int main(void)
{
    CHECK_STR(json("a\"b\\c\n\t\x01", 8), "\"a\\\"b\\\\c\\n\\t\\u0001\"", "json: escapes");
    CHECK_STR(json("caf\xc3\xa9 \xe2\x82\xac", 9), "\"caf\xc3\xa9 \xe2\x82\xac\"", "json: UTF-8 kept");
    CHECK_STR(json("a\xff" "b\xc3", 4), "\"a\\ufffdb\\ufffd\"", "json: invalid UTF-8 -> U+FFFD");
    CHECK_STR(json("\xed\xa0\x80", 3), "\"\\ufffd\\ufffd\\ufffd\"", "json: surrogate rejected");

    CHECK(addr_ok(NULL) && addr_ok("") && addr_ok("8080") && addr_ok("localhost") && addr_ok("0.0.0.0:0") &&
              addr_ok("[::1]:7860") && addr_ok(":7860"),
          "addr: good forms");
    CHECK(!addr_ok("::1") && !addr_ok("host:") && !addr_ok("host:65536") && !addr_ok("[::1]x") &&
              !addr_ok("h:12a") && !addr_ok("[]:80"),
          "addr: bad forms");

    gt_buf b = { 0 };
    const char *vars[] = { "MODEL", "<m&\"'>", NULL };
    gt_webpage_render(&b, vars);
    gt_buf_add(&b, "", 1);
    CHECK(strstr(b.p, "<code>&lt;m&amp;&quot;&#39;&gt;</code>") != NULL, "page: values HTML-escaped");
    CHECK(strstr(b.p, "{{") == NULL, "page: every mark filled");
    CHECK(strstr(b.p, "<label for=\"abstract\">Input</label>") != NULL, "page: labelled Input box");
    gt_buf_free(&b);

    gt_serve_opts o;
    gt_serve_opts_default(&o);
    o.addr = "127.0.0.1:0";
    o.max_body = 10;
    char err[300];
    gt_server *s = gt_serve_start(&o, handler, NULL, err, sizeof err);
    CHECK(s != NULL, "server: starts on port 0");
    if (s) {
        int port = atoi(strrchr(gt_serve_url(s), ':') + 1);
        CHECK(port > 0 && gt_serve_loopback(s), "server: real port, loopback");
        pthread_t th;
        pthread_create(&th, NULL, loop, s);
        const char *r = ask(port, "POST /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 5\r\nConnection: close\r\n\r\nhello");
        CHECK(strncmp(r, "HTTP/1.1 200", 12) == 0 && strstr(r, "\r\n\r\nhello"), "server: echo");
        r = ask(port, "POST /echo HTTP/1.1\r\nHost: localhost\r\nContent-Length: 11\r\nConnection: close\r\n\r\nhello world");
        CHECK(strncmp(r, "HTTP/1.1 413", 12) == 0, "server: 413 over max_body");
        r = ask(port, "GET /x HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n");
        CHECK(strncmp(r, "HTTP/1.1 403", 12) == 0, "server: 403 for a foreign Host");
        r = ask(port, "GET /x HTTP/1.1\r\nHost: [::1]:80\r\nConnection: close\r\n\r\n");
        CHECK(strncmp(r, "HTTP/1.1 404", 12) == 0 && strstr(r, "{\"error\":\"nope\"}"), "server: handler's error");
        stop = 1;
        pthread_join(th, NULL);
        gt_serve_free(s);
    }
    slow_test();
    T_END();
}
