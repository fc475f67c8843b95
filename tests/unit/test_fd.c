/* The descriptor table: lowest free descriptors, shared files with
 * reference counts, errors for bad descriptors, blocking through the
 * scheduler's wait, poll over eventfds.  The scheduler is a stand-in. */
#include <errno.h>
#include <string.h>
#include <tern/config.h>
#include <tern/file.h>
#include <tern/sched.h>
#include "test.h"

/* --- the scheduler, as seen by lib/fd --- */
static int waits, wakes;
static void (*while_waiting)(void); /* "another thread" runs meanwhile */
int sched_stub_times_out; /* test.h */

int sched_wait(struct runq *q, uint64_t deadline)
{
    (void)q;
    (void)deadline;
    waits++;
    if (while_waiting) {
        void (*run)(void) = while_waiting;

        while_waiting = 0;
        run();
        return 0;
    }
    return sched_stub_times_out ? SCHED_TIMED_OUT : 0;
}

static uint64_t last_timeout_ns;

uint64_t thread_deadline(uint64_t ns)
{
    last_timeout_ns = ns;
    return 1000 + ns;
}

struct thread *sched_wake_one(struct runq *q)
{
    (void)q;
    wakes++;
    return NULL;
}

/* --- a file whose reads block until "data" arrives --- */
static int released, available;

static long pipe_read(struct file *f, void *buf, unsigned long n)
{
    (void)f;
    if (!available)
        return -EAGAIN;
    memset(buf, 'x', n);
    available = 0;
    return (long)n;
}

static void pipe_release(struct file *f)
{
    (void)f;
    released++;
}

static const struct file_ops pipe_ops = {
    .read = pipe_read, .release = pipe_release,
};

static void close_all(void)
{
    for (int fd = 0; fd < CONFIG_FD_MAX; fd++)
        fd_close(fd);
}

TEST(fd_install_takes_the_lowest_free_and_fails_with_emfile)
{
    struct file *f = file_new(&pipe_ops, 0);
    int fd0 = fd_install(f), full = 1;

    close_all();
    released = 0;
    f = file_new(&pipe_ops, 0);
    fd0 = fd_install(f);
    CHECK(fd0 == 0);
    for (int i = 1; i < CONFIG_FD_MAX; i++)
        full &= fd_dup(0, 0) == i;
    CHECK(full);
    CHECK(fd_dup(0, 0) == -EMFILE);
    CHECK(fd_close(7) == 0 && fd_dup(0, 0) == 7);
    close_all();
    CHECK(released == 1); /* once, at the last close */
}

TEST(fd_bad_descriptors_are_ebadf_never_a_crash)
{
    char buf[4];
    struct file_stat st;
    struct fd_poll p = {CONFIG_FD_MAX + 5, FILE_READABLE, 0};

    close_all();
    CHECK(fd_read(-1, buf, 4) == -EBADF && fd_read(3, buf, 4) == -EBADF);
    CHECK(fd_write(CONFIG_FD_MAX, buf, 4) == -EBADF);
    CHECK(fd_write(1 << 30, buf, 4) == -EBADF);
    CHECK(fd_close(0) == -EBADF && fd_stat(5, &st) == -EBADF);
    CHECK(fd_lseek(2, 0, 0) == -EBADF && fd_dup(9, 0) == -EBADF);
    CHECK(fd_dup2(9, 1) == -EBADF && fd_set_flags(3, 0) == -EBADF);
    CHECK(fd_poll(&p, 1, 0) == 1 && p.got == FD_POLL_INVALID);
}

TEST(fd_dup2_shares_the_file_and_replaces_the_target)
{
    int a, b;

    close_all();
    released = 0;
    a = fd_install(file_new(&pipe_ops, 0));
    b = fd_install(file_new(&pipe_ops, 0));
    CHECK(fd_dup2(a, b) == b && released == 1); /* b's old file went */
    CHECK(fd_file(a) == fd_file(b) && fd_file(a)->refs == 2);
    CHECK(fd_dup2(a, a) == a && fd_file(a)->refs == 2);
    CHECK(fd_dup2(a, -1) == -EBADF && fd_dup2(a, CONFIG_FD_MAX) == -EBADF);
    CHECK(fd_write(a, "x", 1) == -EBADF); /* no write operation */
    close_all();
    CHECK(released == 2);
}

static void data_arrives(void)
{
    available = 1;
}

