/* apps/httpd: dates, conditional requests, ranges, whole responses and
 * the access log line. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "../../apps/httpd/access_log.h"
#include "../../apps/httpd/http_cond.h"
#include "../../apps/httpd/http_date.h"
#include "../../apps/httpd/respond.h"
#include "test.h"

#define RFC_EXAMPLE 784111777 /* Sun, 06 Nov 1994 08:49:37 GMT */

static int date_is(const char *s, int64_t want)
{
    int64_t t = -1;

    return http_date_parse(s, strlen(s), &t) == 0 && t == want;
}

TEST(httpd_dates)
{
    char d[HTTP_DATE_BUF], clf[32];
    int64_t t;

    http_date_format(RFC_EXAMPLE, d);
    CHECK(!strcmp(d, "Sun, 06 Nov 1994 08:49:37 GMT"));
    http_date_format(0, d);
    CHECK(!strcmp(d, "Thu, 01 Jan 1970 00:00:00 GMT"));
    http_date_format(951782400, d); /* a leap day */
    CHECK(!strcmp(d, "Tue, 29 Feb 2000 00:00:00 GMT"));
    http_date_clf(RFC_EXAMPLE, clf);
    CHECK(!strcmp(clf, "06/Nov/1994:08:49:37 +0000"));
    CHECK(date_is("Sun, 06 Nov 1994 08:49:37 GMT", RFC_EXAMPLE));
    CHECK(date_is("Sunday, 06-Nov-94 08:49:37 GMT", RFC_EXAMPLE));
    CHECK(date_is("Sun Nov  6 08:49:37 1994", RFC_EXAMPLE));
    CHECK(date_is("Tue, 29 Feb 2000 00:00:00 GMT", 951782400));
    CHECK(http_date_parse("Tue, 29 Feb 2001 00:00:00 GMT", 29, &t) == -1);
    CHECK(http_date_parse("Sun, 06 Nov 1994 08:49:37 GMT ", 30, &t) == -1);
    CHECK(http_date_parse("Sun, 06 Nov 1994 24:49:37 GMT", 29, &t) == -1);
    CHECK(http_date_parse("Sun, 06 Foo 1994 08:49:37 GMT", 29, &t) == -1);
    CHECK(http_date_parse("Sun, 06 Nov 1994 08:49:37 GM", 28, &t) == -1);
    CHECK(http_date_parse("yesterday", 9, &t) == -1);
}

static int range(const char *s, uint64_t size, uint64_t *a, uint64_t *b)
{
    *a = *b = 12345;
    return http_range(s, strlen(s), size, a, b);
}

TEST(httpd_ranges)
{
    uint64_t a, b;

    CHECK(range("bytes=0-9", 100, &a, &b) == RANGE_OK && a == 0 && b == 9);
    CHECK(range("bytes=90-", 100, &a, &b) == RANGE_OK && a == 90 && b == 99);
    CHECK(range("bytes=-10", 100, &a, &b) == RANGE_OK && a == 90 && b == 99);
    CHECK(range("bytes=-200", 100, &a, &b) == RANGE_OK && a == 0 && b == 99);
    CHECK(range("bytes=50-500", 100, &a, &b) == RANGE_OK && a == 50 && b == 99);
    CHECK(range("BYTES=99-99", 100, &a, &b) == RANGE_OK && a == 99 && b == 99);
    CHECK(range("bytes=0-99999999999999999999999", 100, &a, &b) == RANGE_OK &&
          b == 99);
    CHECK(range("bytes=100-", 100, &a, &b) == RANGE_UNSATISFIABLE);
    CHECK(range("bytes=99999999999999999999-", 100, &a, &b) == RANGE_UNSATISFIABLE);
    CHECK(range("bytes=-0", 100, &a, &b) == RANGE_UNSATISFIABLE);
    CHECK(range("bytes=0-", 0, &a, &b) == RANGE_UNSATISFIABLE);
    CHECK(range("bytes=5-2", 100, &a, &b) == RANGE_NONE);
    CHECK(range("bytes=0-1,5-6", 100, &a, &b) == RANGE_NONE);
    CHECK(range("bytes=-", 100, &a, &b) == RANGE_NONE);
    CHECK(range("bytes=a-b", 100, &a, &b) == RANGE_NONE);
    CHECK(range("items=0-1", 100, &a, &b) == RANGE_NONE);
    CHECK(range("bytes", 100, &a, &b) == RANGE_NONE);
}

