/*
 * What to answer.  Order of decisions (RFC 9110 13.2.2): find the
 * resource (404, 301 to the directory's slash), then If-None-Match /
 * If-Modified-Since (304), then Range (206, 416).  Files are never
 * copied: the body is a pointer into the archive.
 */
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "http_cond.h"
#include "http_date.h"
#include "respond.h"
#include "url.h"

#define MAX_PATH 1024

const char *http_status_text(int status)
{
    switch (status) {
    case 200: return "OK";
    case 206: return "Partial Content";
    case 301: return "Moved Permanently";
    case 304: return "Not Modified";
    case 400: return "Bad Request";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 408: return "Request Timeout";
    case 411: return "Length Required";
    case 413: return "Content Too Large";
    case 414: return "URI Too Long";
    case 416: return "Range Not Satisfiable";
    case 431: return "Request Header Fields Too Large";
    case 501: return "Not Implemented";
    case 503: return "Service Unavailable";
    case 505: return "HTTP Version Not Supported";
    default: return "Internal Server Error";
    }
}

struct out {
    char *buf;
    size_t len;
    int overflow;
};

__attribute__((format(printf, 2, 3)))
static void put(struct out *o, const char *fmt, ...)
{
    va_list ap;
    int n;

    if (o->overflow)
        return;
    va_start(ap, fmt);
    n = vsnprintf(o->buf + o->len, REPLY_HEAD_MAX - o->len, fmt, ap);
    va_end(ap);
    if (n < 0 || (size_t)n >= REPLY_HEAD_MAX - o->len)
        o->overflow = 1;
    else
        o->len += (size_t)n;
}

static void status_line(struct out *o, int status, const char *date)
{
    put(o, "HTTP/1.1 %d %s\r\nServer: tern-httpd\r\nDate: %s\r\n", status,
        http_status_text(status), date);
}

/* HTTP/1.1 keeps connections by default, HTTP/1.0 only when asked. */
static void connection(struct out *o, const struct http_request *req,
                       int keep)
{
    if (!keep)
        put(o, "Connection: close\r\n");
    else if (req && req->minor == 0)
        put(o, "Connection: keep-alive\r\n");
}

void respond_error(int status, const char *date, int head_only, char *head,
                 struct reply *rep)
{
    struct out o = {head, 0, 0};
    char page[128];
    int n = snprintf(page, sizeof page,
                     "<html><body><h1>%d %s</h1></body></html>\n", status,
                     http_status_text(status));

    memset(rep, 0, sizeof *rep);
    status_line(&o, status, date);
    put(&o, "Content-Type: text/html\r\nContent-Length: %d\r\n", n);
    if (status == 405)
        put(&o, "Allow: GET, HEAD\r\n");
    put(&o, "Connection: close\r\n\r\n%s", head_only ? "" : page);
    rep->head_len = o.len;
    rep->status = status;
    rep->bytes = head_only ? 0 : (uint64_t)n;
}

static void file_headers(struct out *o, const struct site_file *f,
                         const char *etag)
{
    char lm[HTTP_DATE_BUF];

    http_date_format(f->mtime, lm);
    put(o, "Last-Modified: %s\r\nETag: %s\r\nAccept-Ranges: bytes\r\n", lm,
        etag);
}

static void finish(struct out *o, const struct http_request *req,
                   struct reply *rep)
{
    connection(o, req, rep->keep_alive);
    put(o, "\r\n");
    rep->head_len = o->len;
}

/* The file, whole or a range of it, or 304, or 416. */
static void serve_file(const struct site_file *f, const char *path,
                       size_t plen, const char *buf,
                       const struct http_request *req, struct out *o,
                       struct reply *rep, const char *date)
{
    char etag[48];
    uint64_t first = 0, last = f->size ? f->size - 1 : 0;
    enum http_range_result range = RANGE_NONE;
    const char *b = buf;

