/*
 * Responses, pure: from a parsed request and the site to a response
 * head (and a body: a piece of the archive, or a short error page that
 * is written after the head).  No I/O; the server sends what this says.
 */
#ifndef HTTPD_RESPOND_H
#define HTTPD_RESPOND_H

#include <stddef.h>
#include <stdint.h>
#include "http_parse.h"
#include "site.h"

/* Room for any head this writes, an error page included. */
#define REPLY_HEAD_MAX 1024

struct reply {
    size_t head_len;     /* bytes of head (and error page) in the buffer */
    const uint8_t *body; /* then these bytes, from the site */
    uint64_t body_len;
    int status;
    int keep_alive; /* the connection may carry another request */
    uint64_t bytes; /* body bytes sent, for the access log */
};

/* The answer to a parsed GET or HEAD; date is the current IMF-fixdate. */
void reply_request(const struct site *s, const char *buf,
                   const struct http_request *req, const char *date,
                   char *head, struct reply *rep);

/* An error answer (4xx/5xx) that closes the connection; for HEAD
 * requests (head_only) the page is left out. */
void respond_error(int status, const char *date, int head_only, char *head,
                 struct reply *rep);

const char *http_status_text(int status);

#endif
