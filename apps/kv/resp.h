/* Incremental RESP2 request parser: multibulk ("*2\r\n$3\r\nGET\r\n...")
 * and inline commands ("PING\r\n", what telnet and redis-benchmark's
 * inline tests send).  Pure: it reads a byte buffer, does no I/O, and
 * keeps its progress so a command that arrives in pieces is not parsed
 * again from the start.  Arguments are offsets into the buffer, so the
 * caller may move the buffer (keeping the bytes from the command's start)
 * between calls. */
#ifndef KV_RESP_H
#define KV_RESP_H

#include <stddef.h>

/* Redis's PROTO_INLINE_MAX_SIZE: an inline command, or a count line,
 * longer than this without its newline is an error. */
#define RESP_INLINE_MAX 65536

enum resp_status {
    RESP_MORE,    /* a command has not fully arrived */
    RESP_COMMAND, /* argc/argv hold one command (argc may be 0: ignore) */
    RESP_ERROR,   /* protocol error: reply p->error, then close */
};

struct resp_arg {
    size_t off, len; /* bytes from the command's first byte */
};

struct resp_parser {
    size_t max_args; /* more arguments: "invalid multibulk length" */
    size_t max_bulk; /* a longer argument: "invalid bulk length" */
    /* Progress through the current command: */
    size_t pos;      /* bytes of it consumed so far */
    long long want;  /* multibulk arguments still to come */
    long long bulk;  /* length of the argument being read, or -1 */
    int multibulk;   /* started a "*" command */
    size_t argc, cap;
    struct resp_arg *argv; /* kvmem: grows with argc */
    char error[96];  /* "ERR Protocol error: ..." on RESP_ERROR */
};

void resp_init(struct resp_parser *p, size_t max_args, size_t max_bulk);
void resp_free(struct resp_parser *p);
/* Parse from buf[0..len), where buf[0] is the current command's first
 * byte.  On RESP_COMMAND p->pos bytes make the command: drop them, then
 * resp_next().  Inline arguments are unescaped in place in buf. */
enum resp_status resp_parse(struct resp_parser *p, char *buf, size_t len);
void resp_next(struct resp_parser *p);

/* Redis's string2ll: a decimal integer, optional '-', no '+', no spaces
 * or leading zeros, within long long.  1 if parsed. */
int resp_strtoll(const char *s, size_t len, long long *out);

#endif
