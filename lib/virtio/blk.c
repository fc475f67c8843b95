/*
 * virtio-blk (virtio 1.2, 5.2) behind lib/blk: one request queue, each
 * request a chain of header, data and status byte; completions from the
 * interrupt (or a polling thread when the device has none Tern can
 * route).  Everything the device says is checked: its configuration
 * (capacity, block size, limits), each completion (by the virtqueue),
 * and each status byte.
 */
#include <errno.h>
#include <string.h>
#include <tern/blk_driver.h>
#include <tern/driver.h>
#include <tern/format.h>
#include <tern/kalloc.h>
#include <tern/log.h>
#include <tern/thread.h>
#include <tern/virtqueue.h>

#define VIRTIO_BLK_F_SIZE_MAX 1
#define VIRTIO_BLK_F_SEG_MAX 2
#define VIRTIO_BLK_F_RO 5
#define VIRTIO_BLK_F_BLK_SIZE 6
#define VIRTIO_BLK_F_FLUSH 9
#define VIRTIO_BLK_F_DISCARD 13
#define VIRTIO_BLK_F_WRITE_ZEROES 14

#define VIRTIO_BLK_T_IN 0
#define VIRTIO_BLK_T_OUT 1
#define VIRTIO_BLK_T_FLUSH 4
#define VIRTIO_BLK_T_DISCARD 11
#define VIRTIO_BLK_T_WRITE_ZEROES 13

#define VIRTIO_BLK_S_OK 0
#define VIRTIO_BLK_S_IOERR 1
#define VIRTIO_BLK_S_UNSUPP 2

/* Config space offsets. */
#define CFG_CAPACITY 0
#define CFG_SIZE_MAX 8
#define CFG_BLK_SIZE 20
#define CFG_MAX_DISCARD_SECTORS 36
#define CFG_MAX_WRITE_ZEROES_SECTORS 48

#define QUEUE_SIZE 128
#define MAX_REQUEST (1u << 20) /* bytes in one request's one data segment */
#define POLL_NS 1000000ull     /* without an interrupt: a poll each ms */

struct blk_hdr {
    uint32_t type;
    uint32_t reserved;
    uint64_t sector; /* in 512-byte units, whatever the block size */
};

struct blk_range { /* discard and write-zeroes */
    uint64_t sector;
    uint32_t num_sectors;
    uint32_t flags;
};

/* Per request in flight, in memory the device reads and writes. */
struct blk_slot {
    struct blk_hdr hdr;
    struct blk_range range;
    uint8_t status;
    struct blk_request *req;
    struct blk_slot *next_free;
};

struct vblk {
    struct blk_dev blk;
    struct virtio_dev *vdev;
    struct virtq *vq;
    struct blk_slot *slots, *free;
    char driver[48];
    bool polling;
};

static uint64_t offered(struct virtio_dev *d, unsigned bit)
{
    return d->features & (1ull << bit);
}

static uint32_t cfg32(struct virtio_dev *d, unsigned off)
{
    return d->ops->config_read(d, off, 4);
}

static uint64_t cfg64(struct virtio_dev *d, unsigned off)
{
    return cfg32(d, off) | (uint64_t)cfg32(d, off + 4) << 32;
}

/* The capacity, read until two readings agree (a 64-bit field read as
 * two halves may tear while the device changes it). */
static uint64_t capacity(struct virtio_dev *d)
{
    uint64_t a = cfg64(d, CFG_CAPACITY), b;

    for (int i = 0; i < 4 && (b = cfg64(d, CFG_CAPACITY)) != a; i++)
        a = b;
    return a;
}

/* The device's block size when it offers a sane one, else 512. */
static uint32_t block_size(struct vblk *v)
{
    uint32_t bs;

    if (!offered(v->vdev, VIRTIO_BLK_F_BLK_SIZE))
        return 512;
    bs = cfg32(v->vdev, CFG_BLK_SIZE);
    if (bs >= 512 && bs <= 4096 && !(bs & (bs - 1)))
        return bs;
    pr_warn("virtio-blk: %s: block size %u is not 512-4096 and a power of "
            "two; using 512", v->vdev->name, bs);
    return 512;
}

static uint32_t request_limit(struct vblk *v, uint32_t bs)
{
    uint32_t max = MAX_REQUEST;

    if (offered(v->vdev, VIRTIO_BLK_F_SIZE_MAX)) {
        uint32_t size_max = cfg32(v->vdev, CFG_SIZE_MAX);

        if (size_max >= bs && size_max < max)
            max = size_max;
    }
    return max - max % bs;
}

