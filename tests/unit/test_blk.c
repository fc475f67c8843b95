/* lib/blk against simulated disks: the request checks, splitting at the
 * device's limit, /dev/vdX at any offset and length (read-modify-write at
 * the ends), read-only disks, and a disk that never answers or lies.
 * The scheduler's semaphores are stand-ins: a request either completed
 * before the wait (count up) or never will (the wait times out). */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <tern/blk_check.h>
#include <tern/config.h>
#include <tern/blk_driver.h>
#include <tern/file.h>
#include <tern/sched.h>
#include "test.h"

void sem_up(struct semaphore *s)
{
    s->count++;
}

int sem_down_until(struct semaphore *s, uint64_t deadline)
{
    (void)deadline;
    if (!s->count)
        return -1; /* nothing will complete it: the deadline passes */
    s->count--;
    return 0;
}

uint64_t sched_deadline_after(uint64_t ns)
{
    return ns;
}

/* --- a disk in memory --- */
#define SECTORS 64
struct fake_disk {
    struct blk_dev dev;
    uint8_t data[SECTORS * 512];
    int submits, stops, max_seen;
    uint64_t max_count;
    int silent;        /* accept requests and never complete them */
    int fail_status;   /* complete with this instead */
    struct blk_request *held[8];
    int nheld;
};

static int fake_submit(struct blk_dev *dev, struct blk_request *r)
{
    struct fake_disk *d = (struct fake_disk *)dev;
    uint8_t *at = d->data + r->sector * 512;

    d->submits++;
    if ((int)r->bytes > d->max_seen)
        d->max_seen = (int)r->bytes;
    if (d->silent) {
        d->held[d->nheld++] = r;
        return 0;
    }
    if (r->count > d->max_count)
        d->max_count = r->count;
    if (r->op == BLK_WRITE_ZEROES)
        memset(at, 0, r->count * 512);
    if (r->op == BLK_READ)
        memcpy(r->buf, at, r->bytes);
    else if (r->op == BLK_WRITE)
        memcpy(at, r->buf, r->bytes);
    blk_complete(dev, r, d->fail_status);
    return 0;
}

static void fake_stop(struct blk_dev *dev)
{
    struct fake_disk *d = (struct fake_disk *)dev;

    d->stops++;
    while (d->nheld)
        blk_complete(dev, d->held[--d->nheld], -EIO);
}

static const struct blk_dev_ops fake_ops = {fake_submit, fake_stop};

static struct fake_disk *new_disk(bool read_only)
{
    static struct fake_disk disks[6];
    static int n;
    struct fake_disk *d = &disks[n++];

    d->dev.ops = &fake_ops;
    d->dev.info = (struct blk_info){.driver = "fake", .sectors = SECTORS,
                                    .sector_size = 512,
                                    .read_only = read_only,
                                    .can_flush = true, .max_in_flight = 4,
                                    .max_bytes = 4096};
    for (unsigned i = 0; i < sizeof(d->data); i++)
        d->data[i] = (uint8_t)(i * 7 + 1);
    return d;
}

static struct fake_disk *disk_a, *disk_ro;

static void setup(void)
{
    if (disk_a)
        return;
    disk_a = new_disk(false);
    disk_ro = new_disk(true);
    CHECK(blk_register(&disk_a->dev) == 0);
    CHECK(blk_register(&disk_ro->dev) == 0);
}

