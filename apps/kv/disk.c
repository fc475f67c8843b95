#include <errno.h>
#include <unistd.h>
#include "disk.h"

static long disk_read(void *ctx, uint64_t off, void *buf, size_t len)
{
    struct disk *d = ctx;
    size_t done = 0;

    if (lseek(d->fd, (off_t)off, SEEK_SET) < 0) {
        d->error = errno;
        return errno == EINVAL ? 0 : -1; /* past a disk's end: nothing */
    }
    while (done < len) {
        ssize_t n = read(d->fd, (char *)buf + done, len - done);

        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            d->error = errno;
            return -1;
        }
        if (n == 0)
            break;
        done += n;
    }
    return (long)done;
}

static int disk_write(void *ctx, uint64_t off, const void *buf, size_t len)
{
    struct disk *d = ctx;
    size_t done = 0;

    if (lseek(d->fd, (off_t)off, SEEK_SET) < 0) {
        d->error = errno;
        return -1;
    }
    while (done < len) {
        ssize_t n = write(d->fd, (const char *)buf + done, len - done);

        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            d->error = n < 0 ? errno : ENOSPC;
            return -1;
        }
        done += n;
    }
    return 0;
}

static int disk_sync(void *ctx)
{
    struct disk *d = ctx;

    if (fsync(d->fd)) {
        d->error = errno;
        return -1;
    }
    return 0;
}

void disk_io(struct disk *d, struct snap_io *io)
{
    io->ctx = d;
    io->read = disk_read;
    io->write = disk_write;
    io->sync = disk_sync;
}
