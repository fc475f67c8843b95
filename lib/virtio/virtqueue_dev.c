/*
 * Virtqueues for drivers: the pure core (virtqueue.c) given its memory,
 * programmed into the device through its transport, and stopped with
 * virtio_dev_broken() when the device breaks a ring rule.
 */
#include <stdint.h>
#include <tern/kalloc.h>
#include <tern/log.h>
#include <tern/virtqueue.h>

static uint16_t pow2_floor(uint16_t n)
{
    while (n & (n - 1))
        n &= (uint16_t)(n - 1);
    return n;
}

static unsigned indirect_tables_for(const struct virtio_dev *dev,
                                    uint16_t size)
{
    if (!(dev->features & (1ull << VIRTIO_F_INDIRECT_DESC)))
        return 0;
    return size < VIRTQ_INDIRECT_TABLES ? size : VIRTQ_INDIRECT_TABLES;
}

static size_t table_bytes(unsigned ntables)
{
    return (size_t)ntables * VIRTQ_INDIRECT_MAX * sizeof(struct virtq_desc);
}

static void free_queue(struct virtq *vq, void *ring)
{
    kfree_pages(vq->tables, table_bytes(vq->ntables));
    kfree_pages(ring, vq->mem.bytes);
    kfree(vq);
}

/* The queue's memory and the core's state; NULL when memory ran out. */
static struct virtq *alloc_queue(struct virtio_dev *dev, unsigned q,
                                 uint16_t size)
{
    struct virtio_queue_mem layout = {0};
    struct virtq *vq = kzalloc(sizeof(*vq));
    unsigned ntables = indirect_tables_for(dev, size);
    void *ring = NULL, *tables = NULL;

    if (!vq || virtq_layout(size, 0, &layout))
        goto fail;
    ring = kalloc_pages(layout.bytes);
    if (!ring)
        goto fail;
    tables = ntables ? kalloc_pages(table_bytes(ntables)) : NULL;
    if (ntables && !tables)
        goto fail;
    virtq_layout(size, (uint64_t)(uintptr_t)ring, &layout);
    vq->dev = dev;
    vq->index = q;
    if (virtq_init(vq, &layout, dev->features, tables, ntables) == VIRTQ_OK)
        return vq;
fail:
    kfree_pages(tables, table_bytes(ntables));
    kfree_pages(ring, layout.bytes);
    kfree(vq);
    return NULL;
}

struct virtq *virtq_create(struct virtio_dev *dev, unsigned q,
                           uint16_t wanted_size)
{
    uint16_t max, size;
    struct virtq *vq;

    if (dev->broken)
        return NULL; /* its line was printed when it was stopped */
    max = dev->ops->queue_max(dev, q);
    size = wanted_size < max && !dev->ops->fixed_queue_size ? wanted_size
                                                            : max;

    /* The transport caps max already; a size past the core's is refused
     * by virtq_layout, so cap it here too rather than fail. */
    if (size > VIRTIO_QUEUE_MAX)
        size = VIRTIO_QUEUE_MAX;
    size = pow2_floor(size);
    if (size == 0) {
        pr_err("virtio: %s: queue %u: no such queue (size %u)", dev->name, q,
               max);
        return NULL;
    }
    vq = alloc_queue(dev, q, size);
    if (!vq) {
        pr_err("virtio: %s: queue %u: out of memory", dev->name, q);
        return NULL;
    }
    if (dev->ops->queue_enable(dev, q, &vq->mem)) {
        pr_err("virtio: %s: queue %u: refused by the device", dev->name, q);
        free_queue(vq, (void *)(uintptr_t)vq->mem.base);
        return NULL;
    }
    pr_debug("virtio: %s: queue %u: %u entries%s%s", dev->name, q, size,
             vq->indirect ? ", indirect" : "",
             vq->event_idx ? ", event idx" : "");
    return vq;
}

void virtq_kick(struct virtq *vq)
{
    if (!vq->dev->broken && virtq_kick_prepare(vq))
        vq->dev->ops->queue_notify(vq->dev, vq->index);
}

int virtq_next_used(struct virtq *vq, void **token, uint32_t *len)
{
    int r = virtq_get_used(vq, token, len);

    if (virtq_is_breach(r))
        virtio_dev_broken(vq->dev, virtq_rule(r));
    return r;
}

void virtq_destroy(struct virtq *vq)
{
    if (vq)
        free_queue(vq, (void *)(uintptr_t)vq->mem.base);
}