TEST(blk_checks_refuse_what_a_driver_must_never_see)
{
    struct blk_info i = {.sectors = 100, .sector_size = 512,
                         .max_in_flight = 1, .max_bytes = 8192};
    char buf[1024];
    struct blk_request r = {.op = BLK_READ, .sector = 99, .buf = buf,
                            .bytes = 512};

    CHECK(blk_check_request(&i, &r) == 0);
    r.bytes = 1024; /* one sector past the end */
    CHECK(blk_check_request(&i, &r) == -EINVAL);
    r.sector = UINT64_MAX; /* wraps */
    CHECK(blk_check_request(&i, &r) == -EINVAL);
    r = (struct blk_request){.op = BLK_READ, .buf = buf, .bytes = 100};
    CHECK(blk_check_request(&i, &r) == -EINVAL); /* not whole sectors */
    r.bytes = 0;
    CHECK(blk_check_request(&i, &r) == -EINVAL);
    r = (struct blk_request){.op = BLK_DISCARD, .sector = 1, .count = 1};
    CHECK(blk_check_request(&i, &r) == -EOPNOTSUPP);
    r.op = (enum blk_op)77;
    CHECK(blk_check_request(&i, &r) == -EINVAL);
    i.read_only = true;
    r = (struct blk_request){.op = BLK_WRITE, .buf = buf, .bytes = 512};
    CHECK(blk_check_request(&i, &r) == -EROFS);
    i.sector_size = 1000;
    CHECK(blk_check_info(&i) == -EINVAL);
    i.sector_size = 512;
    i.sectors = 0;
    CHECK(blk_check_info(&i) == -EINVAL);
}

TEST(blk_names_disks_in_order_and_splits_at_the_device_limit)
{
    static uint8_t buf[16384];

    setup();
    CHECK(blk_count() >= 2 && blk_find("vda") == &disk_a->dev);
    CHECK(blk_find("vdb") == &disk_ro->dev && blk_find("vdz") == NULL);
    disk_a->max_seen = 0;
    CHECK(blk_read(&disk_a->dev, 0, buf, sizeof(buf)) == 0);
    CHECK(disk_a->max_seen == 4096); /* 16 KiB in four requests */
    CHECK(!memcmp(buf, disk_a->data, sizeof(buf)));
    CHECK(blk_write(&disk_ro->dev, 0, buf, 512) == -EROFS);
    CHECK(blk_read(&disk_a->dev, SECTORS, buf, 512) == -EINVAL);
    CHECK(disk_a->dev.in_flight == 0);
}

TEST(blk_device_file_reads_and_writes_any_offset_and_length)
{
    uint8_t want[3000], got[3000];
    int fd;

    setup();
    fd = devfs_open("/dev/vda", O_RDWR);
    CHECK(fd >= 0);
    for (unsigned i = 0; i < sizeof(want); i++)
        want[i] = (uint8_t)(255 - i % 251);
    CHECK(fd_lseek(fd, 700, SEEK_SET) == 700);
    CHECK(fd_write(fd, want, sizeof(want)) == (long)sizeof(want));
    CHECK(!memcmp(disk_a->data + 700, want, sizeof(want)));
    CHECK(disk_a->data[699] == (uint8_t)(699 * 7 + 1)); /* neighbours kept */
    CHECK(disk_a->data[3700] == (uint8_t)(3700 * 7 + 1));
    CHECK(fd_lseek(fd, 700, SEEK_SET) == 700);
    CHECK(fd_read(fd, got, sizeof(got)) == (long)sizeof(got));
    CHECK(!memcmp(got, want, sizeof(got)));
    /* at the end: a short read, then 0; a write there is ENOSPC */
    CHECK(fd_lseek(fd, -10, SEEK_END) == SECTORS * 512 - 10);
    CHECK(fd_read(fd, got, 100) == 10 && fd_read(fd, got, 100) == 0);
    CHECK(fd_write(fd, got, 1) == -ENOSPC);
    CHECK(fd_sync(fd) == 0);
    CHECK(fd_close(fd) == 0);
    CHECK(devfs_open("/dev/vdb", O_RDWR) == -EROFS);
    fd = devfs_open("/dev/vdb", O_RDONLY);
    CHECK(fd >= 0 && fd_write(fd, got, 1) == -EBADF);
    fd_close(fd);
    CHECK(devfs_open("/dev/nothing", O_RDONLY) == -ENOENT);
}

