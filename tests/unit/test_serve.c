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

/* Send REQ to PORT, return the answer (static). */
static const char *ask(int port, const char *req)
{
    static char buf[4096];
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd, (struct sockaddr *)&a, sizeof a) != 0) return "";
    if (write(fd, req, strlen(req)) < 0) return "";
    size_t n = 0;
    ssize_t k;
    while (n < sizeof buf - 1 && (k = read(fd, buf + n, sizeof buf - 1 - n)) > 0) n += (size_t)k;
    buf[n] = 0;
    close(fd);
    return buf;
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
    T_END();
}
