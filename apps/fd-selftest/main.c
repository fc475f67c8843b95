/*
 * fd-selftest: the descriptor table through the POSIX calls, as TAP (the
 * exit status is the number of failures).  Boot it with one module of at
 * least 64 bytes: it is read as /modules/0.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/select.h>
#include <sys/stat.h>
#include <tern/arch.h>
#include <tern/file.h>
#include <tern/pc.h>
#include <tern/tap.h>
#include <tern/thread.h>
#include <tern/time.h>
#include <tern/xen.h>
#include <unistd.h>

#define MS 1000000ull



static uint64_t since_ms(uint64_t t0)
{
    return (clock_monotonic_ns() - t0) / MS;
}

static void test_bad_descriptors(void)
{
    char buf[4];
    struct stat st;

    tap_ok(read(77, buf, 4) == -1 && errno == EBADF, "read on a closed fd: EBADF");
    tap_ok(write(-3, buf, 4) == -1 && errno == EBADF, "write on fd -3: EBADF");
    tap_ok(close(1000000) == -1 && errno == EBADF, "close(1000000): EBADF");
    tap_ok(fstat(512, &st) == -1 && errno == EBADF, "fstat on a closed fd: EBADF");
    tap_ok(fcntl(99, F_GETFL) == -1 && errno == EBADF, "fcntl on a closed fd: EBADF");
    tap_ok(dup2(99, 5) == -1 && errno == EBADF, "dup2 from a closed fd: EBADF");
}

static void test_module_files(void)
{
    unsigned char a[16], b[16];
    int fd = open("/modules/0", O_RDONLY), d, e;
    struct stat st;

    tap_ok(fd >= 3 && fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
           st.st_size >= 64,
       "a boot module opens as a regular file");
    d = dup(fd);
    tap_ok(d > fd && read(fd, a, 16) == 16 && read(d, b, 16) == 16 &&
           lseek(fd, 0, SEEK_CUR) == 32,
       "dup shares the file position");
    e = dup2(fd, 50);
    tap_ok(e == 50 && close(fd) == 0 && lseek(50, 0, SEEK_SET) == 0 &&
           read(50, b, 16) == 16 && !memcmp(a, b, 16),
       "dup2 to 50; closing the first keeps the file open");
    tap_ok(write(50, "x", 1) == -1 && errno == EBADF,
       "a module file is read-only: EBADF on write");
    close(d);
    close(50);
    tap_ok(read(50, b, 1) == -1 && errno == EBADF, "closed for good");
}

static void test_console(void)
{
    struct stat st;
    int mod = open("/modules/0", O_RDONLY);

    tap_ok((fcntl(1, F_GETFL) & O_ACCMODE) == O_RDWR &&
               (fcntl(mod, F_GETFL) & O_ACCMODE) == O_RDONLY,
           "F_GETFL: the console is O_RDWR, a module O_RDONLY");
    close(mod);

    tap_ok(isatty(1) && isatty(2) && fstat(1, &st) == 0 && S_ISCHR(st.st_mode),
       "stdout and stderr are the console");
    tap_ok(write(1, "# console write\n", 16) == 16, "write(1) reaches the console");
}

static void test_nonblocking_and_timeouts(void)
{
    int efd = eventfd(0, 0);
    uint64_t v, t0;
    struct pollfd p;
    fd_set r;
    struct timeval tv = {0, 30000};

    tap_ok(efd >= 0 && fcntl(efd, F_SETFL, O_NONBLOCK) == 0 &&
           (fcntl(efd, F_GETFL) & O_NONBLOCK),
       "fcntl sets O_NONBLOCK");
    tap_ok(read(efd, &v, 8) == -1 && errno == EAGAIN,
       "a non-blocking read with nothing there: EAGAIN");
    p = (struct pollfd){efd, POLLIN, 0};
    t0 = clock_monotonic_ns();
    tap_ok(poll(&p, 1, 30) == 0 && p.revents == 0 && since_ms(t0) >= 30,
       "poll on nothing times out after its 30 ms");
    FD_ZERO(&r);
    FD_SET(efd, &r);
    t0 = clock_monotonic_ns();
    tap_ok(select(efd + 1, &r, NULL, NULL, &tv) == 0 && !FD_ISSET(efd, &r) &&
           since_ms(t0) >= 30,
       "select on nothing times out after its 30 ms");
    close(efd);
}

static int late_efd;

static void *write_at_600ms(void *arg)
{
    (void)arg;
    thread_sleep_ns(600 * MS);
    eventfd_write(late_efd, 1);
    return NULL;
}

/* 18446744074 s is past what 64 bits of ns hold: it wrapped to 290 ms. */
static void test_select_huge_timeout(void)
{
    struct timeval tv = {18446744074LL, 0};
    struct thread *t;
    fd_set r;
    int n;

    late_efd = eventfd(0, EFD_NONBLOCK);
    FD_ZERO(&r);
    FD_SET(late_efd, &r);
    t = thread_create("late", write_at_600ms, NULL, 0);
    n = select(late_efd + 1, &r, NULL, NULL, &tv);
    tap_ok(n == 1 && FD_ISSET(late_efd, &r),
       "select with a timeout of 18446744074 s waits for the descriptor");
    thread_join(t, NULL);
    close(late_efd);
}

/* A file whose peer has hung up, as a socket's would be: readable at
 * end of file, nothing exceptional about it. */
static unsigned hung_up_poll(struct file *f)
{
    (void)f;
    return FILE_HANGUP;
}