static int status_to_errno(uint8_t s)
{
    return s == VIRTIO_BLK_S_OK      ? 0
           : s == VIRTIO_BLK_S_UNSUPP ? -EOPNOTSUPP
                                      : -EIO;
}

/* Every chain the device finished: its status byte checked, the request
 * completed, the slot free again. */
static void drain(struct vblk *v)
{
    void *token;
    uint32_t len;
    int r;

    do {
        while ((r = virtq_next_used(v->vq, &token, &len)) == 1) {
            struct blk_slot *s = token;
            uint8_t status = s->status;
            struct blk_request *req = s->req;

            s->next_free = v->free;
            v->free = s;
            if (len < 1 || status > VIRTIO_BLK_S_UNSUPP) {
                blk_complete(&v->blk, req, -EIO);
                blk_dev_broken(&v->blk, len < 1 ? "a completion wrote no "
                                                  "status byte"
                                                : "a status byte not 0-2");
                return;
            }
            blk_complete(&v->blk, req, status_to_errno(status));
        }
    } while (r == 0 && !v->polling && virtq_enable_cb(v->vq) == 1);
    if (r < 0)
        blk_dev_broken(&v->blk, "its used ring broke a rule (see above)");
}

static void on_interrupt(struct virtio_dev *d, void *arg)
{
    (void)d;
    drain(arg);
}

/* Without an interrupt, completions are collected every millisecond
 * while the device lives. */
static void *poller(void *arg)
{
    struct vblk *v = arg;

    while (!v->blk.stopped) {
        drain(v);
        thread_sleep_ns(POLL_NS);
    }
    return NULL;
}

static uint32_t op_type(enum blk_op op)
{
    static const uint32_t types[] = {
        [BLK_READ] = VIRTIO_BLK_T_IN,
        [BLK_WRITE] = VIRTIO_BLK_T_OUT,
        [BLK_FLUSH] = VIRTIO_BLK_T_FLUSH,
        [BLK_DISCARD] = VIRTIO_BLK_T_DISCARD,
        [BLK_WRITE_ZEROES] = VIRTIO_BLK_T_WRITE_ZEROES,
    };
    return types[op];
}

/* header, [data or range], status: the chain for one request. */
static unsigned build_chain(struct vblk *v, struct blk_slot *s,
                            struct blk_request *req, struct virtq_seg *seg,
                            unsigned *out)
{
    uint32_t to_512 = v->blk.info.sector_size / 512;
    unsigned n = 0;

    s->hdr = (struct blk_hdr){op_type(req->op), 0, req->sector * to_512};
    s->status = 0xff;
    s->req = req;
    seg[n++] = (struct virtq_seg){(uintptr_t)&s->hdr, sizeof(s->hdr)};
    if (req->op == BLK_WRITE)
        seg[n++] = (struct virtq_seg){(uintptr_t)req->buf, (uint32_t)req->bytes};
    if (req->op == BLK_DISCARD || req->op == BLK_WRITE_ZEROES) {
        s->range = (struct blk_range){req->sector * to_512,
                                      (uint32_t)(req->count * to_512), 0};
        seg[n++] = (struct virtq_seg){(uintptr_t)&s->range, sizeof(s->range)};
    }
    *out = n;
    if (req->op == BLK_READ)
        seg[n++] = (struct virtq_seg){(uintptr_t)req->buf, (uint32_t)req->bytes};
    seg[n++] = (struct virtq_seg){(uintptr_t)&s->status, 1};
    return n;
}

static int vblk_submit(struct blk_dev *b, struct blk_request *req)
{
    struct vblk *v = (struct vblk *)b;
    struct virtq_seg seg[3];
    struct blk_slot *s = v->free;
    unsigned out, n;
    int r;

    if (!s)
        return -EAGAIN;
    n = build_chain(v, s, req, seg, &out);
    r = virtq_add(v->vq, seg, out, n - out, s);
    if (r == VIRTQ_ERR_NOSPC)
        return -EAGAIN;
    if (r != VIRTQ_OK)
        return -EIO;
    v->free = s->next_free;
    virtq_kick(v->vq);
    return 0;
}

/* Reset first: then the device touches no buffer, and every request it
 * held fails. */
static void vblk_stop(struct blk_dev *b)
{
    struct vblk *v = (struct vblk *)b;
    struct blk_slot *s;

    v->vdev->ops->set_status(v->vdev, 0);
    while ((s = virtq_detach_unused(v->vq)))
        blk_complete(&v->blk, s->req, -EIO);
}

static const struct blk_dev_ops vblk_ops = {vblk_submit, vblk_stop};

