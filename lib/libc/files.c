/*
 * Files for newlib: the POSIX calls on top of Tern's descriptor table
 * (lib/fd).  Descriptors 0-2 are the console (stdin reads as end of file;
 * stdout and stderr go to every console), boot modules open as read-only
 * files, and whatever a driver installs (sockets, devices, eventfds) is
 * read, written, polled and closed the same way.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <poll.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/select.h>
#include <sys/stat.h>
#include <tern/config.h>
#include <tern/console.h>
#include <tern/file.h>
#include <tern/libc.h>
#include <tern/modfs.h>
#include <tern/thread.h>
#include <unistd.h>

_Static_assert(O_NONBLOCK == FILE_NONBLOCK, "FILE_NONBLOCK is O_NONBLOCK");
_Static_assert(POLLIN == FILE_READABLE && POLLOUT == FILE_WRITABLE &&
                   POLLERR == FILE_ERROR && POLLHUP == FILE_HANGUP &&
                   POLLNVAL == FD_POLL_INVALID &&
                   POLLRDNORM == FILE_READABLE_NORM &&
                   POLLWRNORM == FILE_WRITABLE_NORM,
               "poll bits are FILE_* bits");
_Static_assert(sizeof(struct pollfd) == sizeof(struct fd_poll) &&
                   offsetof(struct pollfd, revents) ==
                       offsetof(struct fd_poll, got),
               "struct pollfd is struct fd_poll");

static struct modfs fs;

static long console_read(struct file *f, void *buf, unsigned long n)
{
    (void)f;
    (void)buf;
    (void)n;
    return 0; /* no input: end of file */
}

static long console_write_file(struct file *f, const void *buf,
                               unsigned long n)
{
    (void)f;
    console_write(buf, n);
    return (long)n;
}

static int console_stat(struct file *f, struct file_stat *st)
{
    (void)f;
    st->mode = S_IFCHR | 0620;
    return 0;
}

static const struct file_ops console_ops = {
    .read = console_read,
    .write = console_write_file,
    .stat = console_stat,
};

static int module_index(struct file *f)
{
    return (int)(intptr_t)f->priv;
}

static long module_read(struct file *f, void *buf, unsigned long n)
{
    return modfs_read(&fs, module_index(f), buf, n);
}

static long long module_lseek(struct file *f, long long off, int whence)
{
    return modfs_lseek(&fs, module_index(f), off, whence);
}

static int module_stat(struct file *f, struct file_stat *st)
{
    st->mode = S_IFREG | 0444;
    return modfs_fsize(&fs, module_index(f), &st->size);
}

static void module_release(struct file *f)
{
    modfs_close(&fs, module_index(f));
}

static const struct file_ops module_ops = {
    .read = module_read,
    .lseek = module_lseek,
    .stat = module_stat,
    .release = module_release,
};

/* Module files under their names; 0, 1 and 2 on the console. */
struct modfs *libc_files_init(void)
{
    struct file *console = file_new(&console_ops, NULL);

    modfs_init(&fs);
    if (!console || fd_install(console) != 0)
        return &fs; /* no memory at boot: writes fail with EBADF */
    fd_dup2(0, 1);
    fd_dup2(0, 2);
    return &fs;
}

int open(const char *path, int flags, ...)
{
    int index;
    struct file *f;
    int fd;

    if (devfs_path(path))
        return (int)sys_result(devfs_open(path, flags));
    index = modfs_open(&fs, path, flags & ~O_NONBLOCK);
    if (index < 0)
        return (int)sys_result(index);
    f = file_new(&module_ops, (void *)(intptr_t)index);
    if (!f) {
        modfs_close(&fs, index);
        return (int)sys_result(-ENOMEM);
    }
    f->flags = flags & O_NONBLOCK;
    fd = fd_install(f);
    if (fd < 0)
        file_put(f);
    return (int)sys_result(fd);
}

int read(int fd, void *buf, size_t n)
{
    return (int)sys_result(fd_read(fd, buf, n));
}

int write(int fd, const void *buf, size_t n)
{
    return (int)sys_result(fd_write(fd, buf, n));
}

int fsync(int fd)
{
    return (int)sys_result(fd_sync(fd));
}

int fdatasync(int fd)
{
    return fsync(fd);
}

int close(int fd)
{
    return (int)sys_result(fd_close(fd));
}

off_t lseek(int fd, off_t off, int whence)
{
    return (off_t)sys_result((long)fd_lseek(fd, off, whence));
}

static void fill_stat(struct stat *st, unsigned mode, uint64_t size)
{
    memset(st, 0, sizeof(*st));
    st->st_mode = mode;
    st->st_size = (off_t)size;
    st->st_nlink = 1;
    st->st_blksize = 4096;
}

int fstat(int fd, struct stat *st)
{
    struct file_stat fst;
    int r = fd_stat(fd, &fst);

    if (r < 0)
        return (int)sys_result(r);
    fill_stat(st, fst.mode, fst.size);
    return 0;
}

int stat(const char *path, struct stat *st)
{
    uint64_t size;
    int r = modfs_size(&fs, path, &size);

    if (r < 0)
        return (int)sys_result(r);
    fill_stat(st, S_IFREG | 0444, size);
    return 0;
}

int isatty(int fd)
{
    struct file *f = fd_file(fd);

    if (!f)
        return (int)sys_result(-EBADF) + 1;
    if (f->ops != &console_ops)
        return (int)sys_result(-ENOTTY) + 1;
    return 1;
}

int dup(int fd)
{
    return (int)sys_result(fd_dup(fd, 0));
}

int dup2(int fd, int to)
{
    return (int)sys_result(fd_dup2(fd, to));
}

