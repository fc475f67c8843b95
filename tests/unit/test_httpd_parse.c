/* apps/httpd/http_parse.c: request heads and chunked bodies, honest and
 * hostile. */
#include <stdlib.h>
#include <string.h>
#include "../../apps/httpd/http_parse.h"
#include "test.h"

static long parse(const char *s, struct http_request *r)
{
    return http_parse_head(s, strlen(s), HTTP_MAX_HEAD, r);
}

static int slice_eq(const char *buf, struct http_slice s, const char *want)
{
    return s.len == strlen(want) && !memcmp(buf + s.off, want, s.len);
}

TEST(httpd_parse_get)
{
    static const char req[] = "GET /a/b?c=d HTTP/1.1\r\nHost: example\r\n"
                              "If-None-Match: \"x\"\r\nRange:  bytes=0-1 \r\n\r\n";
    struct http_request r;

    CHECK(parse(req, &r) == (long)strlen(req));
    CHECK(r.method == HTTP_GET);
    CHECK(r.minor == 1);
    CHECK(r.keep_alive == 1);
    CHECK(slice_eq(req, r.target, "/a/b?c=d"));
    CHECK(slice_eq(req, r.line, "GET /a/b?c=d HTTP/1.1"));
    CHECK(slice_eq(req, r.host, "example"));
    CHECK(slice_eq(req, r.if_none_match, "\"x\""));
    CHECK(slice_eq(req, r.range, "bytes=0-1")); /* spaces trimmed */
    CHECK(r.content_length == 0 && !r.chunked);
}

/* Every prefix of a request is "need more", never an error or a
 * different answer: the parser does not care how bytes were split. */
TEST(httpd_parse_incremental)
{
    static const char req[] = "HEAD /x HTTP/1.0\r\nUser-Agent: t\r\n"
                              "Connection: keep-alive\r\n\r\n";
    struct http_request r;
    size_t n = strlen(req);

    for (size_t i = 0; i < n; i++)
        CHECK(http_parse_head(req, i, HTTP_MAX_HEAD, &r) == 0);
    CHECK(http_parse_head(req, n, HTTP_MAX_HEAD, &r) == (long)n);
    CHECK(r.method == HTTP_HEAD && r.minor == 0 && r.keep_alive == 1);
}

/* Pipelining: the head's length is the first request's; the rest stays. */
TEST(httpd_parse_pipelined)
{
    static const char two[] = "GET /1 HTTP/1.1\r\nHost: h\r\n\r\n"
                              "GET /2 HTTP/1.1\r\nHost: h\r\n\r\n";
    struct http_request r;
    long n = parse(two, &r);

    CHECK(n == (long)strlen(two) / 2);
    CHECK(slice_eq(two, r.target, "/1"));
    CHECK(parse(two + n, &r) == n);
    CHECK(slice_eq(two + n, r.target, "/2"));
}

TEST(httpd_parse_keep_alive_rules)
{
    struct http_request r;

    CHECK(parse("GET / HTTP/1.0\r\n\r\n", &r) > 0 && r.keep_alive == 0);
    CHECK(parse("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n", &r) > 0 &&
          r.keep_alive == 1);
    CHECK(parse("GET / HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n", &r) > 0 &&
          r.keep_alive == 0);
    CHECK(parse("GET / HTTP/1.1\r\nHost: h\r\nConnection: x, close\r\n\r\n", &r) > 0 &&
          r.keep_alive == 0);
    /* LF alone ends lines too (RFC 9112 2.2 allows it). */
    CHECK(parse("GET / HTTP/1.1\nHost: h\n\n", &r) > 0 && r.keep_alive == 1);
}

/* Bad request lines are refused as soon as the bytes show it. */
TEST(httpd_parse_bad_request_lines)
{
    struct http_request r;

    CHECK(parse("\x16\x03\x01\x02\x00", &r) == -400); /* a TLS hello */
    CHECK(parse("GET /", &r) == 0);
    CHECK(parse("GET /\x01 HTTP/1.1\r\n", &r) == -400);
    CHECK(parse("GET  / HTTP/1.1\r\n", &r) == -400);
    CHECK(parse("GET / HTTX/1.1\r\n", &r) == -400);
    CHECK(parse("GET / HTTP/1.1x\r\n", &r) == -400);
    CHECK(parse("GET / HTTP/1.1\r\r\n", &r) == -400);
    CHECK(parse(" GET / HTTP/1.1\r\n", &r) == -400);
    CHECK(parse("GET / HTTP/2.0\r\n\r\n", &r) == -505);
    CHECK(parse("POST / HTTP/1.1\r\nHost: h\r\n\r\n", &r) == -405);
    CHECK(slice_eq("POST / HTTP/1.1", r.line, "POST / HTTP/1.1"));
    CHECK(parse("DELETE / HTTP/1.1\r\n\r\n", &r) == -405);
    CHECK(parse("BREW / HTTP/1.1\r\n\r\n", &r) == -501);
    CHECK(parse("get / HTTP/1.1\r\n\r\n", &r) == -501); /* case matters */
    CHECK(parse("GET / HTTP/1.1\r\n\r\n", &r) == -400);  /* no Host */
}