TEST(fd_blocking_read_waits_until_notified_nonblocking_gets_eagain)
{
    char buf[8];
    int fd;

    close_all();
    fd = fd_install(file_new(&pipe_ops, 0));
    available = 0;
    waits = 0;
    while_waiting = data_arrives;
    CHECK(fd_read(fd, buf, 8) == 8 && waits == 1 && buf[7] == 'x');
    CHECK(fd_set_flags(fd, FILE_NONBLOCK) == 0);
    CHECK(fd_read(fd, buf, 8) == -EAGAIN && waits == 1);
    CHECK(fd_get_flags(fd) == FILE_NONBLOCK);
    close_all();
}

static int blocked_fd;

static void closes_the_descriptor(void)
{
    fd_close(blocked_fd);
}

TEST(fd_close_while_another_thread_is_blocked_on_it)
{
    char buf[8];

    close_all();
    released = 0;
    available = 0;
    blocked_fd = fd_install(file_new(&pipe_ops, 0));
    while_waiting = closes_the_descriptor;
    CHECK(fd_read(blocked_fd, buf, 8) == -EBADF);
    CHECK(released == 1 && fd_file(blocked_fd) == NULL);
}

TEST(eventfd_counts_polls_and_refuses_overflow)
{
    int fd;
    uint64_t v = 0;
    struct fd_poll p;

    close_all();
    fd = eventfd_open(0, 0, FILE_NONBLOCK);
    CHECK(fd == 0);
    p = (struct fd_poll){fd, FILE_READABLE | FILE_WRITABLE, 0};
    sched_stub_times_out = 1;
    CHECK(fd_poll(&p, 1, 0) == 1 && p.got == FILE_WRITABLE);
    CHECK(fd_read(fd, &v, 8) == -EAGAIN);
    CHECK(fd_read(fd, &v, 4) == -EINVAL);
    v = 3;
    CHECK(fd_write(fd, &v, 8) == 8 && fd_write(fd, &v, 8) == 8);
    p.want = FILE_READABLE;
    CHECK(fd_poll(&p, 1, 0) == 1 && p.got == FILE_READABLE);
    CHECK(fd_read(fd, &v, 8) == 8 && v == 6);
    v = UINT64_MAX;
    CHECK(fd_write(fd, &v, 8) == -EINVAL);
    v = UINT64_MAX - 1;
    CHECK(fd_write(fd, &v, 8) == 8);
    v = 1;
    CHECK(fd_write(fd, &v, 8) == -EAGAIN); /* would overflow */
    p.want = FILE_WRITABLE;
    CHECK(fd_poll(&p, 1, 0) == 0 && p.got == 0); /* timed out */
    sched_stub_times_out = 0;
    close_all();
}

TEST(eventfd_semaphore_mode_reads_one_at_a_time)
{
    int fd;
    uint64_t v;

    close_all();
    fd = eventfd_open(2, 1, FILE_NONBLOCK);
    CHECK(fd_read(fd, &v, 8) == 8 && v == 1);
    CHECK(fd_read(fd, &v, 8) == 8 && v == 1);
    CHECK(fd_read(fd, &v, 8) == -EAGAIN);
    close_all();
}

TEST(fd_poll_ignores_negative_descriptors_and_masks_to_what_was_asked)
{
    struct fd_poll p[2];
    int fd;

    close_all();
    fd = eventfd_open(1, 0, 0);
    p[0] = (struct fd_poll){-1, FILE_READABLE, 99};
    p[1] = (struct fd_poll){fd, FILE_WRITABLE, 0};
    CHECK(fd_poll(p, 2, 0) == 1 && p[0].got == 0 && p[1].got == FILE_WRITABLE);
    close_all();
}

/* Two threads blocked reading one descriptor that a third closes: both
 * get EBADF (a reader that waited again after the close gets the data
 * the last step leaves, and the check fails instead of hanging). */
static int second_result;

static void data_if_still_waiting(void)
{
    available = 1;
}

static void close_then_data(void)
{
    while_waiting = data_if_still_waiting;
    fd_close(blocked_fd);
}

static void second_reader_blocks(void)
{
    char buf[8];

    while_waiting = close_then_data;
    second_result = (int)fd_read(blocked_fd, buf, 8);
    if (while_waiting == data_if_still_waiting)
        while_waiting = 0;
}