TEST(blk_disk_that_never_answers_times_out_and_is_stopped)
{
    struct fake_disk *d = new_disk(false);
    uint8_t buf[512];

    CHECK(blk_register(&d->dev) == 0);
    d->silent = 1;
    log_clear();
    CHECK(blk_read(&d->dev, 0, buf, 512) == -ETIMEDOUT);
    CHECK(d->stops == 1 && d->nheld == 0 && d->dev.in_flight == 0);
    CHECK(log_contains("device stopped"));
    CHECK(blk_read(&d->dev, 0, buf, 512) == -EIO);
    CHECK(blk_flush(&d->dev) == -EIO);
    CHECK(d->stops == 1); /* one stop, one line */
}

/* A range past what one request may carry is split (it was once cut to
 * 32 bits and reported done). */
TEST(blk_range_operations_split_at_the_device_limit)
{
    struct fake_disk *d;
    struct blk_request r = {.op = BLK_WRITE_ZEROES, .sector = 0, .count = 6};

    setup();
    d = disk_a;
    d->dev.info.can_write_zeroes = true;
    d->dev.info.max_write_zeroes = 5;
    d->max_count = 0;
    CHECK(blk_write_zeroes(&d->dev, 3, 12) == 0);
    CHECK(d->max_count == 5);
    for (unsigned i = 3 * 512; i < 15 * 512; i++)
        if (d->data[i])
            CHECK(!"a sector in the range was not zeroed");
    CHECK(d->data[15 * 512] != 0 && d->data[3 * 512 - 1] != 0);
    CHECK(blk_submit(&d->dev, &r) == -EINVAL); /* one request: the limit */
    CHECK(blk_write_zeroes(&d->dev, 0, 0) == -EINVAL);
    CHECK(blk_discard(&d->dev, 0, 1) == -EOPNOTSUPP);
    d->dev.info.can_write_zeroes = false;
}

TEST(blk_device_errors_reach_the_caller)
{
    uint8_t buf[512];

    setup();
    disk_a->fail_status = -EIO;
    CHECK(blk_read(&disk_a->dev, 0, buf, 512) == -EIO);
    disk_a->fail_status = 0;
    CHECK(blk_read(&disk_a->dev, 0, buf, 512) == 0);
}

void sched_add_wake_source(void)
{
}

struct thread *thread_create(const char *name, void *(*fn)(void *), void *arg,
                             size_t stack)
{
    (void)name, (void)fn, (void)arg, (void)stack;
    return (struct thread *)1; /* the watchdog: the tests call its check */
}

void mutex_lock(struct mutex *m)
{
    CHECK(m->owner == NULL); /* never taken twice: one thread here */
    m->owner = (struct thread *)1;
}

void mutex_unlock(struct mutex *m)
{
    CHECK(m->owner != NULL);
    m->owner = NULL;
}

void thread_detach(struct thread *t)
{
    (void)t;
}

void thread_sleep_ns(uint64_t ns)
{
    (void)ns;
}

/* An asynchronous request to a silent disk: no waiter times it out, the
 * watchdog does, which stops the disk and fails the request. */
TEST(blk_watchdog_fails_an_asynchronous_request_the_disk_never_completes)
{
    struct fake_disk *d = new_disk(false);
    uint8_t buf[512];
    struct blk_request r = {.op = BLK_READ, .buf = buf, .bytes = 512};

    CHECK(blk_register(&d->dev) == 0);
    d->silent = 1;
    r.done = NULL;
    CHECK(blk_submit(&d->dev, &r) == 0 && d->dev.in_flight == 1);
    blk_watchdog_check(d->dev.progress_ns + CONFIG_BLK_TIMEOUT_MS * 1000000ull);
    CHECK(d->stops == 0); /* not yet: exactly the timeout */
    blk_watchdog_check(d->dev.progress_ns + CONFIG_BLK_TIMEOUT_MS * 1000000ull + 1);
    CHECK(d->stops == 1 && r.status == -EIO && d->dev.in_flight == 0);
    CHECK(blk_read(&d->dev, 0, buf, 512) == -EIO);
}
