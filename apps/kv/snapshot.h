/* Snapshots on a disk (or a file): two header slots at bytes 0 and 512,
 * each naming a body elsewhere on the disk by offset, length, key count
 * and CRC-32C, with a generation number.  SAVE writes the new body where
 * it does not overlap the current snapshot's, syncs, then writes the
 * other slot's header (one sector) and syncs: a write torn anywhere
 * leaves the previous snapshot whole and findable.  Loading takes the
 * valid slot with the highest generation; a body is decoded into a fresh
 * store and only handed over when every byte checked out.
 *
 * CRC-32C rather than BLAKE2s: what it must catch is accident (torn
 * writes, stale sectors, bit rot), which a 32-bit CRC catches with
 * certainty for bursts up to 32 bits and otherwise misses 1 in 2^32; a
 * cryptographic hash adds nothing without a key, since whoever can write
 * the disk can recompute any unkeyed hash. */
#ifndef KV_SNAPSHOT_H
#define KV_SNAPSHOT_H

#include <stddef.h>
#include <stdint.h>
#include "store.h"

#define SNAP_SECTOR 512
#define SNAP_BODY_START (2 * SNAP_SECTOR)
#define SNAP_RECORD_HEADER 16 /* u32 klen, u32 vlen, i64 expire_ms */

/* Where a snapshot lives: reads return the bytes read (fewer at the end
 * of the disk) or -1; writes and sync return 0 or -1. */
struct snap_io {
    void *ctx;
    long (*read)(void *ctx, uint64_t off, void *buf, size_t len);
    int (*write)(void *ctx, uint64_t off, const void *buf, size_t len);
    int (*sync)(void *ctx);
};

enum snap_result {
    SNAP_NONE,   /* no snapshot on the disk */
    SNAP_LOADED, /* *into holds it */
    SNAP_BAD,    /* a snapshot is there but none could be loaded */
};

struct snap_info {
    int slot;
    uint64_t generation, keys, bytes;
    char refused[256]; /* why a slot was refused ("" if none) */
};

/* Load into *into, which must be empty and stays empty unless
 * SNAP_LOADED. */
enum snap_result snapshot_load(const struct snap_io *io, struct store *into,
                               struct snap_info *info);
/* Write s (less keys expired at now_ms); 0, or -1 with a reason. */
int snapshot_save(const struct snap_io *io, struct store *s, int64_t now_ms,
                  struct snap_info *info, char *why, size_t len);

#endif
