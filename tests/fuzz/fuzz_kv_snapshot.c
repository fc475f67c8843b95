/*
 * libFuzzer target: kv's snapshot loader (apps/kv/snapshot.c).  The input
 * is the disk.  Whatever it holds, the load either gives the whole
 * snapshot (exactly as many keys as its header says) or nothing (an empty
 * store, a reason, and kv's memory count back where it was).  A loaded
 * store is saved to a fresh disk and loaded again: the same keys must
 * come back.  Any ASan/UBSan report or broken invariant is a crash.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "../../apps/kv/mem.h"
#include "../unit/kv_memdisk.h"

#define check(ok)                                                         \
    do {                                                                  \
        if (!(ok)) {                                                      \
            fprintf(stderr, "fuzz_kv_snapshot.c:%d: %s\n", __LINE__, #ok);\
            abort();                                                      \
        }                                                                 \
    } while (0)

static const uint8_t seed[16] = {3};

static int same_key_in(void *arg, const struct entry *e)
{
    struct store *other = arg;
    struct entry *f = store_get(other, e->data, e->klen, 0);

    check(f && f->vlen == e->vlen && f->expire_ms == e->expire_ms &&
          !memcmp(entry_val(f), entry_val(e), e->vlen));
    return 0;
}

static void round_trip(struct store *s)
{
    struct memdisk d = {.budget = -1};
    struct snap_io io;
    struct snap_info info;
    struct store again;
    char why[160];

    memdisk_io(&d, &io);
    /* at time 0 nothing counts as expired: every key is written */
    check(snapshot_save(&io, s, 0, &info, why, sizeof(why)) == 0);
    check(info.keys == store_count(s));
    store_init(&again, seed);
    check(snapshot_load(&io, &again, &info) == SNAP_LOADED);
    check(store_count(&again) == store_count(s));
    store_each(s, same_key_in, &again);
    store_clear(&again);
    memdisk_free(&d);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct memdisk d = {.budget = -1};
    struct snap_io io;
    struct snap_info info;
    struct store s;
    size_t before = kvmem_used();
    enum snap_result r;

    d.data = malloc(size ? size : 1);
    memcpy(d.data, data, size);
    d.size = d.cap = size;
    memdisk_io(&d, &io);
    store_init(&s, seed);
    r = snapshot_load(&io, &s, &info);
    if (r == SNAP_LOADED) {
        check(store_count(&s) == info.keys);
        round_trip(&s);
    } else {
        check(store_count(&s) == 0 && kvmem_used() == before);
        check((r == SNAP_BAD) == (info.refused[0] != 0));
    }
    store_clear(&s);
    check(kvmem_used() == before);
    memdisk_free(&d);
    return 0;
}