/* A discard or write-zeroes limit from config space (512-byte units) in
 * the disk's blocks: a request never carries more than the device takes,
 * nor more 512-byte sectors than its 32-bit field holds. */
static uint32_t range_limit(struct virtio_dev *d, unsigned off, uint32_t bs)
{
    uint32_t per_block = bs / 512, max = cfg32(d, off);

    return max / per_block;
}

static void describe(struct vblk *v)
{
    struct blk_info *i = &v->blk.info;
    struct virtio_dev *d = v->vdev;

    i->sector_size = block_size(v);
    i->sectors = capacity(d) / (i->sector_size / 512);
    i->read_only = offered(d, VIRTIO_BLK_F_RO);
    i->can_flush = offered(d, VIRTIO_BLK_F_FLUSH);
    i->max_discard = offered(d, VIRTIO_BLK_F_DISCARD)
                         ? range_limit(d, CFG_MAX_DISCARD_SECTORS,
                                       i->sector_size)
                         : 0;
    i->max_write_zeroes = offered(d, VIRTIO_BLK_F_WRITE_ZEROES)
                              ? range_limit(d, CFG_MAX_WRITE_ZEROES_SECTORS,
                                            i->sector_size)
                              : 0;
    i->can_discard = i->max_discard != 0;
    i->can_write_zeroes = i->max_write_zeroes != 0;
    i->max_in_flight = QUEUE_SIZE;
    i->max_bytes = request_limit(v, i->sector_size);
    i->driver = v->driver;
}

static int vblk_slots(struct vblk *v)
{
    v->slots = kalloc_pages(QUEUE_SIZE * sizeof(struct blk_slot));
    if (!v->slots)
        return -1;
    for (unsigned i = 0; i < QUEUE_SIZE; i++) {
        v->slots[i].next_free = v->free;
        v->free = &v->slots[i];
    }
    return 0;
}

/* A probe that fails part way: the device reset (no more DMA, no more
 * interrupts), what it held freed.  Once its interrupt is bound the
 * handler keeps its argument, so that much stays allocated. */
static int vblk_give_up(struct virtio_dev *d, struct vblk *v, bool bound)
{
    d->ops->set_status(d, 0);
    if (!v)
        return -1;
    if (v->vq)
        virtq_destroy(v->vq);
    if (v->slots)
        kfree_pages(v->slots, QUEUE_SIZE * sizeof(struct blk_slot));
    if (!bound)
        kfree(v);
    return -1;
}

static int vblk_probe(struct virtio_dev *d)
{
    const uint64_t wanted =
        1ull << VIRTIO_BLK_F_SIZE_MAX | 1ull << VIRTIO_BLK_F_RO |
        1ull << VIRTIO_BLK_F_BLK_SIZE | 1ull << VIRTIO_BLK_F_FLUSH |
        1ull << VIRTIO_BLK_F_DISCARD | 1ull << VIRTIO_BLK_F_WRITE_ZEROES |
        1ull << VIRTIO_F_INDIRECT_DESC | 1ull << VIRTIO_F_EVENT_IDX |
        1ull << VIRTIO_F_VERSION_1;
    struct vblk *v = kzalloc(sizeof(*v));

    if (!v || virtio_negotiate(d, wanted) || vblk_slots(v) ||
        !(v->vq = virtq_create(d, 0, QUEUE_SIZE)))
        return vblk_give_up(d, v, false);
    v->vdev = d;
    tern_snprintf(v->driver, sizeof(v->driver), "virtio-blk (%s)",
                  d->ops->name);
    describe(v);
    v->blk.ops = &vblk_ops;
    if (v->blk.info.sectors == 0) {
        pr_err("virtio-blk: %s: capacity 0; not used", d->name);
        return vblk_give_up(d, v, false);
    }
    if (d->ops->irq_bind(d, on_interrupt, v) != 0) {
        v->polling = true;
        virtq_disable_cb(v->vq);
        pr_info("virtio-blk: %s: no interrupt; polling each ms", d->name);
    }
    d->driver_data = v;
    virtio_driver_ok(d);
    if (blk_register(&v->blk))
        return vblk_give_up(d, v, !v->polling);
    if (v->polling)
        thread_detach(thread_create("virtio-blk-poll", poller, v, 0));
    return 0;
}

static void virtio_blk_init(const struct boot_info *bi)
{
    static const struct virtio_driver drv = {VIRTIO_ID_BLOCK, "virtio-blk",
                                             vblk_probe};

    (void)bi;
    virtio_register_driver(&drv);
}
DRIVER_INIT_REGISTER(virtio_blk_init);
