/* What a block driver (virtio-blk, blkfront) gives lib/blk, which names
 * the disk, checks every request and offers it to apps (tern/blk.h). */
#ifndef TERN_BLK_DRIVER_H
#define TERN_BLK_DRIVER_H

#include <tern/blk.h>
#include <tern/sched_types.h>
#include <tern/thread.h>

struct blk_dev_ops {
    /* Queue a request lib/blk has checked (range, alignment, size, the
     * device's read-only flag and features): 0, or -errno (-EAGAIN when
     * the ring is full: lib/blk waits for a completion and retries). */
    int (*submit)(struct blk_dev *dev, struct blk_request *req);
    /* Stop the device for good: reset it, then complete every request
     * it held with -EIO (blk_complete); their buffers are never touched
     * again. */
    void (*stop)(struct blk_dev *dev);
};

struct blk_dev {
    struct blk_info info;     /* the driver fills all but name */
    const struct blk_dev_ops *ops;
    void *priv;
    bool stopped;
    unsigned in_flight;
    uint64_t progress_ns; /* the last submit to an idle disk, or completion */
    struct runq ring_waiters; /* submitters waiting for ring space */
    /* /dev/vdX's partial-sector read-modify-writes, one at a time: two
     * writers patching one sector would each write back the other's
     * stale copy. */
    struct mutex rmw;
};

/* Name the disk (vda, vdb, ... in registration order) and offer it as
 * /dev/<name>.  0, or -errno (info out of range: a sector size that is
 * not 512-4096 and a power of two, no capacity). */
int blk_register(struct blk_dev *dev);
/* The driver has finished req: status set, done called, waiters woken. */
void blk_complete(struct blk_dev *dev, struct blk_request *req, int status);
/* The watchdog's check (a thread runs it every quarter of the timeout):
 * a disk with requests in flight and no progress for
 * CONFIG_BLK_TIMEOUT_MS by now is stopped, which fails them all. */
void blk_watchdog_check(uint64_t now_ns);

/* The device broke a rule: one line, stopped, every later call -EIO. */
void blk_dev_broken(struct blk_dev *dev, const char *rule);

#endif
