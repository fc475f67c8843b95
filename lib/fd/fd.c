/*
 * The descriptor table: descriptors index shared, reference-counted
 * files.  Blocking is the table's, not each driver's: a driver returns
 * -EAGAIN, the table waits on the file until file_notify.  One queue for
 * every poll()/select() in progress: a notify wakes them all and each
 * looks again, which is cheap with the few pollers an appliance has.
 */
#include <errno.h>
#include <stddef.h>
#include <tern/config.h>
#include <tern/file.h>
#include <tern/objpool.h>
#include <tern/sched.h>

static struct file *table[CONFIG_FD_MAX];
static struct obj_pool file_pool = OBJ_POOL_INIT("files", struct file);
static struct runq pollers;

struct file *file_new(const struct file_ops *ops, void *priv)
{
    struct file *f = obj_alloc(&file_pool);

    if (f) {
        f->ops = ops;
        f->priv = priv;
        f->refs = 1;
    }
    return f;
}

static void wake_all(struct runq *q)
{
    while (sched_wake_one(q))
        ;
}

void file_notify(struct file *f)
{
    wake_all(&f->waiters);
    wake_all(&pollers);
}

void file_put(struct file *f)
{
    if (--f->refs)
        return;
    if (f->ops->release)
        f->ops->release(f);
    obj_free(&file_pool, f);
}

struct file *fd_file(int fd)
{
    return fd >= 0 && fd < CONFIG_FD_MAX ? table[fd] : NULL;
}

static int install_from(struct file *f, int lowest)
{
    for (int fd = lowest < 0 ? 0 : lowest; fd < CONFIG_FD_MAX; fd++) {
        if (!table[fd]) {
            table[fd] = f;
            return fd;
        }
    }
    return -EMFILE;
}

int fd_install(struct file *f)
{
    return install_from(f, 0);
}

int file_wait(struct file *f, uint64_t deadline)
{
    int timed_out;

    f->refs++; /* a close meanwhile must not free it under us */
    f->blocked++;
    timed_out = sched_wait(&f->waiters, deadline) == SCHED_TIMED_OUT;
    if (f->refs == f->blocked) { /* every descriptor was closed */
        f->blocked--;
        file_put(f);
        return -EBADF;
    }
    f->blocked--;
    f->refs--;
    return timed_out ? -EAGAIN : 0;
}

uint64_t file_deadline(const struct file *f, int writing)
{
    uint64_t ns = f->timeout_ns[!!writing];

    return ns ? thread_deadline(ns) : SCHED_FOREVER;
}

long file_io(struct file *f, long (*try)(struct file *, void *), void *ctx,
             int writing, int nonblock)
{
    uint64_t deadline = file_deadline(f, writing);

    for (;;) {
        long r = try(f, ctx);

        if (r != -EAGAIN || nonblock || (f->flags & FILE_NONBLOCK))
            return r;
        r = file_wait(f, deadline);
        if (r)
            return r;
    }
}

struct transfer {
    char *buf;
    unsigned long n, done;
    int writing;
};

/* One read, or as much of a write as the file takes now: a blocking
 * write goes on until every byte is written, as POSIX asks of sockets
 * and pipes, and says what it wrote when it stops early. */
static long transfer_once(struct file *f, void *ctx)
{
    struct transfer *t = ctx;
    long r;

    if (!t->writing)
        return f->ops->read(f, t->buf, t->n);
    for (;;) {
        r = f->ops->write(f, t->buf + t->done, t->n - t->done);
        if (r <= 0)
            break;
        t->done += (unsigned long)r;
        if (t->done == t->n || (f->flags & FILE_NONBLOCK))
            return (long)t->done;
    }
    return r == 0 ? (long)t->done : r; /* took nothing: stop there */
}

