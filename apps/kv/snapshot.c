/* Snapshot format (little-endian).  Header sector, slot 0 at byte 0 and
 * slot 1 at byte 512:
 *    0  "TERNKV\0\1"     8  u32 version (1)   12  u32 CRC-32C of bytes
 *   0-63 with this field 0   16  u64 generation   24  u64 body offset
 *   32  u64 body length   40  u64 keys   48  u32 body CRC-32C
 *   52  u32 0   56  i64 saved at (ms)   64-511  zero
 * Body: per key u32 key length, u32 value length, i64 expiry (ms of the
 * wall clock, 0: none), key, value; exactly "keys" of them, exactly
 * "body length" bytes. */
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include "crc32c.h"
#include "mem.h"
#include "snapshot.h"

static const uint8_t MAGIC[8] = {'T', 'E', 'R', 'N', 'K', 'V', 0, 1};
#define VERSION 1
#define HEADER_BYTES 64
#define CHUNK 4096
/* No body is longer than this (1 TiB): keeps offset sums far from
 * overflow. */
#define MAX_BODY (1ull << 40)

struct header {
    uint64_t generation, off, len, keys;
    uint32_t crc;
    int64_t saved_ms;
};

static void put32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = v >> (8 * i);
}

static void put64(uint8_t *p, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        p[i] = v >> (8 * i);
}

