#include <stdio.h>
#include <string.h>
#include "mem.h"
#include "reply.h"

/* Room for n more bytes; 0, or -1 (and failed) when memory ran out. */
static int reserve(struct reply *r, size_t n)
{
    size_t cap;
    char *d;

    if (r->failed)
        return -1;
    if (r->cap - r->len >= n)
        return 0;
    cap = r->cap ? r->cap : 256;
    while (cap - r->len < n) {
        if (cap > ((size_t)-1) / 2) {
            r->failed = 1;
            return -1;
        }
        cap *= 2;
    }
    d = kvmem_realloc(r->data, cap);
    if (!d) {
        r->failed = 1;
        return -1;
    }
    r->data = d;
    r->cap = cap;
    return 0;
}

void reply_free(struct reply *r)
{
    kvmem_free(r->data);
    memset(r, 0, sizeof(*r));
}

void reply_raw(struct reply *r, const void *bytes, size_t len)
{
    if (reserve(r, len))
        return;
    memcpy(r->data + r->len, bytes, len);
    r->len += len;
}

static void line(struct reply *r, char type, const char *s, size_t len)
{
    size_t at;

    if (reserve(r, len + 3))
        return;
    at = r->len;
    r->data[at] = type;
    memcpy(r->data + at + 1, s, len);
    /* a line must not end early: what came from a client may hold CR/LF */
    for (size_t i = 0; i < len; i++)
        if (r->data[at + 1 + i] == '\r' || r->data[at + 1 + i] == '\n')
            r->data[at + 1 + i] = ' ';
    memcpy(r->data + at + 1 + len, "\r\n", 2);
    r->len += len + 3;
}

void reply_status(struct reply *r, const char *s)
{
    line(r, '+', s, strlen(s));
}

void reply_error(struct reply *r, const char *s)
{
    line(r, '-', s, strlen(s));
}

static void number(struct reply *r, char type, long long v)
{
    char buf[24];
    int n = snprintf(buf, sizeof(buf), "%lld", v);

    line(r, type, buf, n);
}

void reply_int(struct reply *r, long long v)
{
    number(r, ':', v);
}

void reply_array(struct reply *r, long long n)
{
    number(r, '*', n);
}

void reply_bulk(struct reply *r, const void *s, size_t len)
{
    number(r, '$', (long long)len);
    reply_raw(r, s, len);
    reply_raw(r, "\r\n", 2);
}

void reply_nil(struct reply *r)
{
    reply_raw(r, "$-1\r\n", 5);
}

void reply_consume(struct reply *r, size_t n)
{
    if (n >= r->len) {
        r->len = 0;
        return;
    }
    memmove(r->data, r->data + n, r->len - n);
    r->len -= n;
}
