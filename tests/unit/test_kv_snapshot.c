/* kv's snapshots (apps/kv/snapshot.c) on a disk in memory: a round trip,
 * the two slots taking turns, and every way a snapshot can go bad (a
 * write torn in the body or the header, a flipped byte, a cut disk, a
 * header that lies, memory running out): each is refused, the store
 * stays empty, and where an older snapshot is whole it is the one
 * loaded. */
#include <stdio.h>
#include <string.h>
#include "../../apps/kv/crc32c.h"
#include "../../apps/kv/mem.h"
#include "../../apps/kv/snapshot.h"
#include "kv_memdisk.h"
#include "test.h"

static const uint8_t seed[16] = {7};

static void fill(struct store *s, int n, const char *tag)
{
    char k[32], v[64];

    store_init(s, seed);
    for (int i = 0; i < n; i++) {
        snprintf(k, sizeof(k), "key%d", i);
        snprintf(v, sizeof(v), "%s-value-%d", tag, i);
        store_set(s, k, strlen(k), v, strlen(v), i % 3 ? 0 : 5000 + i);
    }
}

/* 1 if b holds exactly a's keys, values and expiry times. */
static int same(struct store *a, struct store *b)
{
    size_t matched = 0;

    for (size_t t = 0; t < 2; t++)
        for (size_t i = 0; i < a->t[t].size; i++)
            for (struct entry *e = a->t[t].buckets[i]; e; e = e->next) {
                struct entry *f = store_get(b, e->data, e->klen, 0);

                if (!f || f->vlen != e->vlen || f->expire_ms != e->expire_ms ||
                    memcmp(entry_val(f), entry_val(e), e->vlen))
                    return 0;
                matched++;
            }
    return matched == store_count(b);
}

static enum snap_result load(struct memdisk *d, struct store *into,
                             struct snap_info *info)
{
    struct snap_io io;

    memdisk_io(d, &io);
    store_init(into, seed);
    return snapshot_load(&io, into, info);
}

static int save(struct memdisk *d, struct store *s, struct snap_info *info)
{
    struct snap_io io;
    char why[160];

    memdisk_io(d, &io);
    return snapshot_save(&io, s, 0, info, why, sizeof(why));
}

TEST(kv_snapshot_round_trip)
{
    struct memdisk d = {.budget = -1};
    struct store a, b;
    struct snap_info info;
    size_t before = kvmem_used();

    fill(&a, 300, "one");
    store_set(&a, "", 0, "", 0, 0);                 /* empty key and value */
    store_set(&a, "bin\0\r\n", 6, "\xff\0", 2, 0); /* any bytes */
    CHECK(save(&d, &a, &info) == 0);
    CHECK(info.keys == 302 && info.slot == 0 && info.generation == 1);
    CHECK(d.syncs == 2); /* body synced before the header names it */
    CHECK(load(&d, &b, &info) == SNAP_LOADED);
    CHECK(info.keys == 302 && !info.refused[0]);
    CHECK(same(&a, &b));
    store_clear(&a);
    store_clear(&b);
    memdisk_free(&d);
    CHECK(kvmem_used() == before);
}

TEST(kv_snapshot_empty_disk_and_expired_keys)
{
    struct memdisk d = {.budget = -1};
    struct store a, b;
    struct snap_info info;
    struct snap_io io;
    char why[160];

    CHECK(load(&d, &b, &info) == SNAP_NONE);
    store_init(&a, seed);
    store_set(&a, "gone", 4, "v", 1, 100);
    store_set(&a, "kept", 4, "v", 1, 0);
    memdisk_io(&d, &io);
    CHECK(snapshot_save(&io, &a, 100, &info, why, sizeof(why)) == 0);
    CHECK(info.keys == 1);
    CHECK(load(&d, &b, &info) == SNAP_LOADED && store_count(&b) == 1);
    CHECK(store_get(&b, "kept", 4, 0) && !store_get(&b, "gone", 4, 0));
    store_clear(&a);
    store_clear(&b);
    memdisk_free(&d);
}

TEST(kv_snapshot_slots_take_turns)
{
    struct memdisk d = {.budget = -1};
    struct store a, b;
    struct snap_info info;

    fill(&a, 50, "one");
    CHECK(save(&d, &a, &info) == 0 && info.slot == 0);
    store_clear(&a);
    fill(&a, 80, "two"); /* larger: must go after the first body */
    CHECK(save(&d, &a, &info) == 0 && info.slot == 1 && info.generation == 2);
    CHECK(load(&d, &b, &info) == SNAP_LOADED && info.generation == 2);
    CHECK(same(&a, &b));
    store_clear(&b);
    store_clear(&a);
    fill(&a, 10, "three"); /* smaller: fits before the second body */
    CHECK(save(&d, &a, &info) == 0 && info.slot == 0 && info.generation == 3);
    CHECK(load(&d, &b, &info) == SNAP_LOADED && same(&a, &b));
    store_clear(&a);
    store_clear(&b);
    memdisk_free(&d);
}

/* A second SAVE torn after `budget` bytes (or, when header_bytes is set,
 * after the body and that much of the header): the first snapshot
 * loads. */
static void torn_second_save(long budget, long header_bytes)
{
    struct memdisk d = {.budget = -1}, scratch = {.budget = -1};
    struct store one, two, b;
    struct snap_info info;

    fill(&one, 40, "one");
    CHECK(save(&d, &one, &info) == 0);
    fill(&two, 60, "two");
    if (header_bytes) {
        CHECK(save(&scratch, &two, &info) == 0);
        budget = info.bytes + header_bytes;
        memdisk_free(&scratch);
    }
    d.budget = budget;
    CHECK(save(&d, &two, &info) == -1);
    d.budget = -1;
    CHECK(load(&d, &b, &info) == SNAP_LOADED);
    CHECK(info.generation == 1 && same(&one, &b));
    store_clear(&one);
    store_clear(&two);
    store_clear(&b);
    memdisk_free(&d);
}

