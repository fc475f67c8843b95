/*
 * Block devices: every disk the runtime found (virtio-blk on QEMU,
 * blkfront under Xen), in discovery order, as vda, vdb, ...  Apps use
 * either this interface or the device files /dev/vda, /dev/vdb through
 * open/read/write/lseek/fsync (any offset and length there; here whole
 * sectors).
 *
 * Every call returns 0 (or a count) or a negative errno: -EINVAL for a
 * range past the end or not in whole sectors, -EROFS for a write to a
 * read-only disk, -EIO when the device reports an error, -ETIMEDOUT when
 * it does not answer in time (the device is then stopped: -EIO after),
 * -EOPNOTSUPP for an operation it does not offer, -ENOMEM.
 */
#ifndef TERN_BLK_H
#define TERN_BLK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct blk_dev;

struct blk_info {
    char name[8];          /* "vda" */
    const char *driver;    /* "virtio-blk (pci-modern)", "blkfront" */
    uint64_t sectors;      /* capacity in sectors of sector_size */
    uint32_t sector_size;  /* bytes: 512 or 4096 */
    bool read_only;
    bool can_flush, can_discard, can_write_zeroes;
    unsigned max_in_flight; /* requests the device takes at once */
    uint32_t max_bytes;     /* the largest single request */
    /* Sectors one discard or write-zeroes request may cover; the
     * synchronous calls split larger ranges. */
    uint32_t max_discard, max_write_zeroes;
};

/* Disks found, and each by index (discovery order) or name; NULL when
 * there is no such disk. */
unsigned blk_count(void);
struct blk_dev *blk_get(unsigned index);
struct blk_dev *blk_find(const char *name);
const struct blk_info *blk_info(const struct blk_dev *dev);

/* Synchronous: the calling thread waits (others run). */
int blk_read(struct blk_dev *dev, uint64_t sector, void *buf, size_t bytes);
int blk_write(struct blk_dev *dev, uint64_t sector, const void *buf,
              size_t bytes);
int blk_flush(struct blk_dev *dev);
int blk_discard(struct blk_dev *dev, uint64_t sector, uint64_t count);
int blk_write_zeroes(struct blk_dev *dev, uint64_t sector, uint64_t count);

/* Asynchronous: several requests in flight.  done(req) runs, with
 * req->status set, where the driver learns of the completion: its
 * interrupt handler (in the idle loop: it may wake threads with sem_up or
 * cond_signal, never block) or its polling.  The request and its buffer
 * belong to the driver until then.  One request carries at most
 * max_bytes; the synchronous calls split larger transfers. */
enum blk_op { BLK_READ, BLK_WRITE, BLK_FLUSH, BLK_DISCARD, BLK_WRITE_ZEROES };

struct blk_request {
    enum blk_op op;
    uint64_t sector;
    void *buf;          /* READ, WRITE */
    size_t bytes;       /* READ, WRITE: whole sectors */
    uint64_t count;     /* DISCARD, WRITE_ZEROES: sectors */
    void (*done)(struct blk_request *req);
    void *arg;
    int status;         /* 0 or -errno, set before done */
    void *driver_private[4];
};
/* 0 when queued (done will run), or -errno at once (done will not). */
int blk_submit(struct blk_dev *dev, struct blk_request *req);

#endif
