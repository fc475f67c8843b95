#include <string.h>
#include "mem.h"
#include "store.h"

/* Buckets moved (and empty ones looked at, x10) per operation while
 * growing: Redis's dict moves 1 per operation, 100 per idle millisecond. */
#define REHASH_STEP 4
#define INITIAL_BUCKETS 16

/* SipHash-2-4 (Aumasson and Bernstein): keyed, so clients cannot choose
 * keys that all land in one chain. */
#define ROTL(x, b) (uint64_t)(((x) << (b)) | ((x) >> (64 - (b))))
#define SIPROUND                                                          \
    do {                                                                  \
        v0 += v1; v1 = ROTL(v1, 13); v1 ^= v0; v0 = ROTL(v0, 32);          \
        v2 += v3; v3 = ROTL(v3, 16); v3 ^= v2;                            \
        v0 += v3; v3 = ROTL(v3, 21); v3 ^= v0;                            \
        v2 += v1; v1 = ROTL(v1, 17); v1 ^= v2; v2 = ROTL(v2, 32);          \
    } while (0)

static uint64_t le64(const uint8_t *p)
{
    uint64_t v = 0;

    for (int i = 7; i >= 0; i--)
        v = v << 8 | p[i];
    return v;
}

static uint64_t siphash(const uint8_t key[16], const uint8_t *in, size_t len)
{
    uint64_t k0 = le64(key), k1 = le64(key + 8), m, b = (uint64_t)len << 56;
    uint64_t v0 = 0x736f6d6570736575ull ^ k0, v1 = 0x646f72616e646f6dull ^ k1;
    uint64_t v2 = 0x6c7967656e657261ull ^ k0, v3 = 0x7465646279746573ull ^ k1;
    size_t i;

    for (i = 0; i + 8 <= len; i += 8) {
        m = le64(in + i);
        v3 ^= m;
        SIPROUND;
        SIPROUND;
        v0 ^= m;
    }
    for (size_t j = 0; i + j < len; j++)
        b |= (uint64_t)in[i + j] << (8 * j);
    v3 ^= b;
    SIPROUND;
    SIPROUND;
    v0 ^= b;
    v2 ^= 0xff;
    SIPROUND;
    SIPROUND;
    SIPROUND;
    SIPROUND;
    return v0 ^ v1 ^ v2 ^ v3;
}

void store_init(struct store *s, const uint8_t seed[16])
{
    memset(s, 0, sizeof(*s));
    memcpy(s->seed, seed, 16);
}

size_t store_count(const struct store *s)
{
    return s->t[0].used + s->t[1].used;
}

size_t store_entry_cost(size_t klen, size_t vlen)
{
    return sizeof(struct entry) + klen + vlen + KVMEM_OVERHEAD;
}

static int rehashing(const struct store *s)
{
    return s->t[1].size != 0;
}

static void free_entry(struct store *s, struct entry *e)
{
    if (e->expire_ms)
        s->expires--;
    kvmem_free(e);
}

static void finish_rehash(struct store *s)
{
    kvmem_free(s->t[0].buckets);
    s->t[0] = s->t[1];
    memset(&s->t[1], 0, sizeof(s->t[1]));
    s->rehash = 0;
}

static void rehash_step(struct store *s, size_t n)
{
    size_t empty_budget = n * 10;

    if (!rehashing(s))
        return;
    while (n && s->t[0].used) {
        struct entry *e = s->t[0].buckets[s->rehash];

        if (!e) {
            s->rehash++;
            if (!--empty_budget)
                return;
            continue;
        }
        while (e) {
            struct entry *next = e->next;
            size_t b = e->hash & (s->t[1].size - 1);

            e->next = s->t[1].buckets[b];
            s->t[1].buckets[b] = e;
            s->t[0].used--;
            s->t[1].used++;
            e = next;
        }
        s->t[0].buckets[s->rehash++] = NULL;
        n--;
    }
    if (!s->t[0].used)
        finish_rehash(s);
}

/* Start growing when the table is full; without memory for a larger
 * table the chains just get longer. */
static void maybe_grow(struct store *s)
{
    size_t size;
    struct entry **b;

    if (rehashing(s) || s->t[0].used < s->t[0].size)
        return;
    size = s->t[0].size ? 2 * s->t[0].size : INITIAL_BUCKETS;
    if (size > ((size_t)-1) / sizeof(*b))
        return;
    b = kvmem_alloc(size * sizeof(*b));
    if (!b)
        return;
    memset(b, 0, size * sizeof(*b));
    if (!s->t[0].size) {
        s->t[0].buckets = b;
        s->t[0].size = size;
        return;
    }
    s->t[1].buckets = b;
    s->t[1].size = size;
    s->rehash = 0;
}

/* The link pointing at key's entry, and in *t the table holding it;
 * NULL when the key is absent. */
static struct entry **find_link(struct store *s, const void *key,
                                size_t klen, uint64_t h, int *t)
{
    for (*t = 0; *t < 2; (*t)++) {
        struct entry **link;

        if (!s->t[*t].size)
            continue;
        link = &s->t[*t].buckets[h & (s->t[*t].size - 1)];
        for (; *link; link = &(*link)->next)
            if ((*link)->hash == h && (*link)->klen == klen &&
                !memcmp((*link)->data, key, klen))
                return link;
    }
    return NULL;
}

