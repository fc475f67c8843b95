/*
 * The disks: names, the checks every request passes before a driver sees
 * it, waiting for ring space, the synchronous calls with a timeout, and
 * one error line for a device that fails or stops answering.
 */
#include <errno.h>
#include <string.h>
#include <tern/blk_check.h>
#include <tern/blk_driver.h>
#include <tern/config.h>
#include <tern/format.h>
#include <tern/log.h>
#include <tern/sched.h>

#define MS 1000000ull

static struct blk_dev *disks[CONFIG_BLK_MAX_DISKS];
static unsigned ndisks;

int blk_file_register(struct blk_dev *dev); /* blk_file.c */

/* Monotonic time through the scheduler's clock (now + 0). */
static uint64_t now_ns(void)
{
    return sched_deadline_after(0);
}

void blk_watchdog_check(uint64_t now)
{
    for (unsigned i = 0; i < ndisks; i++) {
        struct blk_dev *d = disks[i];

        if (!d->stopped && d->in_flight &&
            now - d->progress_ns > CONFIG_BLK_TIMEOUT_MS * MS)
            blk_dev_broken(d, "no request completed within the timeout");
    }
}

/* Asynchronous requests have no waiter to time them out: this does. */
static void *watchdog(void *arg)
{
    (void)arg;
    for (;;) {
        thread_sleep_ns(CONFIG_BLK_TIMEOUT_MS * MS / 4);
        blk_watchdog_check(now_ns());
    }
    return NULL;
}

static void start_watchdog(void)
{
    static bool started;
    struct thread *t;

    if (started)
        return;
    if ((t = thread_create("blk-watchdog", watchdog, NULL, 0)) == NULL) {
        pr_warn("blk: no memory for the watchdog; asynchronous requests "
                "have no timeout");
        return;
    }
    thread_detach(t);
    started = true;
}

unsigned blk_count(void)
{
    return ndisks;
}

struct blk_dev *blk_get(unsigned index)
{
    return index < ndisks ? disks[index] : NULL;
}

struct blk_dev *blk_find(const char *name)
{
    for (unsigned i = 0; i < ndisks; i++)
        if (!strcmp(disks[i]->info.name, name))
            return disks[i];
    return NULL;
}

const struct blk_info *blk_info(const struct blk_dev *dev)
{
    return &dev->info;
}

int blk_register(struct blk_dev *dev)
{
    struct blk_info *i = &dev->info;

    if (ndisks == CONFIG_BLK_MAX_DISKS) {
        pr_warn("blk: %s: more than %u disks; ignored", i->driver,
                CONFIG_BLK_MAX_DISKS);
        return -ENOSPC;
    }
    if (blk_check_info(i)) {
        pr_err("blk: %s: unusable geometry (%llu sectors of %u bytes, "
               "%u in flight, %u bytes a request); ignored",
               i->driver, (unsigned long long)i->sectors, i->sector_size,
               i->max_in_flight, i->max_bytes);
        return -EINVAL;
    }
    tern_snprintf(i->name, sizeof(i->name), "vd%c", 'a' + ndisks);
    disks[ndisks++] = dev;
    sched_add_wake_source(); /* its completions wake the threads waiting */
    start_watchdog();
    pr_info("blk: %s: %s, %llu sectors of %u bytes (%llu KiB)%s%s%s%s",
            i->name,
            i->driver, (unsigned long long)i->sectors, i->sector_size,
            (unsigned long long)(i->sectors * i->sector_size >> 10),
            i->read_only ? ", read-only" : "",
            i->can_flush ? ", flush" : "",
            i->can_discard ? ", discard" : "",
            i->can_write_zeroes ? ", write-zeroes" : "");
    return blk_file_register(dev);
}

void blk_dev_broken(struct blk_dev *dev, const char *rule)
{
    if (dev->stopped)
        return;
    dev->stopped = true;
    pr_err("blk: %s (%s): %s; device stopped", dev->info.name,
           dev->info.driver, rule);
    dev->ops->stop(dev);
    while (sched_wake_one(&dev->ring_waiters))
        ;
}

void blk_complete(struct blk_dev *dev, struct blk_request *req, int status)
{
    if (dev->in_flight)
        dev->in_flight--;
    dev->progress_ns = now_ns();
    req->status = status;
    if (req->done)
        req->done(req);
    sched_wake_one(&dev->ring_waiters);
}

