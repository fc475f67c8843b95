/*
 * A simulated virtio device on the other side of a split virtqueue, for
 * the unit tests and the fuzz target: it reads the available ring and the
 * descriptors (following indirect tables) as a device would, and writes
 * used entries, honestly (sim_complete) or not (the tests write the used
 * ring directly).  It counts the interrupts it would send under the
 * driver's suppression settings.
 */
#ifndef TERN_VIRTQ_SIM_H
#define TERN_VIRTQ_SIM_H

#include <stdlib.h>
#include <string.h>
#include <tern/virtqueue.h>

struct sim {
    struct virtq vq;
    void *ring;
    struct virtq_desc *tables;
    uint16_t avail_seen; /* next avail entry the device takes */
    uint16_t used_idx;   /* the device's used idx */
    unsigned interrupts;
};

/* What the device found in one chain. */
struct sim_chain {
    uint16_t head;
    unsigned ndesc;     /* descriptors seen (inside an indirect table too) */
    bool indirect;
    bool well_formed;   /* readable before writable, bounded, no loop */
    uint32_t writable;  /* bytes of device-writable descriptors */
    struct virtq_seg seg[2 * VIRTIO_QUEUE_MAX];
};

/* A queue of size entries with the given features and indirect tables;
 * the ring is exactly as long as the layout says, so ASan sees any
 * access past it. */
static inline void sim_init(struct sim *s, uint16_t size, uint64_t features,
                            unsigned ntables)
{
    struct virtio_queue_mem mem;

    memset(s, 0, sizeof(*s));
    virtq_layout(size, 0, &mem);
    s->ring = aligned_alloc(VIRTIO_LEGACY_ALIGN, mem.bytes);
    memset(s->ring, 0, mem.bytes);
    virtq_layout(size, (uint64_t)(uintptr_t)s->ring, &mem);
    if (ntables) {
        size_t bytes = ntables * VIRTQ_INDIRECT_MAX * sizeof(struct virtq_desc);

        s->tables = malloc(bytes);
        memset(s->tables, 0, bytes);
    }
    virtq_init(&s->vq, &mem, features, s->tables, ntables);
}

static inline void sim_free(struct sim *s)
{
    free(s->ring);
    free(s->tables);
}

/* Walk n descriptors of table from i, as a device does: bounded. */
static inline void sim_walk(struct sim_chain *c, const struct virtq_desc *table,
                            unsigned table_len, uint16_t i)
{
    bool seen_write = false;

    for (unsigned k = 0; k < table_len; k++) {
        const struct virtq_desc *d = &table[i];

        if (d->flags & VIRTQ_DESC_F_WRITE) {
            seen_write = true;
            c->writable += d->len;
        } else if (seen_write) {
            c->well_formed = false;
        }
        if (c->ndesc < sizeof(c->seg) / sizeof(c->seg[0]))
            c->seg[c->ndesc] = (struct virtq_seg){d->addr, d->len};
        c->ndesc++;
        if (!(d->flags & VIRTQ_DESC_F_NEXT))
            return;
        if (d->next >= table_len)
            break;
        i = d->next;
    }
    c->well_formed = false; /* ran off the table or looped */
}

/* Take the next chain the driver made available: false when none. */
static inline bool sim_take(struct sim *s, struct sim_chain *c)
{
    struct virtq *vq = &s->vq;
    const struct virtq_desc *d;

    if (s->avail_seen == vq->avail->idx)
        return false;
    memset(c, 0, sizeof(*c));
    c->well_formed = true;
    c->head = vq->avail->ring[s->avail_seen++ & (vq->size - 1)];
    if (vq->event_idx) /* notify me for anything past what I took */
        *vq->avail_event = s->avail_seen;
    d = &vq->desc[c->head];
    if (d->flags & VIRTQ_DESC_F_INDIRECT) {
        c->indirect = true;
        if (d->flags & VIRTQ_DESC_F_NEXT || d->len % sizeof(*d) ||
            d->len == 0)
            c->well_formed = false;
        sim_walk(c, (const struct virtq_desc *)(uintptr_t)d->addr,
                 d->len / sizeof(*d), 0);
    } else {
        sim_walk(c, vq->desc, vq->size, c->head);
    }
    return true;
}

/* Write one used entry and publish it; count an interrupt if the driver
 * asked for one. */
static inline void sim_put_used(struct sim *s, uint32_t id, uint32_t len)
{
    struct virtq *vq = &s->vq;
    uint16_t old = s->used_idx;

    vq->used->ring[s->used_idx & (vq->size - 1)] =
        (struct virtq_used_elem){id, len};
    vq->used->idx = ++s->used_idx;
    if (vq->event_idx ? virtq_need_event(*vq->used_event, s->used_idx, old)
                      : !(vq->avail->flags & VIRTQ_AVAIL_F_NO_INTERRUPT))
        s->interrupts++;
}

/* Take the next chain and complete it, writing all its writable bytes. */
static inline bool sim_complete_next(struct sim *s, struct sim_chain *c)
{
    if (!sim_take(s, c))
        return false;
    sim_put_used(s, c->head, c->writable);
    return true;
}

#endif