static void unlink_entry(struct store *s, struct entry **link, int t)
{
    struct entry *e = *link;

    *link = e->next;
    s->t[t].used--;
    free_entry(s, e);
}

static int expired(const struct entry *e, int64_t now_ms)
{
    return e->expire_ms && e->expire_ms <= now_ms;
}

struct entry *store_get(struct store *s, const void *key, size_t klen,
                        int64_t now_ms)
{
    uint64_t h = siphash(s->seed, key, klen);
    struct entry **link;
    int t;

    rehash_step(s, REHASH_STEP);
    link = find_link(s, key, klen, h, &t);
    if (!link)
        return NULL;
    if (expired(*link, now_ms)) {
        unlink_entry(s, link, t);
        return NULL;
    }
    return *link;
}

struct entry *store_entry_new(size_t klen, size_t vlen, int64_t expire_ms)
{
    struct entry *e;

    if (klen > STORE_MAX_KEY || vlen > STORE_MAX_KEY)
        return NULL;
    e = kvmem_alloc(sizeof(*e) + klen + vlen);
    if (!e)
        return NULL;
    e->next = NULL;
    e->hash = 0;
    e->expire_ms = expire_ms;
    e->klen = klen;
    e->vlen = vlen;
    return e;
}

/* Put e in: replacing an entry with its key when replace is set, else
 * refusing (-1, e freed). */
static int put(struct store *s, struct entry *e, int replace)
{
    struct entry **link;
    struct table *t;
    int ti;

    e->hash = siphash(s->seed, (const uint8_t *)e->data, e->klen);
    if (e->expire_ms)
        s->expires++;
    rehash_step(s, REHASH_STEP);
    link = find_link(s, e->data, e->klen, e->hash, &ti);
    if (link && !replace) {
        free_entry(s, e);
        return -1;
    }
    if (link) { /* replace in place: same chain, same table */
        struct entry *old = *link;

        e->next = old->next;
        *link = e;
        free_entry(s, old);
        return 0;
    }
    maybe_grow(s);
    if (!s->t[0].size) { /* not even a first table could be had */
        free_entry(s, e);
        return -1;
    }
    t = rehashing(s) ? &s->t[1] : &s->t[0];
    e->next = t->buckets[e->hash & (t->size - 1)];
    t->buckets[e->hash & (t->size - 1)] = e;
    t->used++;
    return 0;
}

int store_insert_new(struct store *s, struct entry *e)
{
    return put(s, e, 0);
}

struct entry *store_set(struct store *s, const void *key, size_t klen,
                        const void *val, size_t vlen, int64_t expire_ms)
{
    struct entry *e = store_entry_new(klen, vlen, expire_ms);

    if (!e)
        return NULL;
    memcpy(e->data, key, klen);
    memcpy(e->data + klen, val, vlen);
    return put(s, e, 1) ? NULL : e;
}

int store_del(struct store *s, const void *key, size_t klen, int64_t now_ms)
{
    uint64_t h = siphash(s->seed, key, klen);
    struct entry **link;
    int live, t;

    rehash_step(s, REHASH_STEP);
    link = find_link(s, key, klen, h, &t);
    if (!link)
        return 0;
    live = !expired(*link, now_ms);
    unlink_entry(s, link, t);
    return live;
}

void store_set_expire(struct store *s, struct entry *e, int64_t expire_ms)
{
    s->expires += (expire_ms != 0) - (e->expire_ms != 0);
    e->expire_ms = expire_ms;
}

size_t store_sweep(struct store *s, int64_t now_ms, size_t budget)
{
    size_t deleted = 0;

    rehash_step(s, REHASH_STEP);
    if (!s->t[0].size || !s->expires)
        return 0;
    while (budget--) {
        struct entry **link;

        s->sweep &= s->t[0].size - 1;
        link = &s->t[0].buckets[s->sweep++];
        while (*link) {
            if (expired(*link, now_ms)) {
                struct entry *e = *link;

                *link = e->next;
                s->t[0].used--;
                free_entry(s, e);
                deleted++;
            } else {
                link = &(*link)->next;
            }
        }
    }
    return deleted;
}

int store_each(struct store *s, int (*fn)(void *arg, const struct entry *e),
               void *arg)
{
    for (int t = 0; t < 2; t++)
        for (size_t b = 0; b < s->t[t].size; b++)
            for (struct entry *e = s->t[t].buckets[b]; e; e = e->next) {
                int r = fn(arg, e);

                if (r)
                    return r;
            }
    return 0;
}

void store_clear(struct store *s)
{
    for (int t = 0; t < 2; t++) {
        for (size_t b = 0; b < s->t[t].size; b++) {
            struct entry *e = s->t[t].buckets[b];

            while (e) {
                struct entry *next = e->next;

                free_entry(s, e);
                e = next;
            }
        }
        kvmem_free(s->t[t].buckets);
        memset(&s->t[t], 0, sizeof(s->t[t]));
    }
    s->rehash = 0;
    s->sweep = 0;
    s->expires = 0;
}