static uint32_t get32(const uint8_t *p)
{
    return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t get64(const uint8_t *p)
{
    return get32(p) | (uint64_t)get32(p + 4) << 32;
}

static void encode_header(uint8_t sec[SNAP_SECTOR], const struct header *h)
{
    memset(sec, 0, SNAP_SECTOR);
    memcpy(sec, MAGIC, 8);
    put32(sec + 8, VERSION);
    put64(sec + 16, h->generation);
    put64(sec + 24, h->off);
    put64(sec + 32, h->len);
    put64(sec + 40, h->keys);
    put32(sec + 48, h->crc);
    put64(sec + 56, (uint64_t)h->saved_ms);
    put32(sec + 12, kv_crc32c(0, sec, HEADER_BYTES));
}

enum slot_state { SLOT_ABSENT, SLOT_BAD, SLOT_OK };

/* Read and check slot n's header; on SLOT_BAD, why says what is wrong. */
static enum slot_state read_header(const struct snap_io *io, int n,
                                   struct header *h, char *why, size_t len)
{
    uint8_t sec[SNAP_SECTOR];
    long got = io->read(io->ctx, (uint64_t)n * SNAP_SECTOR, sec, sizeof(sec));
    uint32_t crc;

    if (got < (long)sizeof(MAGIC) || memcmp(sec, MAGIC, sizeof(MAGIC)))
        return SLOT_ABSENT;
    if (got < HEADER_BYTES) {
        snprintf(why, len, "slot %d: header cut short", n);
        return SLOT_BAD;
    }
    crc = get32(sec + 12);
    put32(sec + 12, 0);
    if (kv_crc32c(0, sec, HEADER_BYTES) != crc) {
        snprintf(why, len, "slot %d: header checksum mismatch (torn write?)", n);
        return SLOT_BAD;
    }
    if (get32(sec + 8) != VERSION) {
        snprintf(why, len, "slot %d: version %u, not %u", n,
                 (unsigned)get32(sec + 8), VERSION);
        return SLOT_BAD;
    }
    h->generation = get64(sec + 16);
    h->off = get64(sec + 24);
    h->len = get64(sec + 32);
    h->keys = get64(sec + 40);
    h->crc = get32(sec + 48);
    h->saved_ms = (int64_t)get64(sec + 56);
    if (h->off < SNAP_BODY_START || h->off > MAX_BODY || h->len > MAX_BODY ||
        h->keys > h->len / SNAP_RECORD_HEADER) {
        snprintf(why, len, "slot %d: body offset %llu, length %llu, %llu keys "
                 "do not fit", n, (unsigned long long)h->off,
                 (unsigned long long)h->len, (unsigned long long)h->keys);
        return SLOT_BAD;
    }
    return SLOT_OK;
}

/* A bounded reader over one body: every byte taken goes into the CRC. */
struct cursor {
    const struct snap_io *io;
    uint64_t off, end;
    size_t have, at;
    uint32_t crc;
    uint8_t buf[CHUNK];
};

static uint64_t cursor_left(const struct cursor *c)
{
    return (c->end - c->off) + (c->have - c->at);
}

static int cursor_take(struct cursor *c, void *dst, size_t n)
{
    uint8_t *d = dst;

    while (n) {
        size_t k;

        if (c->at == c->have) {
            size_t want = c->end - c->off < CHUNK ? c->end - c->off : CHUNK;
            long got = want ? c->io->read(c->io->ctx, c->off, c->buf, want) : 0;

            if (got <= 0)
                return -1;
            c->have = got;
            c->at = 0;
            c->off += got;
        }
        k = c->have - c->at < n ? c->have - c->at : n;
        memcpy(d, c->buf + c->at, k);
        c->crc = kv_crc32c(c->crc, c->buf + c->at, k);
        c->at += k;
        d += k;
        n -= k;
    }
    return 0;
}

static int load_records(struct cursor *c, const struct header *h,
                        struct store *into, char *why, size_t len)
{
    for (uint64_t k = 0; k < h->keys; k++) {
        uint8_t rec[SNAP_RECORD_HEADER];
        uint32_t klen, vlen;
        struct entry *e;

        if (cursor_take(c, rec, sizeof(rec))) {
            snprintf(why, len, "body cut short at key %llu",
                     (unsigned long long)k);
            return -1;
        }
        klen = get32(rec);
        vlen = get32(rec + 4);
        if ((uint64_t)klen + vlen > cursor_left(c)) {
            snprintf(why, len, "key %llu: lengths %u+%u pass the body's end",
                     (unsigned long long)k, (unsigned)klen, (unsigned)vlen);
            return -1;
        }
        if ((int64_t)get64(rec + 8) < 0) { /* SAVE never writes one */
            snprintf(why, len, "key %llu: negative expiry time",
                     (unsigned long long)k);
            return -1;
        }
        e = store_entry_new(klen, vlen, (int64_t)get64(rec + 8));
        if (!e) {
            snprintf(why, len, "out of memory at key %llu",
                     (unsigned long long)k);
            return -1;
        }
        if (cursor_take(c, e->data, (size_t)klen + vlen)) {
            kvmem_free(e);
            snprintf(why, len, "body cut short at key %llu",
                     (unsigned long long)k);
            return -1;
        }
        if (store_insert_new(into, e)) {
            snprintf(why, len, "key %llu: duplicate key or out of memory",
                     (unsigned long long)k);
            return -1;
        }
    }
    return 0;
}

struct writer {
    const struct snap_io *io;
    int64_t now_ms;
    uint64_t off, keys, bytes;
    size_t have;
    uint32_t crc;
    int failed;
    uint8_t buf[CHUNK];
};

/* A loader's or a saver's 4 KiB buffer, off the stack; one buffer for
 * both, since a single thread never loads and saves at once. */
static union {
    struct cursor c;
    struct writer w;
} scratch;

static int load_body(const struct snap_io *io, const struct header *h,
                     struct store *into, char *why, size_t len)
{
    struct cursor *const cp = &scratch.c;
    uint8_t last;

    /* The body's last byte must exist before any length inside is
     * believed: a header naming a body past the disk's end is refused
     * without allocating for it. */
    if (h->len && io->read(io->ctx, h->off + h->len - 1, &last, 1) != 1) {
        snprintf(why, len, "body (%llu bytes at %llu) passes the disk's end",
                 (unsigned long long)h->len, (unsigned long long)h->off);
        return -1;
    }
    memset(cp, 0, offsetof(struct cursor, buf));
    cp->io = io;
    cp->off = h->off;
    cp->end = h->off + h->len;
    if (load_records(cp, h, into, why, len)) {
        store_clear(into);
        return -1;
    }
    if (cursor_left(cp)) {
        snprintf(why, len, "%llu bytes after the last key",
                 (unsigned long long)cursor_left(cp));
    } else if (cp->crc != h->crc) {
        snprintf(why, len, "body checksum mismatch (corrupt or torn)");
    } else {
        return 0;
    }
    store_clear(into);
    return -1;
}

enum snap_result snapshot_load(const struct snap_io *io, struct store *into,
                               struct snap_info *info)
{
    struct header h[2];
    enum slot_state st[2];
    char why[2][200] = {"", ""};
    int order[2], bad = 0;

    memset(info, 0, sizeof(*info));
    for (int n = 0; n < 2; n++)
        st[n] = read_header(io, n, &h[n], why[n], sizeof(why[n]));
    /* newest first */
    order[0] = st[1] == SLOT_OK &&
               (st[0] != SLOT_OK || h[1].generation > h[0].generation);
    order[1] = !order[0];
    for (int i = 0; i < 2; i++) {
        int n = order[i];
        char reason[140];

        if (st[n] == SLOT_OK) {
            if (!load_body(io, &h[n], into, reason, sizeof(reason))) {
                info->slot = n;
                info->generation = h[n].generation;
                info->keys = h[n].keys;
                info->bytes = h[n].len;
                return SNAP_LOADED;
            }
            snprintf(why[n], sizeof(why[n]), "slot %d generation %llu: %s", n,
                     (unsigned long long)h[n].generation, reason);
            st[n] = SLOT_BAD;
        }
        if (st[n] == SLOT_BAD && !info->refused[0])
            snprintf(info->refused, sizeof(info->refused), "%s", why[n]);
        bad |= st[n] == SLOT_BAD;
    }
    return bad ? SNAP_BAD : SNAP_NONE;
}

/* ---- saving ---- */

static int live(const struct writer *w, const struct entry *e)
{
    return !e->expire_ms || e->expire_ms > w->now_ms;
}

static int measure(void *arg, const struct entry *e)
{
    struct writer *w = arg;

    if (live(w, e)) {
        w->keys++;
        w->bytes += SNAP_RECORD_HEADER + (uint64_t)e->klen + e->vlen;
    }
    return 0;
}

static void flush(struct writer *w)
{
    if (!w->have || w->failed)
        return;
    if (w->io->write(w->io->ctx, w->off, w->buf, w->have))
        w->failed = 1;
    w->off += w->have;
    w->have = 0;
}

static void emit(struct writer *w, const void *src, size_t n)
{
    const uint8_t *s = src;

    w->crc = kv_crc32c(w->crc, s, n);
    while (n && !w->failed) {
        size_t k = CHUNK - w->have < n ? CHUNK - w->have : n;

        memcpy(w->buf + w->have, s, k);
        w->have += k;
        s += k;
        n -= k;
        if (w->have == CHUNK)
            flush(w);
    }
}

static int write_record(void *arg, const struct entry *e)
{
    struct writer *w = arg;
    uint8_t rec[SNAP_RECORD_HEADER];

    if (!live(w, e))
        return 0;
    put32(rec, e->klen);
    put32(rec + 4, e->vlen);
    put64(rec + 8, (uint64_t)e->expire_ms);
    emit(w, rec, sizeof(rec));
    emit(w, e->data, (size_t)e->klen + e->vlen);
    w->keys++;
    return w->failed;
}

/* Where the new body goes: at the start if it ends before the current
 * body, else just after the current body; never over it. */
static uint64_t place_body(const struct header *cur, uint64_t bytes)
{
    uint64_t end;

    if (!cur || SNAP_BODY_START + bytes <= cur->off)
        return SNAP_BODY_START;
    end = cur->off + cur->len;
    return (end + SNAP_SECTOR - 1) / SNAP_SECTOR * SNAP_SECTOR;
}

int snapshot_save(const struct snap_io *io, struct store *s, int64_t now_ms,
                  struct snap_info *info, char *why, size_t len)
{
    struct writer *const wp = &scratch.w;
    struct header h[2], next;
    enum slot_state st[2];
    char ignored[160];
    const struct header *cur = NULL;
    uint8_t sec[SNAP_SECTOR];
    int slot = 0;

    for (int n = 0; n < 2; n++)
        st[n] = read_header(io, n, &h[n], ignored, sizeof(ignored));
    for (int n = 0; n < 2; n++)
        if (st[n] == SLOT_OK && (!cur || h[n].generation > cur->generation)) {
            cur = &h[n];
            slot = !n;
        }
    memset(wp, 0, offsetof(struct writer, buf));
    wp->io = io;
    wp->now_ms = now_ms;
    store_each(s, measure, wp);
    next.keys = wp->keys;
    next.len = wp->bytes;
    next.off = place_body(cur, wp->bytes);
    next.generation = cur ? cur->generation + 1 : 1;
    next.saved_ms = now_ms;
    if (next.len > MAX_BODY || next.off > MAX_BODY) {
        snprintf(why, len, "snapshot of %llu bytes too large",
                 (unsigned long long)next.len);
        return -1;
    }
    wp->off = next.off;
    wp->keys = 0;
    store_each(s, write_record, wp);
    flush(wp);
    if (wp->failed || io->sync(io->ctx)) {
        snprintf(why, len, "writing %llu bytes at offset %llu failed",
                 (unsigned long long)next.len, (unsigned long long)next.off);
        return -1;
    }
    next.crc = wp->crc;
    encode_header(sec, &next);
    if (io->write(io->ctx, (uint64_t)slot * SNAP_SECTOR, sec, sizeof(sec)) ||
        io->sync(io->ctx)) {
        snprintf(why, len, "writing the header of slot %d failed", slot);
        return -1;
    }
    memset(info, 0, sizeof(*info));
    info->slot = slot;
    info->generation = next.generation;
    info->keys = next.keys;
    info->bytes = next.len;
    return 0;
}
