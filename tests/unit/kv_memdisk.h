/* A disk in memory for kv's snapshot tests and fuzz target: a byte array
 * that grows as written (like a file), with a write budget after which
 * writes tear (the bytes up to the budget land, the rest do not, and the
 * write fails), as a power cut mid-SAVE would leave it. */
#ifndef KV_MEMDISK_H
#define KV_MEMDISK_H

#include <stdlib.h>
#include <string.h>
#include "../../apps/kv/snapshot.h"

struct memdisk {
    unsigned char *data;
    size_t size, cap;
    long budget; /* bytes that may still be written; -1: unlimited */
    int syncs;
};

static long memdisk_read(void *ctx, uint64_t off, void *buf, size_t len)
{
    struct memdisk *d = ctx;

    if (off >= d->size)
        return 0;
    if (len > d->size - off)
        len = d->size - off;
    memcpy(buf, d->data + off, len);
    return (long)len;
}

static int memdisk_write(void *ctx, uint64_t off, const void *buf, size_t len)
{
    struct memdisk *d = ctx;
    size_t n = len;
    int torn = 0;

    if (d->budget >= 0 && (long)len > d->budget) {
        n = d->budget;
        torn = 1;
    }
    if (off + n > d->cap) {
        size_t cap = off + n + 4096;

        d->data = realloc(d->data, cap);
        memset(d->data + d->cap, 0, cap - d->cap);
        d->cap = cap;
    }
    memcpy(d->data + off, buf, n);
    if (n && off + n > d->size)
        d->size = off + n;
    if (d->budget >= 0)
        d->budget -= n;
    return torn ? -1 : 0;
}

static int memdisk_sync(void *ctx)
{
    ((struct memdisk *)ctx)->syncs++;
    return 0;
}

static inline void memdisk_io(struct memdisk *d, struct snap_io *io)
{
    io->ctx = d;
    io->read = memdisk_read;
    io->write = memdisk_write;
    io->sync = memdisk_sync;
}

static inline void memdisk_free(struct memdisk *d)
{
    free(d->data);
    memset(d, 0, sizeof(*d));
}

#endif
