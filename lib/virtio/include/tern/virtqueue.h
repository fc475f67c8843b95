/*
 * Split virtqueues (virtio 1.2, 2.7): the driver's side of one queue.
 *
 * The core (lib/virtio/virtqueue.c) is pure: it is handed the queue's
 * memory and calls nothing of the kernel's, so host tests and a fuzzer
 * drive it against simulated devices.  lib/virtio/virtqueue_dev.c wraps it
 * for drivers: allocation, the transport's queue_enable and queue_notify,
 * and virtio_dev_broken() on a breach.
 *
 * Everything the device writes (the used ring, its index, avail_event, the
 * used flags) is untrusted: each field is read once into a local and
 * checked before use.  A value that breaks a rule makes the call return
 * one of the VIRTQ_BREACH_* codes, virtq_rule() names the rule, and from
 * then on the queue refuses everything with VIRTQ_ERR_BROKEN.  The
 * descriptor table and the available ring are never read back: what the
 * driver needs of them lives in driver-private memory (struct virtq_slot).
 */
#ifndef TERN_VIRTQUEUE_H
#define TERN_VIRTQUEUE_H

#include <stdbool.h>
#include <stdint.h>
#include <tern/virtio.h>

/* The rings as the device sees them (little-endian; x86 is too). */
#define VIRTQ_DESC_F_NEXT 1u
#define VIRTQ_DESC_F_WRITE 2u
#define VIRTQ_DESC_F_INDIRECT 4u
#define VIRTQ_AVAIL_F_NO_INTERRUPT 1u
#define VIRTQ_USED_F_NO_NOTIFY 1u

struct virtq_desc {
    uint64_t addr;
    uint32_t len;
    uint16_t flags;
    uint16_t next;
};

struct virtq_avail {
    uint16_t flags;
    uint16_t idx;
    uint16_t ring[]; /* size entries, then used_event (EVENT_IDX) */
};

struct virtq_used_elem {
    uint32_t id; /* the head of the chain the device is done with */
    uint32_t len; /* bytes it wrote into the chain */
};

struct virtq_used {
    uint16_t flags;
    uint16_t idx;
    struct virtq_used_elem ring[]; /* size entries, then avail_event */
};

/* The event-index rule (virtio 1.2, 2.7.10): an index moving from old to
 * new_idx passes event when event is in [old, new_idx).  Both sides use
 * it: the driver to decide a kick from avail_event, the device an
 * interrupt from used_event. */
static inline bool virtq_need_event(uint16_t event, uint16_t new_idx,
                                    uint16_t old)
{
    return (uint16_t)(new_idx - event - 1) < (uint16_t)(new_idx - old);
}

/* Indirect tables: each holds up to VIRTQ_INDIRECT_MAX descriptors; a
 * queue keeps a pool of at most VIRTQ_INDIRECT_TABLES of them. */
#define VIRTQ_INDIRECT_MAX 16u
#define VIRTQ_INDIRECT_TABLES 32u

/* One buffer of a chain: physical address (== virtual) and length. */
struct virtq_seg {
    uint64_t addr;
    uint32_t len;
};

enum virtq_result {
    VIRTQ_OK = 0,
    VIRTQ_ERR_NOSPC = -1,  /* no room now: wait for completions */
    VIRTQ_ERR_INVAL = -2,  /* a chain that could never be posted */
    VIRTQ_ERR_BROKEN = -3, /* the queue was stopped by an earlier breach */
    /* Breaches: the device broke a rule; virtq_rule() names it. */
    VIRTQ_BREACH_IDX_JUMP = -10,
    VIRTQ_BREACH_IDX_BACK = -11,
    VIRTQ_BREACH_IDX_EXCESS = -12,
    VIRTQ_BREACH_ID_RANGE = -13,
    VIRTQ_BREACH_ID_NOT_HEAD = -14,
    VIRTQ_BREACH_ID_NOT_IN_FLIGHT = -15,
    VIRTQ_BREACH_LEN = -16,
};

static inline bool virtq_is_breach(int r)
{
    return r <= VIRTQ_BREACH_IDX_JUMP && r >= VIRTQ_BREACH_LEN;
}

/* The rule a result names, for the error line; "" for VIRTQ_OK. */
const char *virtq_rule(int result);

/* Driver-private state of one descriptor: the device never sees it. */
struct virtq_slot {
    void *token;       /* a head in flight: the caller's token */
    uint32_t in_bytes; /* head: bytes the device may write in the chain */
    uint16_t next;     /* the chain's next descriptor, or the free list's */
    uint16_t ndesc;    /* head: descriptors of the ring the chain holds */
    int8_t table;      /* head: its indirect table, or -1 */
    uint8_t state;     /* VIRTQ_SLOT_* */
};

enum { VIRTQ_SLOT_FREE, VIRTQ_SLOT_HEAD, VIRTQ_SLOT_BODY };