TEST(httpd_parse_nul_bytes)
{
    static const char a[] = "GET / HTTP/1.1\r\nHost: h\0\r\n\r\n";
    static const char b[] = "GET /\0";
    struct http_request r;

    CHECK(http_parse_head(a, sizeof a - 1, HTTP_MAX_HEAD, &r) == -400);
    CHECK(http_parse_head(b, sizeof b - 1, HTTP_MAX_HEAD, &r) == -400);
    /* refused before the line ends, not when it does */
    CHECK(http_parse_head(a, 24, HTTP_MAX_HEAD, &r) == -400);
}

/* A NUL in the next pipelined request is that request's problem: the
 * first one is answered (found by fuzz_http_parse). */
TEST(httpd_parse_looks_only_at_its_head)
{
    static const char two[] = "GET / HTTP/1.1\r\nHost: h\r\n\r\nGE\0T";
    struct http_request r;

    CHECK(http_parse_head(two, sizeof two - 1, HTTP_MAX_HEAD, &r) == 27);
    CHECK(http_parse_head(two + 27, sizeof two - 28, HTTP_MAX_HEAD, &r) == -400);
}

static char *repeat(const char *head, char c, size_t n, const char *tail)
{
    size_t h = strlen(head), t = strlen(tail);
    char *s = malloc(h + n + t + 1);

    memcpy(s, head, h);
    memset(s + h, c, n);
    memcpy(s + h + n, tail, t + 1);
    return s;
}

TEST(httpd_parse_sizes)
{
    struct http_request r;
    char *s = repeat("GET /", 'a', HTTP_MAX_LINE, "");
    char *big = repeat("GET / HTTP/1.1\r\nHost: h\r\nX: ", 'b', HTTP_MAX_HEAD, "");
    char many[4096] = "GET / HTTP/1.1\r\nHost: h\r\n";
    char ok[4096] = "GET / HTTP/1.1\r\n";

    /* Too long a target is 414 before the line has even ended. */
    CHECK(parse(s, &r) == -414);
    free(s);
    s = repeat("GET /", 'a', HTTP_MAX_LINE - 20, " HTTP/1.1\r\nHost: h\r\n\r\n");
    CHECK(parse(s, &r) > 0);
    free(s);
    /* A head that fills the buffer without ending is 431. */
    CHECK(http_parse_head(big, HTTP_MAX_HEAD, HTTP_MAX_HEAD, &r) == -431);
    CHECK(http_parse_head(big, 100, 100, &r) == -431);
    CHECK(http_parse_head(big, 99, 100, &r) == 0);
    free(big);
    for (int i = 0; i < HTTP_MAX_FIELDS; i++)
        strcat(many, "X-A: b\r\n");
    strcat(many, "\r\n");
    CHECK(parse(many, &r) == -431); /* Host + 32 more */
    for (int i = 0; i < HTTP_MAX_FIELDS - 1; i++)
        strcat(ok, "X-A: b\r\n");
    strcat(ok, "Host: h\r\n\r\n");
    CHECK(parse(ok, &r) > 0); /* exactly 32 */
}

TEST(httpd_parse_bad_fields)
{
    struct http_request r;

    CHECK(parse("GET / HTTP/1.1\r\nHost h\r\n\r\n", &r) == -400);
    CHECK(parse("GET / HTTP/1.1\r\nHost : h\r\n\r\n", &r) == -400);
    CHECK(parse("GET / HTTP/1.1\r\nHost: h\r\n folded\r\n\r\n", &r) == -400);
    CHECK(parse("GET / HTTP/1.1\r\nHost: h\r\nX: a\rb\r\n\r\n", &r) == -400);
    CHECK(parse("GET / HTTP/1.1\r\nHost: h\r\nX: a\x01\r\n\r\n", &r) == -400);
    CHECK(parse("GET / HTTP/1.1\r\n: v\r\nHost: h\r\n\r\n", &r) == -400);
    CHECK(parse("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", &r) == -400);
    CHECK(parse("GET / HTTP/1.1\r\nHost: h\r\nX: caf\xc3\xa9\r\n\r\n", &r) > 0);
}

