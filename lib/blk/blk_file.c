/*
 * /dev/vda and its kind: a disk as a file, at any offset and length.
 * Whole sectors go straight between the disk and the caller's buffer;
 * the partial sectors at either end go through a bounce sector (a write
 * reads it first).  The position is the file's, shared by dup'ed
 * descriptors as POSIX says.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <tern/blk_driver.h>
#include <tern/file.h>
#include <tern/kalloc.h>

struct blk_file {
    struct blk_dev *dev;
    int access; /* O_RDONLY, O_WRONLY, O_RDWR */
};

static struct blk_dev *dev_of(struct file *f)
{
    return ((struct blk_file *)f->priv)->dev;
}

static uint64_t disk_bytes(const struct blk_dev *dev)
{
    return dev->info.sectors * dev->info.sector_size;
}

/* The part of one sector at pos: read it whole into a bounce buffer and
 * copy out, or (write) read, patch and write back.  Bytes moved or
 * -errno. */
static long partial(struct blk_dev *dev, uint64_t pos, void *buf, size_t n,
                    bool write)
{
    uint32_t ss = dev->info.sector_size;
    uint64_t sector = pos / ss;
    size_t off = pos % ss, len = n < ss - off ? n : ss - off;
    char *bounce = kmalloc_aligned(ss, ss);
    int r;

    if (!bounce)
        return -ENOMEM;
    mutex_lock(&dev->rmw);
    r = blk_read(dev, sector, bounce, ss);
    if (r == 0 && !write)
        memcpy(buf, bounce + off, len);
    if (r == 0 && write) {
        memcpy(bounce + off, buf, len);
        r = blk_write(dev, sector, bounce, ss);
    }
    mutex_unlock(&dev->rmw);
    kfree(bounce);
    return r ? r : (long)len;
}

/* Whole sectors at a sector boundary, straight to or from buf. */
static long whole(struct blk_dev *dev, uint64_t pos, void *buf, size_t n,
                  bool write)
{
    uint32_t ss = dev->info.sector_size;
    size_t len = n - n % ss;
    int r;

    if (!write)
        return (r = blk_read(dev, pos / ss, buf, len)) ? r : (long)len;
    mutex_lock(&dev->rmw); /* not between a patch's read and its write */
    r = blk_write(dev, pos / ss, buf, len);
    mutex_unlock(&dev->rmw);
    return r ? r : (long)len;
}

static long transfer(struct file *f, void *buf, unsigned long n, bool write)
{
    struct blk_dev *dev = dev_of(f);
    uint64_t size = disk_bytes(dev);
    unsigned long done = 0;

    if (f->pos >= size)
        return write && n ? -ENOSPC : 0;
    if (n > size - f->pos)
        n = (unsigned long)(size - f->pos);
    while (done < n) {
        uint64_t pos = f->pos;
        size_t left = n - done;
        long r = pos % dev->info.sector_size || left < dev->info.sector_size
                     ? partial(dev, pos, (char *)buf + done, left, write)
                     : whole(dev, pos, (char *)buf + done, left, write);

        if (r < 0)
            return done ? (long)done : r;
        f->pos += (uint64_t)r;
        done += (unsigned long)r;
    }
    return (long)done;
}

static long blk_file_read(struct file *f, void *buf, unsigned long n)
{
    if (((struct blk_file *)f->priv)->access == O_WRONLY)
        return -EBADF;
    return transfer(f, buf, n, false);
}

static long blk_file_write(struct file *f, const void *buf, unsigned long n)
{
    if (((struct blk_file *)f->priv)->access == O_RDONLY)
        return -EBADF;
    return transfer(f, (void *)buf, n, true);
}

static long long blk_file_lseek(struct file *f, long long off, int whence)
{
    long long base = whence == SEEK_SET   ? 0
                     : whence == SEEK_CUR ? (long long)f->pos
                     : whence == SEEK_END ? (long long)disk_bytes(dev_of(f))
                                          : -1;

    if (base < 0 || (off < 0 && -off > base))
        return -EINVAL;
    f->pos = (uint64_t)(base + off);
    return (long long)f->pos;
}

static int blk_file_stat(struct file *f, struct file_stat *st)
{
    st->mode = S_IFBLK | (dev_of(f)->info.read_only ? 0444 : 0644);
    st->size = disk_bytes(dev_of(f));
    return 0;
}

static unsigned blk_file_poll(struct file *f)
{
    (void)f; /* a disk is always ready: requests wait inside read/write */
    return FILE_READABLE | FILE_WRITABLE | FILE_READABLE_NORM |
           FILE_WRITABLE_NORM;
}

static int blk_file_sync(struct file *f)
{
    return blk_flush(dev_of(f));
}

static void blk_file_release(struct file *f)
{
    kfree(f->priv);
}

static const struct file_ops blk_file_ops = {
    .read = blk_file_read,
    .write = blk_file_write,
    .lseek = blk_file_lseek,
    .stat = blk_file_stat,
    .poll = blk_file_poll,
    .sync = blk_file_sync,
    .release = blk_file_release,
};

static struct file *blk_file_open(void *priv, int flags, int *err)
{
    struct blk_dev *dev = priv;
    struct blk_file *bf;
    struct file *f;
    int access = flags & O_ACCMODE;

    if (access != O_RDONLY && dev->info.read_only) {
        *err = -EROFS;
        return NULL;
    }
    if (!(bf = kmalloc(sizeof(*bf))) || !(f = file_new(&blk_file_ops, bf))) {
        kfree(bf);
        *err = -ENOMEM;
        return NULL;
    }
    *bf = (struct blk_file){dev, access};
    f->flags = flags & FILE_NONBLOCK;
    return f;
}

int blk_file_register(struct blk_dev *dev)
{
    static const struct devfs_ops ops = {blk_file_open};

    return devfs_register(dev->info.name, &ops, dev);
}