TEST(fd_close_while_two_threads_are_blocked_on_it)
{
    char buf[8];
    int first;

    close_all();
    released = 0;
    available = 0;
    blocked_fd = fd_install(file_new(&pipe_ops, 0));
    while_waiting = second_reader_blocks;
    first = (int)fd_read(blocked_fd, buf, 8);
    while_waiting = 0;
    CHECK(first == -EBADF && second_result == -EBADF);
    CHECK(released == 1 && fd_file(blocked_fd) == NULL);
}

/* dup2 over a descriptor a thread is blocked on closes it the same way:
 * the blocked thread is woken (without the wake it sleeps for ever). */
static int dup2_woke;

static void dup2_over_the_descriptor(void)
{
    int before = wakes;

    while_waiting = data_if_still_waiting;
    fd_dup2(0, blocked_fd);
    dup2_woke = wakes > before;
}

TEST(fd_dup2_over_a_descriptor_a_thread_is_blocked_on)
{
    char buf[8];

    close_all();
    released = 0;
    available = 0;
    fd_install(file_new(&pipe_ops, 0)); /* 0: what replaces it */
    blocked_fd = fd_install(file_new(&pipe_ops, 0));
    while_waiting = dup2_over_the_descriptor;
    CHECK(fd_read(blocked_fd, buf, 8) == -EBADF && dup2_woke);
    while_waiting = 0;
    CHECK(released == 1);
    close_all();
}

/* POLLRDNORM and POLLWRNORM (0x40, 0x100) mean readable and writable
 * here: asked for alone, they are reported, not waited on for ever. */
TEST(fd_poll_reports_the_normal_data_bits_as_asked)
{
    struct fd_poll p;
    int fd;

    close_all();
    fd = eventfd_open(1, 0, FILE_NONBLOCK);
    p = (struct fd_poll){fd, 0x40 | 0x100, 0};
    sched_stub_times_out = 1;
    CHECK(fd_poll(&p, 1, 0) == 1 && p.got == (0x40 | 0x100));
    p = (struct fd_poll){fd, 0x40 | FILE_READABLE, 0};
    CHECK(fd_poll(&p, 1, 0) == 1 && p.got == (0x40 | FILE_READABLE));
    sched_stub_times_out = 0;
    close_all();
}

/* --- a socket-like file that takes at most 3 bytes a write and has no
 * room every other call --- */
static char sink[64];
static unsigned sunk, sink_calls;

static long trickle_write(struct file *f, const void *buf, unsigned long n)
{
    (void)f;
    if (sink_calls++ % 2)
        return -EAGAIN;
    n = n > 3 ? 3 : n;
    memcpy(sink + sunk, buf, n);
    sunk += (unsigned)n;
    return (long)n;
}

static const struct file_ops trickle_ops = {.write = trickle_write};

/* POSIX: a blocking write to a socket returns when all of it is written;
 * before, a write gave back the first 3 bytes and the app lost the rest
 * unless it looped. */
TEST(fd_blocking_write_goes_on_until_every_byte_is_written)
{
    int fd;

    close_all();
    fd = fd_install(file_new(&trickle_ops, 0));
    sunk = sink_calls = 0;
    waits = 0;
    sched_stub_times_out = 0;
    CHECK(fd_write(fd, "0123456789", 10) == 10);
    CHECK(sunk == 10 && memcmp(sink, "0123456789", 10) == 0 && waits == 3);
    /* non-blocking: what fits now, then EAGAIN */
    fd_set_flags(fd, FILE_NONBLOCK);
    sunk = sink_calls = 0;
    CHECK(fd_write(fd, "abcdef", 6) == 3);
    CHECK(fd_write(fd, "def", 3) == -EAGAIN && sunk == 3);
    close_all();
}

TEST(fd_timeouts_bound_waits_and_keep_what_was_written)
{
    char buf[4];
    struct file *f;
    int fd;

    close_all();
    fd = fd_install(file_new(&trickle_ops, 0));
    f = fd_file(fd);
    f->timeout_ns[1] = 5000000;
    sunk = sink_calls = 0;
    sched_stub_times_out = 1;
    CHECK(fd_write(fd, "0123456789", 10) == 3 && last_timeout_ns == 5000000);
    sink_calls = 1;
    CHECK(fd_write(fd, "0123", 4) == -EAGAIN); /* nothing went: EAGAIN */
    fd = fd_install(file_new(&pipe_ops, 0));
    fd_file(fd)->timeout_ns[0] = 7000;
    available = 0;
    CHECK(fd_read(fd, buf, 4) == -EAGAIN && last_timeout_ns == 7000);
    sched_stub_times_out = 0;
    close_all();
}