TEST(httpd_conditionals)
{
    const char *etag = "\"5f-264\"";

    CHECK(http_etag_listed("\"5f-264\"", 8, etag));
    CHECK(http_etag_listed("W/\"5f-264\"", 10, etag));
    CHECK(http_etag_listed("\"a\", \"5f-264\"", 13, etag));
    CHECK(http_etag_listed(" * ", 3, etag));
    CHECK(!http_etag_listed("\"5f-265\"", 8, etag));
    CHECK(!http_etag_listed("\"5f-264", 7, etag));
    CHECK(!http_etag_listed("5f-264", 6, etag));
    CHECK(!http_etag_listed("\"a\" x \"5f-264\"", 14, etag));
    CHECK(!http_etag_listed("", 0, etag));
    /* If-Modified-Since: at or after the mtime */
    CHECK(http_not_modified("", 0, "Sun, 06 Nov 1994 08:49:37 GMT", 29, etag,
                            RFC_EXAMPLE));
    CHECK(!http_not_modified("", 0, "Sun, 06 Nov 1994 08:49:36 GMT", 29, etag,
                             RFC_EXAMPLE));
    CHECK(!http_not_modified("", 0, "garbage", 7, etag, RFC_EXAMPLE));
    /* If-None-Match wins over If-Modified-Since */
    CHECK(!http_not_modified("\"x\"", 3, "Sun, 06 Nov 1994 08:49:37 GMT", 29,
                             etag, RFC_EXAMPLE));
    CHECK(http_if_range_ok("", 0, etag, 1));
    CHECK(http_if_range_ok("\"5f-264\"", 8, etag, 1));
    CHECK(!http_if_range_ok("W/\"5f-264\"", 10, etag, 1));
    CHECK(http_if_range_ok("Sun, 06 Nov 1994 08:49:37 GMT", 29, etag, RFC_EXAMPLE));
    CHECK(!http_if_range_ok("Sun, 06 Nov 1994 08:49:38 GMT", 29, etag, RFC_EXAMPLE));
}

/* ---- whole responses over a small site ---------------------------------- */
static const char body[] = "0123456789abcdefghij"; /* index.html, 20 bytes */
static struct site_file files[] = {
    {"docs", NULL, 0, 0, 1},
    {"docs/index.html", (const uint8_t *)"docs!", 5, RFC_EXAMPLE, 0},
    {"empty.txt", (const uint8_t *)"", 0, RFC_EXAMPLE, 0},
    {"index.html", (const uint8_t *)body, 20, RFC_EXAMPLE, 0},
};
static const struct site site = {files, 4, 3, 0};
static char head[REPLY_HEAD_MAX];
static const char *date = "Wed, 02 Dec 2026 13:00:00 GMT";

static struct reply ask(const char *req)
{
    struct http_request r;
    struct reply rep;
    long n = http_parse_head(req, strlen(req), HTTP_MAX_HEAD, &r);

    memset(&rep, 0, sizeof rep);
    CHECK(n > 0);
    if (n > 0)
        reply_request(&site, req, &r, date, head, &rep);
    head[rep.head_len < sizeof head ? rep.head_len : sizeof head - 1] = 0;
    return rep;
}

static int has(const char *field)
{
    return strstr(head, field) != NULL;
}