static const struct file_ops hung_up_ops = {.poll = hung_up_poll};

/* POSIX: exceptfds holds pending exceptional conditions (out-of-band
 * data), which none of our files has; a hang-up or an error shows in
 * readfds and writefds. */
static void test_select_exceptfds_only(void)
{
    struct file *f = file_new(&hung_up_ops, NULL);
    int fd = f ? fd_install(f) : -1;
    struct timeval tv = {0, 30000};
    uint64_t t0 = clock_monotonic_ns();
    fd_set e, r;
    int n;

    FD_ZERO(&e);
    FD_SET(1, &e);
    FD_SET(fd, &e);
    n = select(fd + 1, NULL, NULL, &e, &tv);
    tap_ok(fd >= 0 && n == 0 && since_ms(t0) >= 30 && !FD_ISSET(fd, &e) &&
               !FD_ISSET(1, &e),
           "select with only exceptfds (console, a hung-up file) waits out "
           "its 30 ms");
    FD_ZERO(&r);
    FD_SET(fd, &r);
    tap_ok(select(fd + 1, &r, NULL, &e, &tv) == 1 && FD_ISSET(fd, &r),
           "the hung-up file is readable in readfds at once");
    FD_ZERO(&e);
    FD_SET(60, &e);
    errno = 0;
    tap_ok(select(61, NULL, NULL, &e, &tv) == -1 && errno == EBADF,
           "a closed descriptor in exceptfds alone: EBADF");
    close(fd);
}

static void test_mixed_poll(void)
{
    int mod = open("/modules/0", O_RDONLY), efd = eventfd(0, EFD_NONBLOCK);
    struct pollfd p[4] = {
        {1, POLLOUT, 0}, {mod, POLLIN, 0}, {efd, POLLIN, 0}, {-1, POLLIN, 0},
    };

    tap_ok(poll(p, 4, 0) == 2 && p[0].revents == POLLOUT &&
           p[1].revents == POLLIN && p[2].revents == 0 && p[3].revents == 0,
       "console, a module file and an eventfd in one poll");
    close(efd);
    tap_ok(poll(p, 4, 0) == 3 && p[2].revents == POLLNVAL,
       "a closed descriptor polls as POLLNVAL");
    close(mod);
}

static int blocked_efd;

static void *wake_reader(void *arg)
{
    (void)arg;
    thread_sleep_ns(10 * MS);
    eventfd_write(blocked_efd, 5);
    return NULL;
}

static void test_blocking_read_woken_by_thread(void)
{
    struct thread *t;
    eventfd_t v = 0;
    uint64_t t0 = clock_monotonic_ns();

    blocked_efd = eventfd(0, 0);
    t = thread_create("writer", wake_reader, NULL, 0);
    tap_ok(eventfd_read(blocked_efd, &v) == 0 && v == 5 && since_ms(t0) >= 10,
       "a blocking read sleeps until another thread writes");
    thread_join(t, NULL);
    close(blocked_efd);
}

/* The RTC's periodic interrupt writes an eventfd that main polls with no
 * timeout: an interrupt wakes a thread blocked in poll(). */
static int rtc_efd;
static volatile unsigned rtc_ticks;

static void rtc_tick(void *arg)
{
    (void)arg;
    if (++rtc_ticks == 4)
        eventfd_write(rtc_efd, 1);
}

static void test_poll_woken_by_interrupt(void)
{
    char why[96];
    struct pollfd p;
    int r;

    if (cmos_rtc_second(clock_monotonic_ns) < 0 || xen_present()) {
        tap_skip("an interrupt wakes a thread in poll()",
                 xen_present() ? "Xen owns the RTC" : "no RTC");
        return;
    }
    rtc_efd = eventfd(0, EFD_NONBLOCK);
    if (rtc_periodic_start(rtc_tick, NULL, why, sizeof(why))) {
        printf("# %s\n", why);
        tap_ok(0, "RTC interrupt routed");
        return;
    }
    sched_add_wake_source();
    p = (struct pollfd){rtc_efd, POLLIN, 0};
    r = poll(&p, 1, -1);
    rtc_periodic_stop();
    sched_remove_wake_source();
    tap_ok(r == 1 && p.revents == POLLIN && rtc_ticks >= 4,
       "an interrupt wakes a thread blocked in poll() with no timeout");
    close(rtc_efd);
}

static void test_table_full(void)
{
    static int fds[4096];
    int n = 0, last_errno = 0, closed = 1;

    while (n < 4096) {
        int fd = eventfd(0, 0);

        if (fd < 0) {
            last_errno = errno;
            break;
        }
        fds[n++] = fd;
    }
    for (int i = 0; i < n; i++)
        closed &= close(fds[i]) == 0;
    printf("# %d eventfds opened before the table was full\n", n);
    tap_ok(last_errno == EMFILE && n > 16 && closed,
       "a full descriptor table is EMFILE, and every descriptor closes");
    tap_ok(eventfd(0, 0) == 3, "then the lowest descriptor is free again");
    close(3);
}

int main(void)
{
    printf("TAP version 13\n");
    test_bad_descriptors();
    test_module_files();
    test_console();
    test_nonblocking_and_timeouts();
    test_select_huge_timeout();
    test_select_exceptfds_only();
    test_mixed_poll();
    test_blocking_read_woken_by_thread();
    test_poll_woken_by_interrupt();
    test_table_full();
    return tap_done();
}