TEST(httpd_parse_bodies)
{
    struct http_request r;

    CHECK(parse("GET / HTTP/1.1\r\nHost: h\r\nContent-Length: 12\r\n\r\n", &r) > 0);
    CHECK(r.content_length == 12);
    CHECK(parse("GET / HTTP/1.1\r\nHost: h\r\nContent-Length: 1x\r\n\r\n", &r) == -400);
    CHECK(parse("GET / HTTP/1.1\r\nHost: h\r\nContent-Length: -1\r\n\r\n", &r) == -400);
    CHECK(parse("GET / HTTP/1.1\r\nHost: h\r\nContent-Length: \r\n\r\n", &r) == -400);
    CHECK(parse("GET / HTTP/1.1\r\nHost: h\r\nContent-Length: 65537\r\n\r\n", &r) == -413);
    CHECK(parse("GET / HTTP/1.1\r\nHost: h\r\nContent-Length: "
                "99999999999999999999999999\r\n\r\n", &r) == -413);
    CHECK(parse("GET / HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n"
                "Content-Length: 4\r\n\r\n", &r) == -400);
    CHECK(parse("GET / HTTP/1.1\r\nHost: h\r\nContent-Length: 3\r\n"
                "Content-Length: 3\r\n\r\n", &r) > 0);
    CHECK(parse("GET / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n", &r) > 0);
    CHECK(r.chunked == 1);
    CHECK(parse("GET / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n"
                "Content-Length: 3\r\n\r\n", &r) == -400);
    CHECK(parse("GET / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: gzip\r\n\r\n", &r) == -501);
    CHECK(parse("GET / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n", &r) == -400);
}

/* Feeds s one byte at a time; returns the result and *at, the offset
 * just after the byte that ended it. */
static int chunked_bytewise(const char *s, size_t n, size_t *at)
{
    struct http_chunked c = {0};

    for (size_t i = 0; i < n; i++) {
        size_t used;
        int st = http_chunked_feed(&c, s + i, 1, &used, HTTP_MAX_BODY);

        if (st != 0) {
            *at = i + used;
            return st;
        }
    }
    *at = n;
    return 0;
}

TEST(httpd_chunked_good)
{
    static const char body[] = "5;ext=1\r\nhello\r\n1A\r\n"
                               "abcdefghijklmnopqrstuvwxyz\r\n0\r\n"
                               "Trailer: x\r\n\r\nGET /next";
    struct http_chunked c = {0};
    size_t used, at, end = strlen(body) - strlen("GET /next");

    CHECK(http_chunked_feed(&c, body, strlen(body), &used, HTTP_MAX_BODY) == 1);
    CHECK(used == end); /* the next request is left alone */
    CHECK(c.total == 31);
    CHECK(chunked_bytewise(body, strlen(body), &at) == 1 && at == end);
    CHECK(chunked_bytewise("0\r\n\r\n", 5, &at) == 1 && at == 5);
    CHECK(chunked_bytewise("3\r\nab", 5, &at) == 0); /* not yet */
}

TEST(httpd_chunked_bad)
{
    size_t at;
    struct http_chunked c = {0};
    size_t used;

    CHECK(chunked_bytewise("zz\r\n", 4, &at) == -400);
    CHECK(chunked_bytewise("\r\n", 2, &at) == -400);
    CHECK(chunked_bytewise("5\r\nhelloX", 9, &at) == -400);
    CHECK(chunked_bytewise("5\rX", 3, &at) == -400);
    CHECK(chunked_bytewise("5\r\nhello\r\n0\r\nbad\x01", 17, &at) == -400);
    CHECK(chunked_bytewise("1;\x01\r\n", 5, &at) == -400);
    /* sizes that would overflow, or pass the cap */
    CHECK(chunked_bytewise("ffffffffffffffffff\r\n", 20, &at) == -413);
    /* 17 digits that would wrap to 1 in 64 bits */
    CHECK(chunked_bytewise("10000000000000001\r\nx", 20, &at) == -413);
    CHECK(http_chunked_feed(&c, "10001\r\n", 7, &used, HTTP_MAX_BODY) == -413);
}
