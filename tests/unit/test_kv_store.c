/* kv's keyspace (apps/kv/store.c): lookups through incremental growth,
 * lazy and swept expiry, failed allocations leaving it unchanged, and
 * memory given back. */
#include <stdio.h>
#include <string.h>
#include "../../apps/kv/mem.h"
#include "../../apps/kv/store.h"
#include "test.h"

static const uint8_t seed[16] = {1, 2, 3};

static int has(struct store *s, const char *k, const char *v, int64_t now)
{
    struct entry *e = store_get(s, k, strlen(k), now);

    return e && e->vlen == strlen(v) && !memcmp(entry_val(e), v, e->vlen);
}

static struct entry *set(struct store *s, const char *k, const char *v,
                         int64_t expire)
{
    return store_set(s, k, strlen(k), v, strlen(v), expire);
}

TEST(kv_store_set_get_replace_del)
{
    struct store s;
    size_t before = kvmem_used();

    store_init(&s, seed);
    CHECK(!store_get(&s, "a", 1, 0));
    CHECK(set(&s, "a", "1", 0) && has(&s, "a", "1", 0));
    CHECK(set(&s, "a", "22", 0) && has(&s, "a", "22", 0));
    CHECK(store_count(&s) == 1);
    CHECK(set(&s, "", "empty key", 0) && has(&s, "", "empty key", 0));
    CHECK(store_del(&s, "a", 1, 0) == 1 && store_del(&s, "a", 1, 0) == 0);
    CHECK(store_count(&s) == 1 && !store_get(&s, "a", 1, 0));
    store_clear(&s);
    CHECK(store_count(&s) == 0 && kvmem_used() == before);
}

TEST(kv_store_many_keys_through_growth)
{
    struct store s;
    char k[16], v[16];
    int missing = 0, grew_mid_way = 0;
    size_t before = kvmem_used();

    store_init(&s, seed);
    for (int i = 0; i < 20000; i++) {
        snprintf(k, sizeof(k), "key:%d", i);
        snprintf(v, sizeof(v), "%d", i * 7);
        CHECK(set(&s, k, v, 0) != NULL);
        grew_mid_way |= s.t[1].size != 0;
        /* every earlier key stays findable while buckets move */
        if (i % 997 == 0)
            for (int j = 0; j <= i; j += 13) {
                snprintf(k, sizeof(k), "key:%d", j);
                snprintf(v, sizeof(v), "%d", j * 7);
                missing += !has(&s, k, v, 0);
            }
    }
    CHECK(grew_mid_way);
    CHECK(missing == 0);
    CHECK(store_count(&s) == 20000);
    for (int i = 0; i < 20000; i += 2) {
        snprintf(k, sizeof(k), "key:%d", i);
        CHECK(store_del(&s, k, strlen(k), 0) == 1);
    }
    CHECK(store_count(&s) == 10000);
    for (int i = 0; i < 20000; i++) {
        snprintf(k, sizeof(k), "key:%d", i);
        snprintf(v, sizeof(v), "%d", i * 7);
        missing += (i % 2) != has(&s, k, v, 0);
    }
    CHECK(missing == 0);
    store_clear(&s);
    CHECK(kvmem_used() == before);
}

TEST(kv_store_lazy_expiry)
{
    struct store s;

    store_init(&s, seed);
    CHECK(set(&s, "t", "v", 1000) && s.expires == 1);
    CHECK(has(&s, "t", "v", 999));
    CHECK(!store_get(&s, "t", 1, 1000)); /* due: gone on access */
    CHECK(store_count(&s) == 0 && s.expires == 0);
    CHECK(set(&s, "t", "v", 1000));
    CHECK(store_del(&s, "t", 1, 2000) == 0); /* expired: not a live delete */
    CHECK(set(&s, "t", "v", 1000) && set(&s, "t", "w", 0) && s.expires == 0);
    store_clear(&s);
}

TEST(kv_store_sweep_is_bounded_and_complete)
{
    struct store s;
    char k[16];
    size_t total = 0, n;
    int rounds = 0;

    store_init(&s, seed);
    for (int i = 0; i < 1000; i++) {
        snprintf(k, sizeof(k), "k%d", i);
        CHECK(store_set(&s, k, strlen(k), "v", 1, i % 2 ? 500 : 0));
    }
    while (s.t[1].size) /* let growth finish: the sweep walks t[0] */
        store_get(&s, "x", 1, 0);
    CHECK(store_sweep(&s, 499, 1 << 20) == 0);
    do {
        n = store_sweep(&s, 500, 8);
        /* 8 buckets of a table at most full: a handful of keys */
        CHECK(n <= 64);
        total += n;
    } while (++rounds < 10000 && total < 500);
    CHECK(total == 500 && store_count(&s) == 500 && s.expires == 0);
    CHECK(rounds > 1);
    store_clear(&s);
}

TEST(kv_store_failed_allocation_changes_nothing)
{
    struct store s;

    store_init(&s, seed);
    CHECK(set(&s, "a", "old", 0));
    kvmem_fail_after(0);
    CHECK(set(&s, "a", "new", 0) == NULL);
    CHECK(set(&s, "b", "new", 0) == NULL);
    kvmem_fail_after(-1);
    CHECK(has(&s, "a", "old", 0) && !store_get(&s, "b", 1, 0));
    CHECK(store_count(&s) == 1);
    store_clear(&s);
    /* the first table itself cannot be had */
    kvmem_fail_after(1);
    CHECK(set(&s, "a", "v", 0) == NULL);
    kvmem_fail_after(-1);
    CHECK(store_count(&s) == 0);
    store_clear(&s);
}