/* O_RDONLY, O_WRONLY or O_RDWR: what the file's driver can do. */
static int access_mode(const struct file *f)
{
    if (f->ops->read && f->ops->write)
        return O_RDWR;
    return f->ops->write ? O_WRONLY : O_RDONLY;
}

int fcntl(int fd, int cmd, ...)
{
    va_list ap;
    int arg;

    va_start(ap, cmd);
    arg = va_arg(ap, int); /* read whatever was passed; unused by some */
    va_end(ap);
    switch (cmd) {
    case F_GETFL:
        return fd_file(fd) ? fd_get_flags(fd) | access_mode(fd_file(fd))
                           : (int)sys_result(-EBADF);
    case F_SETFL:
        return (int)sys_result(fd_set_flags(fd, arg));
    case F_DUPFD:
        return (int)sys_result(fd_dup(fd, arg));
    case F_GETFD:
    case F_SETFD: /* no exec, so close-on-exec means nothing */
        return fd_file(fd) ? 0 : (int)sys_result(-EBADF);
    default:
        return (int)sys_result(-EINVAL);
    }
}

static uint64_t ms_deadline(int ms)
{
    return ms < 0 ? THREAD_FOREVER : thread_deadline((uint64_t)ms * 1000000);
}

int poll(struct pollfd *fds, nfds_t n, int timeout)
{
    if (n > (nfds_t)CONFIG_FD_MAX || (n && !fds))
        return (int)sys_result(-EINVAL);
    return fd_poll((struct fd_poll *)fds, (unsigned)n, ms_deadline(timeout));
}

/* One poll entry per descriptor in readfds or writefds.  A descriptor
 * only in exceptfds is only checked: exceptfds waits for exceptional
 * conditions (out-of-band data), which no file here has, and a hang-up
 * or error, which poll reports whatever is asked, is readfds' and
 * writefds' business (POSIX).  -EBADF for a bad one. */
static int sets_to_poll(int n, fd_set *r, fd_set *w, fd_set *e,
                        struct fd_poll *p)
{
    int count = 0;

    for (int fd = 0; fd < n; fd++) {
        short want = (short)((r && FD_ISSET(fd, r) ? FILE_READABLE : 0) |
                             (w && FD_ISSET(fd, w) ? FILE_WRITABLE : 0));

        if (want)
            p[count++] = (struct fd_poll){fd, want, 0};
        else if (e && FD_ISSET(fd, e) && !fd_file(fd))
            return -EBADF;
    }
    return count;
}

static int poll_to_sets(const struct fd_poll *p, unsigned count, fd_set *r,
                        fd_set *w, fd_set *e)
{
    int bits = 0;

    if (r)
        FD_ZERO(r);
    if (w)
        FD_ZERO(w);
    if (e)
        FD_ZERO(e);
    for (unsigned i = 0; i < count; i++) {
        if (p[i].got & FD_POLL_INVALID)
            return -EBADF; /* select's sys_result sets errno */
        if (r && (p[i].got & (FILE_READABLE | FILE_HANGUP | FILE_ERROR)) &&
            (p[i].want & FILE_READABLE)) {
            FD_SET(p[i].fd, r);
            bits++;
        }
        if (w && (p[i].got & (FILE_WRITABLE | FILE_ERROR)) &&
            (p[i].want & FILE_WRITABLE)) {
            FD_SET(p[i].fd, w);
            bits++;
        }
    }
    return bits;
}

/* FD_SETSIZE is CONFIG_FD_MAX (lib/fd/Makefile.frag): a set holds every
 * descriptor.  The poll array goes on the heap past a few dozen, to keep
 * 8 KiB off a thread's stack. */
#define SELECT_ON_STACK 64

int select(int n, fd_set *r, fd_set *w, fd_set *e, struct timeval *tv)
{
    struct fd_poll small[SELECT_ON_STACK], *p = small;
    int count;
    uint64_t deadline = THREAD_FOREVER;

    if (n < 0 || n > FD_SETSIZE ||
        (tv && (tv->tv_sec < 0 || tv->tv_usec < 0 || tv->tv_usec >= 1000000)))
        return (int)sys_result(-EINVAL);
    if (tv) { /* past 2^64 ns (584 years) is for ever, not a wrap */
        uint64_t us = (uint64_t)tv->tv_usec * 1000;

        deadline = thread_deadline(
            (uint64_t)tv->tv_sec > (UINT64_MAX - us) / 1000000000
                ? UINT64_MAX
                : (uint64_t)tv->tv_sec * 1000000000 + us);
    }
    if (n > SELECT_ON_STACK && !(p = malloc((size_t)n * sizeof(*p))))
        return (int)sys_result(-ENOMEM);
    count = sets_to_poll(n, r, w, e, p);
    if (count >= 0) {
        fd_poll(p, (unsigned)count, deadline);
        count = poll_to_sets(p, (unsigned)count, r, w, e);
    }
    if (p != small)
        free(p);
    return (int)sys_result(count);
}

int eventfd(unsigned int initval, int flags)
{
    if (flags & ~(EFD_SEMAPHORE | EFD_NONBLOCK | EFD_CLOEXEC))
        return (int)sys_result(-EINVAL);
    return (int)sys_result(eventfd_open(initval, flags & EFD_SEMAPHORE,
                                        flags & EFD_NONBLOCK));
}

int eventfd_read(int fd, eventfd_t *value)
{
    return read(fd, value, sizeof(*value)) == sizeof(*value) ? 0 : -1;
}

int eventfd_write(int fd, eventfd_t value)
{
    return write(fd, &value, sizeof(value)) == sizeof(value) ? 0 : -1;
}
