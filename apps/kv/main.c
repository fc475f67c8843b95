/*
 * kv: an in-memory key-value server speaking the Redis protocol (RESP2),
 * with snapshots to a disk.  Settings are KEY=VALUE words (docs/kv.md).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "disk.h"
#include "platform.h"
#include "server.h"

static struct kv kv;
static struct disk disk = {.fd = -1};
static struct snap_io io;

static const char *setting(const char *key)
{
    return getenv(key);
}

/* The hash seed: from the entropy source, else (a VM with no RDRAND)
 * from the clock, which still differs per boot but can be guessed. */
static void hash_seed(uint8_t seed[16])
{
    if (getentropy(seed, 16) == 0)
        return;
    printf("kv: no entropy source (%s): hash seed from the clock\n",
           strerror(errno));
    for (int i = 0; i < 16; i++) {
        struct timespec ts;

        clock_gettime(CLOCK_MONOTONIC, &ts);
        seed[i] = (uint8_t)(ts.tv_nsec ^ ts.tv_sec ^ (i * 131));
    }
}

static int save(struct kv *k, char *why, size_t len)
{
    struct snap_info info;
    char reason[120];

    disk.error = 0;
    if (snapshot_save(&io, &k->db, kv_now_ms(), &info, reason,
                      sizeof(reason))) {
        snprintf(why, len, "%s%s%s", reason, disk.error ? ": " : "",
                 disk.error ? strerror(disk.error) : "");
        printf("kv: SAVE failed: %s\n", why);
        return -1;
    }
    printf("kv: saved %llu keys (%llu bytes), generation %llu, slot %d\n",
           (unsigned long long)info.keys, (unsigned long long)info.bytes,
           (unsigned long long)info.generation, info.slot);
    return 0;
}

/* 0 to go on serving, -1 to stop (SNAPSHOT_BAD=stop). */
static int load(const struct kv_settings *set)
{
    struct snap_info info;
    enum snap_result r;

    disk.fd = kv_open_disk(set->disk);
    if (disk.fd < 0) {
        printf("kv: no disk %s (%s): starting empty, SAVE will fail\n",
               set->disk, strerror(errno));
        return 0;
    }
    disk_io(&disk, &io);
    kv.save = save;
    r = snapshot_load(&io, &kv.db, &info);
    if (r == SNAP_LOADED) {
        if (info.refused[0])
            printf("kv: snapshot refused: %s; loaded the older one\n",
                   info.refused);
        printf("kv: loaded %llu keys (%llu bytes) from %s, generation %llu\n",
               (unsigned long long)info.keys, (unsigned long long)info.bytes,
               set->disk, (unsigned long long)info.generation);
    } else if (r == SNAP_BAD) {
        printf("kv: snapshot on %s refused: %s; %s\n", set->disk,
               info.refused, set->stop_on_bad ? "stopping (SNAPSHOT_BAD=stop)"
                                              : "starting empty");
        return set->stop_on_bad ? -1 : 0;
    } else {
        printf("kv: no snapshot on %s: starting empty\n", set->disk);
    }
    return 0;
}

int main(void)
{
    struct kv_settings set;
    char why[160];
    uint8_t seed[16];

    kv_platform_init();
    setvbuf(stdout, NULL, _IOLBF, 0);
    if (settings_load(&set, setting, kv_default_bind, kv_default_disk, why,
                      sizeof(why))) {
        printf("kv: %s\n", why);
        return 2;
    }
    hash_seed(seed);
    store_init(&kv.db, seed);
    kv.maxmemory = set.maxmemory;
    kv.maxclients = set.maxclients;
    kv.start_ms = kv_now_ms();
    if (set.disk && load(&set))
        return 3;
    return server_run(&kv, &set);
}
