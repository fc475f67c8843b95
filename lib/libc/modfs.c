/* Boot modules as read-only files.  Descriptors here are 0-based; the
 * syscall layer offsets them past stdin, stdout and stderr. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <tern/modfs.h>
#include <unistd.h>

void modfs_init(struct modfs *fs)
{
    memset(fs, 0, sizeof(*fs));
}

static int find(const struct modfs *fs, const char *path)
{
    for (unsigned i = 0; i < fs->nfiles; i++)
        if (strcmp(fs->files[i].name, path) == 0)
            return (int)i;
    return -1;
}

int modfs_add(struct modfs *fs, const char *name, const uint8_t *data,
              uint64_t size)
{
    struct modfs_file *f;

    if (fs->nfiles == MODFS_MAX_FILES || !name[0] ||
        strlen(name) >= MODFS_NAME_MAX || find(fs, name) >= 0)
        return -1;
    f = &fs->files[fs->nfiles++];
    strcpy(f->name, name);
    f->data = data;
    f->size = size;
    return 0;
}

static int valid_fd(const struct modfs *fs, int fd)
{
    return fd >= 0 && fd < MODFS_MAX_FDS && fs->fds[fd].used;
}

int modfs_open(struct modfs *fs, const char *path, int flags)
{
    int file = find(fs, path);

    if ((flags & O_ACCMODE) != O_RDONLY || (flags & (O_CREAT | O_TRUNC)))
        return file < 0 && !(flags & O_CREAT) ? -ENOENT : -EROFS;
    if (file < 0)
        return -ENOENT;
    for (int fd = 0; fd < MODFS_MAX_FDS; fd++) {
        if (!fs->fds[fd].used) {
            fs->fds[fd].used = 1;
            fs->fds[fd].file = (unsigned)file;
            fs->fds[fd].pos = 0;
            return fd;
        }
    }
    return -EMFILE;
}

long modfs_read(struct modfs *fs, int fd, void *buf, unsigned long n)
{
    const struct modfs_file *f;
    uint64_t pos, left;

    if (!valid_fd(fs, fd))
        return -EBADF;
    f = &fs->files[fs->fds[fd].file];
    pos = fs->fds[fd].pos;
    left = pos < f->size ? f->size - pos : 0;
    if (n > left)
        n = (unsigned long)left;
    if (n > 0x7fffffffUL)
        n = 0x7fffffffUL;
    memcpy(buf, f->data + pos, n);
    fs->fds[fd].pos += n;
    return (long)n;
}

long long modfs_lseek(struct modfs *fs, int fd, long long off, int whence)
{
    long long base;

    if (!valid_fd(fs, fd))
        return -EBADF;
    if (whence == SEEK_SET)
        base = 0;
    else if (whence == SEEK_CUR)
        base = (long long)fs->fds[fd].pos;
    else if (whence == SEEK_END)
        base = (long long)fs->files[fs->fds[fd].file].size;
    else
        return -EINVAL;
    if ((off < 0 && base + off < 0) ||
        (off > 0 && base > 0x7fffffffffffffffLL - off))
        return -EINVAL;
    fs->fds[fd].pos = (uint64_t)(base + off);
    return base + off;
}

int modfs_close(struct modfs *fs, int fd)
{
    if (!valid_fd(fs, fd))
        return -EBADF;
    fs->fds[fd].used = 0;
    return 0;
}

int modfs_fsize(const struct modfs *fs, int fd, uint64_t *size)
{
    if (!valid_fd(fs, fd))
        return -EBADF;
    *size = fs->files[fs->fds[fd].file].size;
    return 0;
}

int modfs_size(const struct modfs *fs, const char *path, uint64_t *size)
{
    int file = find(fs, path);

    if (file < 0)
        return -ENOENT;
    *size = fs->files[file].size;
    return 0;
}