/* Counted before the driver sees it: a driver may complete at once. */
static int submit_now(struct blk_dev *dev, struct blk_request *req)
{
    int r;

    if (!dev->in_flight++)
        dev->progress_ns = now_ns(); /* the clock starts with the first */
    if ((r = dev->ops->submit(dev, req)) != 0)
        dev->in_flight--;
    return r;
}

int blk_submit(struct blk_dev *dev, struct blk_request *req)
{
    uint64_t deadline = sched_deadline_after(CONFIG_BLK_TIMEOUT_MS * MS);
    int r = blk_check_request(&dev->info, req);

    if (r)
        return r;
    if (req->op == BLK_FLUSH && !dev->info.can_flush) {
        blk_complete(dev, req, 0); /* no write cache: nothing to flush */
        return 0;
    }
    /* A full ring frees up as requests complete; a device that completes
     * nothing for the whole timeout is stopped. */
    while (!dev->stopped && (r = submit_now(dev, req)) == -EAGAIN)
        if (sched_wait(&dev->ring_waiters, deadline) == SCHED_TIMED_OUT)
            blk_dev_broken(dev, "no request completed within the timeout");
    return dev->stopped ? -EIO : r;
}

struct sync_wait {
    struct semaphore done;
};

static void sync_done(struct blk_request *req)
{
    sem_up(&((struct sync_wait *)req->arg)->done);
}

/* One request, waited for.  On a timeout the device is stopped (reset),
 * so the request, on this stack, is never touched by it again. */
static int run_sync(struct blk_dev *dev, struct blk_request *req)
{
    struct sync_wait w = {SEMAPHORE_INIT(0)};
    int r;

    req->done = sync_done;
    req->arg = &w;
    if ((r = blk_submit(dev, req)) != 0)
        return r;
    if (sem_down_until(&w.done, sched_deadline_after(CONFIG_BLK_TIMEOUT_MS *
                                                     MS))) {
        blk_dev_broken(dev, "a request was not completed within the timeout");
        return -ETIMEDOUT;
    }
    return req->status;
}

/* Reads and writes split at max_bytes, in whole sectors. */
static int transfer(struct blk_dev *dev, enum blk_op op, uint64_t sector,
                    void *buf, size_t bytes)
{
    size_t step = dev->info.max_bytes - dev->info.max_bytes %
                                            dev->info.sector_size;

    if (bytes == 0 || bytes % dev->info.sector_size)
        return -EINVAL;
    while (bytes) {
        size_t n = bytes < step ? bytes : step;
        struct blk_request req = {.op = op, .sector = sector, .buf = buf,
                                  .bytes = n};
        int r = run_sync(dev, &req);

        if (r)
            return r;
        sector += n / dev->info.sector_size;
        buf = (char *)buf + n;
        bytes -= n;
    }
    return 0;
}

int blk_read(struct blk_dev *dev, uint64_t sector, void *buf, size_t bytes)
{
    return transfer(dev, BLK_READ, sector, buf, bytes);
}

int blk_write(struct blk_dev *dev, uint64_t sector, const void *buf,
              size_t bytes)
{
    if (dev->info.read_only)
        return -EROFS;
    return transfer(dev, BLK_WRITE, sector, (void *)buf, bytes);
}

int blk_flush(struct blk_dev *dev)
{
    struct blk_request req = {.op = BLK_FLUSH};

    return run_sync(dev, &req);
}

/* A range split at the device's limit for one request. */
static int range_op(struct blk_dev *dev, enum blk_op op, uint64_t sector,
                    uint64_t count)
{
    uint32_t max = op == BLK_DISCARD ? dev->info.max_discard
                                     : dev->info.max_write_zeroes;
    int r = count ? 0 : -EINVAL;

    while (r == 0 && count) {
        uint64_t n = max && count > max ? max : count;
        struct blk_request req = {.op = op, .sector = sector, .count = n};

        r = run_sync(dev, &req);
        sector += n;
        count -= n;
    }
    return r;
}

int blk_discard(struct blk_dev *dev, uint64_t sector, uint64_t count)
{
    return range_op(dev, BLK_DISCARD, sector, count);
}

int blk_write_zeroes(struct blk_dev *dev, uint64_t sector, uint64_t count)
{
    return range_op(dev, BLK_WRITE_ZEROES, sector, count);
}