TEST(httpd_reply_files)
{
    struct reply r = ask("GET / HTTP/1.1\r\nHost: h\r\n\r\n");

    CHECK(r.status == 200 && r.keep_alive);
    CHECK(!strncmp(head, "HTTP/1.1 200 OK\r\n", 17));
    CHECK(has("\r\nContent-Type: text/html\r\n"));
    CHECK(has("\r\nContent-Length: 20\r\n"));
    CHECK(has("\r\nETag: \"2ebc98a1-14\"\r\n"));
    CHECK(has("\r\nLast-Modified: Sun, 06 Nov 1994 08:49:37 GMT\r\n"));
    CHECK(has("\r\nDate: Wed, 02 Dec 2026 13:00:00 GMT\r\n"));
    CHECK(!has("Connection"));
    CHECK(!strcmp(head + r.head_len - 4, "\r\n\r\n"));
    CHECK(r.body == (const uint8_t *)body && r.body_len == 20 && r.bytes == 20);

    r = ask("HEAD /index.html HTTP/1.0\r\n\r\n");
    CHECK(r.status == 200 && !r.keep_alive && r.body_len == 0 && r.bytes == 0);
    CHECK(has("\r\nContent-Length: 20\r\n") && has("\r\nConnection: close\r\n"));

    r = ask("GET /index.html HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
    CHECK(r.keep_alive && has("\r\nConnection: keep-alive\r\n"));

    r = ask("GET /empty.txt HTTP/1.1\r\nHost: h\r\n\r\n");
    CHECK(r.status == 200 && r.body_len == 0 && has("Content-Length: 0\r\n"));
    CHECK(has("Content-Type: text/plain\r\n"));
}

TEST(httpd_reply_directories_and_missing)
{
    struct reply r = ask("GET /docs HTTP/1.1\r\nHost: h\r\n\r\n");

    CHECK(r.status == 301 && has("\r\nLocation: /docs/\r\n") && r.body_len == 0);
    r = ask("GET /docs?x=1 HTTP/1.1\r\nHost: h\r\n\r\n");
    CHECK(r.status == 301 && has("\r\nLocation: /docs/?x=1\r\n"));
    r = ask("GET /docs/ HTTP/1.1\r\nHost: h\r\n\r\n");
    CHECK(r.status == 200 && r.body_len == 5 && !memcmp(r.body, "docs!", 5));
    r = ask("GET /index.html/ HTTP/1.1\r\nHost: h\r\n\r\n");
    CHECK(r.status == 404 && r.keep_alive && r.body_len > 0);
    r = ask("GET /nothing HTTP/1.1\r\nHost: h\r\n\r\n");
    CHECK(r.status == 404 && r.keep_alive);
    r = ask("HEAD /nothing HTTP/1.1\r\nHost: h\r\n\r\n");
    CHECK(r.status == 404 && r.body_len == 0);
    r = ask("GET /../etc/passwd HTTP/1.1\r\nHost: h\r\n\r\n");
    CHECK(r.status == 400 && !r.keep_alive && has("Connection: close"));
    r = ask("GET /docs/%2e%2e/%2e%2e/x HTTP/1.1\r\nHost: h\r\n\r\n");
    CHECK(r.status == 400);
}

TEST(httpd_reply_conditional_and_ranges)
{
    struct reply r;

    r = ask("GET / HTTP/1.1\r\nHost: h\r\nIf-None-Match: \"2ebc98a1-14\"\r\n\r\n");
    CHECK(r.status == 304 && r.body_len == 0 && r.keep_alive);
    CHECK(has("ETag: \"2ebc98a1-14\"") && !has("Content-Length"));
    r = ask("GET / HTTP/1.1\r\nHost: h\r\nIf-Modified-Since: "
            "Sun, 06 Nov 1994 08:49:37 GMT\r\n\r\n");
    CHECK(r.status == 304);
    r = ask("GET / HTTP/1.1\r\nHost: h\r\nIf-None-Match: \"old\"\r\n\r\n");
    CHECK(r.status == 200);
    r = ask("GET / HTTP/1.1\r\nHost: h\r\nRange: bytes=5-9\r\n\r\n");
    CHECK(r.status == 206 && r.body == (const uint8_t *)body + 5 && r.body_len == 5);
    CHECK(has("\r\nContent-Range: bytes 5-9/20\r\n") && has("Content-Length: 5\r\n"));
    r = ask("GET / HTTP/1.1\r\nHost: h\r\nRange: bytes=-3\r\n\r\n");
    CHECK(r.status == 206 && r.body == (const uint8_t *)body + 17 && r.body_len == 3);
    r = ask("GET / HTTP/1.1\r\nHost: h\r\nRange: bytes=20-\r\n\r\n");
    CHECK(r.status == 416 && r.body_len == 0 && r.keep_alive);
    CHECK(has("\r\nContent-Range: bytes */20\r\n"));
    r = ask("HEAD / HTTP/1.1\r\nHost: h\r\nRange: bytes=5-9\r\n\r\n");
    CHECK(r.status == 200); /* Range is for GET only */
    r = ask("GET / HTTP/1.1\r\nHost: h\r\nRange: bytes=5-9\r\nIf-Range: \"x\"\r\n\r\n");
    CHECK(r.status == 200 && r.body_len == 20);
    r = ask("GET / HTTP/1.1\r\nHost: h\r\nRange: bytes=5-9\r\n"
            "If-Range: \"2ebc98a1-14\"\r\n\r\n");
    CHECK(r.status == 206);
}

TEST(httpd_reply_long_location)
{
    char req[2100];
    struct reply r;

    /* A 301 whose Location does not fit the head buffer: 414, no overflow. */
    strcpy(req, "GET /docs?");
    memset(req + 10, 'q', 1500);
    strcpy(req + 1510, " HTTP/1.1\r\nHost: h\r\n\r\n");
    r = ask(req);
    CHECK(r.status == 414 && r.head_len < REPLY_HEAD_MAX);
}

TEST(httpd_reply_errors)
{
    struct reply r;

    respond_error(405, date, 0, head, &r);
    head[r.head_len] = 0;
    CHECK(r.status == 405 && !r.keep_alive && r.body_len == 0);
    CHECK(!strncmp(head, "HTTP/1.1 405 Method Not Allowed\r\n", 33));
    CHECK(has("\r\nAllow: GET, HEAD\r\n") && has("\r\nConnection: close\r\n"));
    CHECK(has("</html>\n") && r.bytes > 0);
    respond_error(431, date, 1, head, &r);
    head[r.head_len] = 0;
    CHECK(has("431 Request Header Fields Too Large") && !has("<html>"));
    CHECK(r.bytes == 0);
}

TEST(httpd_access_log_line)
{
    char out[ACCESS_LOG_MAX], big[1000];
    size_t n;

    n = access_log_line(out, "10.0.2.2", RFC_EXAMPLE, "GET / HTTP/1.1", 14,
                        200, 612);
    CHECK(!strcmp(out, "10.0.2.2 - - [06/Nov/1994:08:49:37 +0000] "
                       "\"GET / HTTP/1.1\" 200 612\n"));
    CHECK(n == strlen(out));
    access_log_line(out, "h", 0, "GET /\"\x1b[2J\n", 11, 400, 0);
    CHECK(strstr(out, "\"GET /\\x22\\x1b[2J\\x0a\" 400 -\n") != NULL);
    memset(big, 'a', sizeof big);
    n = access_log_line(out, "h", 0, big, sizeof big, 414, 0);
    CHECK(n < ACCESS_LOG_MAX && strstr(out, "...\" 414 -\n"));
}
