/* A client's output buffer and the RESP2 replies written into it.  An
 * allocation failure marks the buffer failed (the reply cannot be
 * delivered whole, so the server closes that client) instead of
 * truncating a reply. */
#ifndef KV_REPLY_H
#define KV_REPLY_H

#include <stddef.h>

struct reply {
    char *data; /* kvmem */
    size_t len, cap;
    int failed;
};

void reply_free(struct reply *r);
void reply_raw(struct reply *r, const void *bytes, size_t len);
void reply_status(struct reply *r, const char *s);   /* +s */
void reply_error(struct reply *r, const char *s);    /* -s (\r\n blanked) */
void reply_int(struct reply *r, long long v);        /* :v */
void reply_bulk(struct reply *r, const void *s, size_t len); /* $len s */
void reply_nil(struct reply *r);                     /* $-1 */
void reply_array(struct reply *r, long long n);      /* *n */
/* Drop the first n bytes (sent). */
void reply_consume(struct reply *r, size_t n);

#endif
