/*
 * HTTP/1.x request parsing, pure (no I/O): the request head (request
 * line and header fields) from a connection's input buffer, and the
 * chunked body decoder.  Everything is bounded: the request line, the
 * head and the number of fields; a peer's bytes are never trusted.
 */
#ifndef HTTPD_HTTP_PARSE_H
#define HTTPD_HTTP_PARSE_H

#include <stddef.h>
#include <stdint.h>

/* Limits: a request line longer than HTTP_MAX_LINE is 414, a head that
 * does not end within the buffer (at most HTTP_MAX_HEAD) or has more
 * than HTTP_MAX_FIELDS fields is 431, a body longer than HTTP_MAX_BODY
 * is 413 (this server reads no bodies: they are discarded). */
#define HTTP_MAX_LINE 2048
#define HTTP_MAX_HEAD 4096
#define HTTP_MAX_FIELDS 32
#define HTTP_MAX_BODY 65536

enum http_method { HTTP_GET = 1, HTTP_HEAD };

/* A piece of the input buffer: offset and length (the buffer is at most
 * HTTP_MAX_HEAD bytes). */
struct http_slice {
    uint16_t off, len;
};

struct http_request {
    enum http_method method;
    int minor;              /* HTTP/1.<minor> */
    int keep_alive;         /* the connection may carry another request */
    int chunked;            /* Transfer-Encoding: chunked body follows */
    uint32_t content_length;
    size_t head_len;        /* bytes of the head, its empty line included */
    struct http_slice line; /* request line without CRLF, for the log */
    struct http_slice target, host, if_none_match, if_modified_since,
        range, if_range;
};

/* Parses the head at the start of buf[0..len).  Returns 0 when more
 * bytes are needed (the head is still well-formed so far), the head's
 * length when it is complete, or -status (400, 405, 411, 413, 414, 431,
 * 501, 505) when the request must be refused; req->line is set as soon
 * as the request line is complete (len 0 before).  max_head is the
 * caller's buffer size, at most HTTP_MAX_HEAD. */
long http_parse_head(const char *buf, size_t len, size_t max_head,
                     struct http_request *req);

/* Chunked body decoder (RFC 9112 7.1), fed any split of the bytes. */
struct http_chunked {
    int state;
    uint64_t remaining; /* of the current chunk's data */
    uint64_t total;     /* data bytes so far */
    unsigned line;      /* bytes of the current size or trailer line */
    unsigned trailer;   /* bytes of trailer fields so far */
};

/* Consumes bytes of p[0..len) into *used: returns 0 when the body needs
 * more bytes (all of them used), 1 when it ended (*used is where), or
 * -400 (bad syntax) or -413 (more than max_total data bytes). */
int http_chunked_feed(struct http_chunked *c, const char *p, size_t len,
                      size_t *used, uint64_t max_total);

/* Case-insensitive compare of a slice with a NUL-terminated word. */
int http_slice_is(const char *buf, struct http_slice s, const char *word);

#endif
