/* Event counters as files (Linux's eventfd): a write adds, a read takes
 * the count (or one, in semaphore mode).  What a thread or an interrupt
 * handler writes to wake a poll() loop. */
#include <errno.h>
#include <string.h>
#include <tern/file.h>
#include <tern/objpool.h>

#define EVENT_MAX (UINT64_MAX - 1)

struct event {
    uint64_t count;
    int semaphore;
};

static struct obj_pool event_pool = OBJ_POOL_INIT("eventfds", struct event);

static long event_read(struct file *f, void *buf, unsigned long n)
{
    struct event *e = f->priv;
    uint64_t v;

    if (n < sizeof(v))
        return -EINVAL;
    if (!e->count)
        return -EAGAIN;
    v = e->semaphore ? 1 : e->count;
    e->count -= v;
    memcpy(buf, &v, sizeof(v));
    file_notify(f); /* room for writers again */
    return sizeof(v);
}

static long event_write(struct file *f, const void *buf, unsigned long n)
{
    struct event *e = f->priv;
    uint64_t v;

    if (n < sizeof(v))
        return -EINVAL;
    memcpy(&v, buf, sizeof(v));
    if (v > EVENT_MAX)
        return -EINVAL;
    if (v > EVENT_MAX - e->count)
        return -EAGAIN;
    e->count += v;
    if (v)
        file_notify(f);
    return sizeof(v);
}

static unsigned event_poll(struct file *f)
{
    struct event *e = f->priv;

    return (e->count ? FILE_READABLE : 0) |
           (e->count < EVENT_MAX ? FILE_WRITABLE : 0);
}

static void event_release(struct file *f)
{
    obj_free(&event_pool, f->priv);
}

static const struct file_ops event_ops = {
    .read = event_read,
    .write = event_write,
    .poll = event_poll,
    .release = event_release,
};

int eventfd_open(uint64_t initial, int semaphore, int flags)
{
    struct event *e = obj_alloc(&event_pool);
    struct file *f = e ? file_new(&event_ops, e) : NULL;
    int fd;

    if (!f) {
        if (e)
            obj_free(&event_pool, e);
        return -ENOMEM;
    }
    e->count = initial;
    e->semaphore = semaphore;
    f->flags = flags & FILE_NONBLOCK;
    fd = fd_install(f);
    if (fd < 0)
        file_put(f); /* the table is full: the event goes with the file */
    return fd;
}