struct virtq {
    /* The shared rings (pointers into the queue memory). */
    struct virtq_desc *desc;
    struct virtq_avail *avail;
    struct virtq_used *used;
    uint16_t *used_event;  /* in the available ring, after ring[size] */
    uint16_t *avail_event; /* in the used ring, after ring[size] */
    uint16_t size;
    bool event_idx, indirect;
    int breach; /* 0, or the VIRTQ_BREACH_* that stopped the queue */

    /* Driver-private. */
    uint16_t free_head, num_free;
    uint16_t avail_idx;  /* next free-running avail index to publish */
    uint16_t last_used;  /* free-running index of the next used entry */
    uint16_t used_seen;  /* the device's used idx as last read (checked) */
    uint16_t in_flight;  /* chains published and not yet returned */
    uint32_t added;      /* chains published since the last kick check */
    uint16_t avail_flags; /* our copy of avail->flags */
    struct virtq_desc *tables; /* indirect pool: ntables * INDIRECT_MAX */
    unsigned ntables;
    uint32_t tables_free;      /* bit i: table i is free */
    struct virtq_slot slot[VIRTIO_QUEUE_MAX];

    /* The kernel wrapper's (virtqueue_dev.c); the core ignores them. */
    struct virtio_dev *dev;
    unsigned index;
    struct virtio_queue_mem mem;
};

/* The legacy layout of a queue of `size` entries starting at base: the
 * descriptor table, the available ring after it, the used ring at the
 * next VIRTIO_LEGACY_ALIGN boundary; bytes rounded up to that alignment.
 * 0, or -1 when size is not a power of two in [1, VIRTIO_QUEUE_MAX] (or
 * base is not aligned). */
int virtq_layout(uint16_t size, uint64_t base, struct virtio_queue_mem *mem);

/* Start a queue on zeroed memory laid out by virtq_layout (addresses are
 * the memory's own: physical == virtual).  features: the negotiated ones
 * (INDIRECT_DESC and EVENT_IDX are used when present).  tables: the
 * indirect pool, ntables (<= VIRTQ_INDIRECT_TABLES) tables of
 * VIRTQ_INDIRECT_MAX descriptors, device-readable; NULL, 0 for none.
 * 0, or VIRTQ_ERR_INVAL for a bad layout. */
int virtq_init(struct virtq *vq, const struct virtio_queue_mem *mem,
               uint64_t features, struct virtq_desc *tables,
               unsigned ntables);

/* Post one chain: out device-readable segments, then in device-writable
 * ones, segs[0 .. out + in - 1]; token (not NULL) comes back from
 * virtq_get_used.  Published at once (avail idx); the device hears of it
 * when virtq_kick_prepare says so.  VIRTQ_OK, VIRTQ_ERR_NOSPC (try again
 * after completions), VIRTQ_ERR_INVAL (no segment, a zero-length one, a
 * NULL token, writable bytes past 4 GiB, more descriptors than the queue
 * could ever hold), VIRTQ_ERR_BROKEN. */
int virtq_add(struct virtq *vq, const struct virtq_seg *segs, unsigned out,
              unsigned in, void *token);

/* Whether the device must be notified of what was added since the last
 * call (EVENT_IDX: avail_event; otherwise the used ring's NO_NOTIFY). */
bool virtq_kick_prepare(struct virtq *vq);

/* Take one completed chain: 1 with *token and *len (bytes the device
 * wrote, at most the chain's writable bytes), 0 when none is pending, or
 * a negative result (a breach, or VIRTQ_ERR_BROKEN). */
int virtq_get_used(struct virtq *vq, void **token, uint32_t *len);

/* Ask for an interrupt at the next completion; then 0, 1 when
 * completions are already pending (poll again: the device may have
 * finished before it saw the request), or a negative result. */
int virtq_enable_cb(struct virtq *vq);
/* Ask for no interrupts (best effort: the device may still send one). */
void virtq_disable_cb(struct virtq *vq);

/* After the device was reset: take back one chain still in flight and
 * return its token, or NULL when none is left. */
void *virtq_detach_unused(struct virtq *vq);

/* ---- the kernel wrapper (lib/virtio/virtqueue_dev.c) ------------------ */

/* Set up queue q of dev with at most wanted_size entries (the device's
 * queue_max caps it; rounded down to a power of two): memory, indirect
 * pool when dev->features has INDIRECT_DESC, queue_enable.  NULL with a
 * line when the queue does not exist, memory runs out or the device
 * refuses it.  Call after virtio_negotiate, before virtio_driver_ok. */
struct virtq *virtq_create(struct virtio_dev *dev, unsigned q,
                           uint16_t wanted_size);
/* Notify the device when virtq_kick_prepare says it needs it. */
void virtq_kick(struct virtq *vq);
/* virtq_get_used, calling virtio_dev_broken(dev, rule) on a breach. */
int virtq_next_used(struct virtq *vq, void **token, uint32_t *len);
/* Free the queue's memory; the device must have been reset first (it
 * may still read the rings until then).  Chains still in flight are
 * dropped: take their tokens with virtq_detach_unused first. */
void virtq_destroy(struct virtq *vq);

#endif
