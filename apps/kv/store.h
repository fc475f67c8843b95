/* The keyspace: a chained hash table of byte-string keys and values with
 * optional expiry times (milliseconds of the wall clock, so snapshots keep
 * their meaning across restarts).  Growth is incremental, as in Redis's
 * dict: while a larger table fills, each operation moves a few buckets,
 * so no single command pays for rehashing everything.  Expired keys go
 * lazily when touched, and in bounded sweeps (store_sweep). */
#ifndef KV_STORE_H
#define KV_STORE_H

#include <stddef.h>
#include <stdint.h>

struct entry {
    struct entry *next;
    uint64_t hash;
    int64_t expire_ms; /* 0: never */
    uint32_t klen, vlen;
    char data[];       /* key, then value */
};

struct table {
    struct entry **buckets; /* kvmem */
    size_t size;            /* a power of two, or 0 */
    size_t used;
};

struct store {
    struct table t[2];   /* t[1] is the table being grown into */
    size_t rehash;       /* next bucket of t[0] to move while growing */
    size_t sweep;        /* next bucket store_sweep looks at */
    size_t expires;      /* keys with an expiry */
    uint8_t seed[16];    /* SipHash key: against chosen-collision floods */
};

#define STORE_MAX_KEY (512u * 1024 * 1024)

void store_init(struct store *s, const uint8_t seed[16]);
void store_clear(struct store *s);
/* Keys held, expired ones not yet swept included (as Redis's DBSIZE). */
size_t store_count(const struct store *s);

/* The live entry for key, or NULL (an expired one is deleted). */
struct entry *store_get(struct store *s, const void *key, size_t klen,
                        int64_t now_ms);
/* Insert or replace; the new entry, or NULL when memory ran out (the
 * store is unchanged then). */
struct entry *store_set(struct store *s, const void *key, size_t klen,
                        const void *val, size_t vlen, int64_t expire_ms);
/* For a loader that reads key and value straight into place: a new entry
 * (NULL without memory), then store_insert_new, which takes it and
 * returns -1 (freeing it) if the key is already there. */
struct entry *store_entry_new(size_t klen, size_t vlen, int64_t expire_ms);
int store_insert_new(struct store *s, struct entry *e);
/* 1 if a live key was deleted. */
int store_del(struct store *s, const void *key, size_t klen, int64_t now_ms);
void store_set_expire(struct store *s, struct entry *e, int64_t expire_ms);
/* Look at up to budget buckets from a cursor, deleting expired keys;
 * returns how many were deleted. */
size_t store_sweep(struct store *s, int64_t now_ms, size_t budget);
/* Bytes an entry with these lengths costs (for the memory limit). */
size_t store_entry_cost(size_t klen, size_t vlen);

/* Every entry, for SAVE: fn returns non-zero to stop (returned). */
int store_each(struct store *s, int (*fn)(void *arg, const struct entry *e),
               void *arg);

static inline const char *entry_key(const struct entry *e)
{
    return e->data;
}

static inline const char *entry_val(const struct entry *e)
{
    return e->data + e->klen;
}

#endif
