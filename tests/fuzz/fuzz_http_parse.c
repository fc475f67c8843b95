/*
 * libFuzzer target: httpd's request parser (apps/httpd/http_parse.c)
 * and what answers a parsed request (respond.c, url.c, http_cond.c,
 * http_date.c) over a small fixed site.  The input is a connection's
 * bytes.  Checked beyond "no crash": the parser gives the same answer
 * however the bytes were split (a prefix that is complete or refused
 * stays so), every slice lies inside the head, and a response never
 * overruns its buffer or points a body outside the site's bytes.  The
 * bytes after the head go through the chunked decoder whole and in two
 * pieces, which must agree.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "../../apps/httpd/http_parse.h"
#include "../../apps/httpd/respond.h"

#define check(ok)                                                         \
    do {                                                                  \
        if (!(ok)) {                                                      \
            fprintf(stderr, "fuzz_http_parse.c:%d: %s\n", __LINE__, #ok); \
            abort();                                                      \
        }                                                                 \
    } while (0)

static const uint8_t index_html[] = "<html>hello</html>";
static struct site_file files[] = {
    {"a", NULL, 0, 0, 1},
    {"a/index.html", index_html, 18, 1767225600, 0},
    {"index.html", index_html, 18, 1767225600, 0},
};
static const struct site site = {files, 3, 2, 0};

static void slice_inside(struct http_slice s, size_t end)
{
    check((size_t)s.off + s.len <= end);
}

static void check_reply(const char *buf, const struct http_request *r)
{
    static char head[REPLY_HEAD_MAX + 1];
    struct reply rep;

    head[REPLY_HEAD_MAX] = 0x5a; /* a canary just past the buffer */
    reply_request(&site, buf, r, "Thu, 01 Jan 2026 00:00:00 GMT", head, &rep);
    check(head[REPLY_HEAD_MAX] == 0x5a);
    check(rep.head_len > 0 && rep.head_len < REPLY_HEAD_MAX);
    check(rep.status >= 200 && rep.status <= 505);
    if (rep.body_len && rep.status != 404) {
        check(rep.body >= index_html &&
              rep.body + rep.body_len <= index_html + 18);
    }
    if (r->method == HTTP_HEAD)
        check(rep.body_len == 0);
}

static void chunked_agrees(const char *p, size_t n, size_t cut)
{
    struct http_chunked one = {0}, two = {0};
    size_t u1, u2a, u2b = 0;
    int s1 = http_chunked_feed(&one, p, n, &u1, HTTP_MAX_BODY);
    int s2 = http_chunked_feed(&two, p, cut, &u2a, HTTP_MAX_BODY);

    check(u1 <= n && u2a <= cut);
    if (s2 == 0) {
        s2 = http_chunked_feed(&two, p + cut, n - cut, &u2b, HTTP_MAX_BODY);
        u2a += u2b;
    }
    check(s1 == s2);
    if (s1 != 0)
        check(u1 == u2a);
    check(one.total <= HTTP_MAX_BODY);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *buf = (const char *)data;
    size_t len = size > HTTP_MAX_HEAD ? HTTP_MAX_HEAD : size;
    size_t cut = len ? data[0] % (len + 1) : 0;
    struct http_request whole, part;
    long r = http_parse_head(buf, len, HTTP_MAX_HEAD, &whole);
    long p = http_parse_head(buf, cut, HTTP_MAX_HEAD, &part);

    check(r <= (long)len);
    if (r == 0)
        check(len < HTTP_MAX_HEAD); /* a full buffer is an answer */
    if (p != 0)
        check(p == r); /* complete or refused at a prefix: the same */
    if (r > 0) {
        slice_inside(whole.line, (size_t)r);
        slice_inside(whole.target, (size_t)r);
        slice_inside(whole.host, (size_t)r);
        slice_inside(whole.range, (size_t)r);
        slice_inside(whole.if_none_match, (size_t)r);
        slice_inside(whole.if_modified_since, (size_t)r);
        slice_inside(whole.if_range, (size_t)r);
        check(whole.content_length <= HTTP_MAX_BODY);
        check(!(whole.chunked && whole.content_length));
        check(whole.method == HTTP_GET || whole.method == HTTP_HEAD);
        check_reply(buf, &whole);
    }
    if (r >= 0) {
        size_t off = r > 0 ? (size_t)r : 0, rest = size - off;

        chunked_agrees(buf + off, rest, rest ? data[size - 1] % (rest + 1) : 0);
    }
    return 0;
}