static long transfer(int fd, void *buf, unsigned long n, int writing)
{
    struct file *f = fd_file(fd);
    struct transfer t = {buf, n, 0, writing};
    long r;

    if (!f)
        return -EBADF;
    if (writing ? !f->ops->write : !f->ops->read)
        return -EBADF;
    r = file_io(f, transfer_once, &t, writing, 0);
    /* a timeout or a close after part of a write: the part counts */
    return r < 0 && t.done ? (long)t.done : r;
}

long fd_read(int fd, void *buf, unsigned long n)
{
    return transfer(fd, buf, n, 0);
}

long fd_write(int fd, const void *buf, unsigned long n)
{
    return transfer(fd, (void *)buf, n, 1);
}

long long fd_lseek(int fd, long long off, int whence)
{
    struct file *f = fd_file(fd);

    if (!f)
        return -EBADF;
    return f->ops->lseek ? f->ops->lseek(f, off, whence) : -ESPIPE;
}

int fd_stat(int fd, struct file_stat *st)
{
    struct file *f = fd_file(fd);

    if (!f)
        return -EBADF;
    *st = (struct file_stat){0, 0};
    return f->ops->stat ? f->ops->stat(f, st) : 0;
}

/* Files with nothing to write back (the console, modules) sync at once. */
int fd_sync(int fd)
{
    struct file *f = fd_file(fd);

    if (!f)
        return -EBADF;
    return f->ops->sync ? f->ops->sync(f) : 0;
}

int fd_close(int fd)
{
    struct file *f = fd_file(fd);

    if (!f)
        return -EBADF;
    table[fd] = NULL;
    file_notify(f); /* threads blocked on it look again */
    file_put(f);
    return 0;
}

int fd_dup(int fd, int lowest)
{
    struct file *f = fd_file(fd);
    int to;

    if (!f)
        return -EBADF;
    if (lowest < 0 || lowest >= CONFIG_FD_MAX)
        return -EINVAL;
    to = install_from(f, lowest);
    if (to >= 0)
        f->refs++;
    return to;
}

int fd_dup2(int fd, int to)
{
    struct file *f = fd_file(fd);

    if (!f || to < 0 || to >= CONFIG_FD_MAX)
        return -EBADF;
    if (to == fd)
        return fd;
    f->refs++;
    if (table[to]) { /* closed, as fd_close does: its waiters look again */
        struct file *old = table[to];

        table[to] = f;
        file_notify(old);
        file_put(old);
    }
    table[to] = f;
    return to;
}

int fd_get_flags(int fd)
{
    struct file *f = fd_file(fd);

    return f ? f->flags : -EBADF;
}

int fd_set_flags(int fd, int flags)
{
    struct file *f = fd_file(fd);

    if (!f)
        return -EBADF;
    f->flags = (f->flags & ~FILE_NONBLOCK) | (flags & FILE_NONBLOCK);
    if (f->flags & FILE_NONBLOCK)
        file_notify(f); /* blocked readers now return -EAGAIN */
    return 0;
}

/* What holds for f, the normal-data bits with readable and writable. */
static unsigned ready_bits(struct file *f)
{
    unsigned r = f->ops->poll ? f->ops->poll(f)
                              : FILE_READABLE | FILE_WRITABLE;

    return r | (r & FILE_READABLE ? FILE_READABLE_NORM : 0) |
           (r & FILE_WRITABLE ? FILE_WRITABLE_NORM : 0);
}

static int poll_one(struct fd_poll *p)
{
    struct file *f = fd_file(p->fd);
    unsigned now;

    if (p->fd < 0)
        now = 0; /* ignored, as poll() does */
    else if (!f)
        now = FD_POLL_INVALID;
    else
        now = ready_bits(f) & ((unsigned short)p->want | FILE_ERROR |
                               FILE_HANGUP);
    p->got = (short)now;
    return now != 0;
}

int fd_poll(struct fd_poll *fds, unsigned n, uint64_t deadline)
{
    for (;;) {
        int ready = 0;

        for (unsigned i = 0; i < n; i++)
            ready += poll_one(&fds[i]);
        if (ready || sched_wait(&pollers, deadline) == SCHED_TIMED_OUT)
            return ready;
    }
}