TEST(kv_snapshot_torn_write_keeps_the_previous)
{
    torn_second_save(0, 0);    /* nothing landed */
    torn_second_save(100, 0);  /* part of the body */
    torn_second_save(0, 30);   /* the body, and part of the header */
}

TEST(kv_snapshot_torn_header_is_refused)
{
    struct memdisk d = {.budget = -1};
    struct store a, b;
    struct snap_info info;

    fill(&a, 20, "x");
    CHECK(save(&d, &a, &info) == 0);
    d.data[20] ^= 1; /* inside the generation: the header's CRC catches it */
    CHECK(load(&d, &b, &info) == SNAP_BAD);
    CHECK(strstr(info.refused, "header checksum") != NULL);
    CHECK(store_count(&b) == 0);
    store_clear(&a);
    memdisk_free(&d);
}

TEST(kv_snapshot_corrupt_body_is_refused_whole)
{
    struct memdisk d = {.budget = -1};
    struct store a, b;
    struct snap_info info;
    size_t before;

    fill(&a, 200, "x");
    CHECK(save(&d, &a, &info) == 0);
    /* a flipped byte in the last value: every key before it decodes, and
     * still none may be served */
    d.data[d.size - 2] ^= 0x20;
    before = kvmem_used();
    CHECK(load(&d, &b, &info) == SNAP_BAD);
    CHECK(strstr(info.refused, "body checksum mismatch") != NULL);
    CHECK(store_count(&b) == 0 && kvmem_used() == before);
    store_clear(&a);
    memdisk_free(&d);
}

TEST(kv_snapshot_truncated_disk_is_refused)
{
    struct memdisk d = {.budget = -1};
    struct store a, b;
    struct snap_info info;

    fill(&a, 200, "x");
    CHECK(save(&d, &a, &info) == 0);
    d.size -= 1;
    CHECK(load(&d, &b, &info) == SNAP_BAD);
    CHECK(strstr(info.refused, "passes the disk's end") != NULL);
    d.size = 700; /* into slot 1, before any body */
    CHECK(load(&d, &b, &info) == SNAP_BAD && store_count(&b) == 0);
    d.size = 40; /* the header itself cut */
    CHECK(load(&d, &b, &info) == SNAP_BAD);
    CHECK(strstr(info.refused, "cut short") != NULL);
    store_clear(&a);
    memdisk_free(&d);
}

/* Rewrite slot 0's header field at off with v, with a valid header CRC:
 * a header that lies but checks out. */
static void forge64(struct memdisk *d, size_t off, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        d->data[off + i] = v >> (8 * i);
    memset(d->data + 12, 0, 4);
    uint32_t crc = kv_crc32c(0, d->data, 64);
    for (int i = 0; i < 4; i++)
        d->data[12 + i] = crc >> (8 * i);
}

TEST(kv_snapshot_lying_header_is_refused)
{
    struct memdisk d = {.budget = -1};
    struct store a, b;
    struct snap_info info;

    fill(&a, 5, "x");
    CHECK(save(&d, &a, &info) == 0);
    forge64(&d, 40, 6); /* one key more than the body holds */
    CHECK(load(&d, &b, &info) == SNAP_BAD && store_count(&b) == 0);
    forge64(&d, 40, 4); /* one key fewer: bytes left over */
    CHECK(load(&d, &b, &info) == SNAP_BAD);
    CHECK(strstr(info.refused, "after the last key") != NULL);
    forge64(&d, 40, 5);
    forge64(&d, 32, 1ull << 50); /* a body of a petabyte */
    CHECK(load(&d, &b, &info) == SNAP_BAD);
    forge64(&d, 32, 1ull << 30); /* a gigabyte past the disk's end */
    CHECK(load(&d, &b, &info) == SNAP_BAD);
    CHECK(strstr(info.refused, "passes the disk's end") != NULL);
    forge64(&d, 24, 0); /* a body over the headers */
    CHECK(load(&d, &b, &info) == SNAP_BAD);
    store_clear(&a);
    memdisk_free(&d);
}

TEST(kv_snapshot_huge_key_length_allocates_nothing)
{
    struct memdisk d = {.budget = -1};
    struct store a, b;
    struct snap_info info;

    fill(&a, 1, "x");
    CHECK(save(&d, &a, &info) == 0);
    /* the first record's key length: 4 GiB - 1 */
    memset(d.data + SNAP_BODY_START, 0xff, 4);
    CHECK(load(&d, &b, &info) == SNAP_BAD);
    CHECK(strstr(info.refused, "pass the body's end") != NULL);
    store_clear(&a);
    memdisk_free(&d);
}

TEST(kv_snapshot_out_of_memory_while_loading)
{
    struct memdisk d = {.budget = -1};
    struct store a, b;
    struct snap_info info;
    size_t before;

    fill(&a, 100, "x");
    CHECK(save(&d, &a, &info) == 0);
    before = kvmem_used();
    kvmem_fail_after(50);
    CHECK(load(&d, &b, &info) == SNAP_BAD);
    kvmem_fail_after(-1);
    CHECK(strstr(info.refused, "out of memory") != NULL ||
          strstr(info.refused, "duplicate key or out of memory") != NULL);
    CHECK(store_count(&b) == 0 && kvmem_used() == before);
    store_clear(&a);
    memdisk_free(&d);
}