    snprintf(etag, sizeof etag, "\"%" PRIx64 "-%" PRIx64 "\"",
             (uint64_t)f->mtime, f->size);
    if (http_not_modified(b + req->if_none_match.off, req->if_none_match.len,
                          b + req->if_modified_since.off,
                          req->if_modified_since.len, etag, f->mtime)) {
        rep->status = 304;
        status_line(o, 304, date);
        put(o, "ETag: %s\r\n", etag);
        finish(o, req, rep);
        return;
    }
    if (req->method == HTTP_GET && req->range.len &&
        http_if_range_ok(b + req->if_range.off, req->if_range.len, etag,
                         f->mtime))
        range = http_range(b + req->range.off, req->range.len, f->size,
                           &first, &last);
    if (range == RANGE_UNSATISFIABLE) {
        rep->status = 416;
        status_line(o, 416, date);
        put(o, "Content-Range: bytes */%" PRIu64 "\r\nContent-Length: 0\r\n",
            f->size);
        finish(o, req, rep);
        return;
    }
    rep->status = range == RANGE_OK ? 206 : 200;
    status_line(o, rep->status, date);
    put(o, "Content-Type: %s\r\n", site_content_type(path, plen));
    if (range == RANGE_OK)
        put(o, "Content-Range: bytes %" PRIu64 "-%" PRIu64 "/%" PRIu64 "\r\n",
            first, last, f->size);
    put(o, "Content-Length: %" PRIu64 "\r\n", f->size ? last - first + 1 : 0);
    file_headers(o, f, etag);
    finish(o, req, rep);
    if (req->method == HTTP_GET && f->size) {
        rep->body = f->data + first;
        rep->body_len = last - first + 1;
        rep->bytes = rep->body_len;
    }
}

/* A directory without its slash: 301 to the same target with one. */
static void redirect_dir(const char *buf, const struct http_request *req,
                         struct out *o, struct reply *rep, const char *date)
{
    const char *t = buf + req->target.off;
    size_t n = req->target.len, q = 0;

    while (q < n && t[q] != '?' && t[q] != '#') /* t is not NUL-ended */
        q++;
    rep->status = 301;
    status_line(o, 301, date);
    put(o, "Location: %.*s/%.*s\r\nContent-Length: 0\r\n", (int)q, t,
        (int)(n - q), t + q);
    finish(o, req, rep);
}

static void not_found(const struct http_request *req, struct out *o,
                      struct reply *rep, const char *date)
{
    static const char page[] =
        "<html><body><h1>404 Not Found</h1></body></html>\n";

    rep->status = 404;
    status_line(o, 404, date);
    put(o, "Content-Type: text/html\r\nContent-Length: %zu\r\n",
        sizeof page - 1);
    finish(o, req, rep);
    if (req->method == HTTP_GET) {
        rep->body = (const uint8_t *)page;
        rep->body_len = rep->bytes = sizeof page - 1;
    }
}

void reply_request(const struct site *s, const char *buf,
                   const struct http_request *req, const char *date,
                   char *head, struct reply *rep)
{
    struct out o = {head, 0, 0};
    char path[MAX_PATH + sizeof "/index.html"];
    const struct site_file *f;
    int dir;
    long n = url_to_path(buf + req->target.off, req->target.len, path,
                         MAX_PATH, &dir);

    memset(rep, 0, sizeof *rep);
    rep->keep_alive = req->keep_alive;
    if (n < 0) {
        respond_error(n == -1 && req->target.len > MAX_PATH ? 414 : 400, date,
                    req->method == HTTP_HEAD, head, rep);
        return;
    }
    if (dir)
        n += sprintf(path + n, "%sindex.html", n ? "/" : "");
    f = site_find(s, path, (size_t)n);
    if (f && !f->is_dir)
        serve_file(f, path, (size_t)n, buf, req, &o, rep, date);
    else if (!dir && site_is_dir(s, path, (size_t)n))
        redirect_dir(buf, req, &o, rep, date);
    else
        not_found(req, &o, rep, date);
    if (o.overflow) /* a head too long to write: only a huge Location */
        respond_error(414, date, req->method == HTTP_HEAD, head, rep);
}
