/*
 * The system calls newlib (built with --disable-newlib-supplied-syscalls)
 * expects, under their plain names.  stdin is empty, stdout and stderr go
 * to the console, boot modules are read-only files, anything else fails
 * with an errno - never a crash.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/times.h>
#include <tern/config.h>
#include <tern/console.h>
#include <tern/exit.h>
#include <tern/format.h>
#include <tern/heap.h>
#include <tern/libc.h>
#include <tern/log.h>
#include <tern/mm.h>
#include <tern/modfs.h>
#include <tern/thread.h>
#include <tern/time.h>
#include <time.h>
#include <unistd.h>

#define FIRST_FILE_FD 3

extern char **environ;
static struct modfs fs;
static struct heap heap;
static char describe[96];

static int fail(int err)
{
    errno = err;
    return -1;
}

/* Result of a modfs call: the value, or -1 with errno. */
static long check(long r)
{
    return r < 0 ? fail((int)-r) : r;
}

static void heap_init(void)
{
    uint64_t pages = mm_pages()->free_pages * CONFIG_LIBC_HEAP_PERCENT / 100;
    uint64_t at = 0;

    while (pages && !(at = page_alloc(pages)))
        pages /= 2;
    heap = (struct heap){at, at, at + pages * PAGE_SIZE, at};
}

/* "/modules/<n>" for each module, and the first word of its cmdline. */
static void add_module_files(const struct boot_info *bi)
{
    for (unsigned i = 0; i < bi->nr_modules && i < BOOT_MAX_MODULES; i++) {
        const struct boot_module *m = &bi->modules[i];
        const uint8_t *data = (const uint8_t *)(uintptr_t)m->paddr;
        char name[MODFS_NAME_MAX];
        size_t len = strcspn(m->cmdline, " \t");

        if (!m->present)
            continue;
        tern_snprintf(name, sizeof(name), "/modules/%u", i);
        modfs_add(&fs, name, data, m->size);
        if (len && len < sizeof(name)) {
            memcpy(name, m->cmdline, len);
            name[len] = 0;
            if (modfs_add(&fs, name, data, m->size))
                pr_warn("libc: module %u: name '%s' not usable as a file",
                        i, name);
        }
    }
}

void libc_init(const struct boot_info *bi, char **env)
{
    environ = env;
    libc_threads_init();
    heap_init();
    modfs_init(&fs);
    add_module_files(bi);
    tern_snprintf(describe, sizeof(describe),
                  "newlib, heap %llu KiB at 0x%llx, %u file(s)",
                  (unsigned long long)((heap.end - heap.start) / 1024),
                  (unsigned long long)heap.start, fs.nfiles);
}

uint64_t libc_heap_peak(void)
{
    return heap.peak - heap.start;
}

const char *libc_describe(void)
{
    return describe;
}

void *sbrk(ptrdiff_t incr)
{
    uintptr_t old;

    if (heap_move(&heap, incr, &old))
        return (void *)(intptr_t)fail(incr > 0 ? ENOMEM : EINVAL);
    return (void *)old;
}

int write(int fd, const void *buf, size_t n)
{
    if (fd == 1 || fd == 2) {
        console_write(buf, n);
        return (int)n;
    }
    return fail(EBADF); /* files are read-only, stdin is not for writing */
}

int read(int fd, void *buf, size_t n)
{
    if (fd == 0)
        return 0; /* no input: end of file */
    return (int)check(modfs_read(&fs, fd - FIRST_FILE_FD, buf, n));
}

int open(const char *path, int flags, ...)
{
    long fd = check(modfs_open(&fs, path, flags));

    return fd < 0 ? -1 : (int)fd + FIRST_FILE_FD;
}

int close(int fd)
{
    if (fd >= 0 && fd < FIRST_FILE_FD)
        return 0;
    return (int)check(modfs_close(&fs, fd - FIRST_FILE_FD));
}

off_t lseek(int fd, off_t off, int whence)
{
    if (fd >= 0 && fd < FIRST_FILE_FD)
        return fail(ESPIPE);
    return (off_t)check((long)modfs_lseek(&fs, fd - FIRST_FILE_FD, off,
                                          whence));
}

static void fill_stat(struct stat *st, mode_t mode, uint64_t size)
{
    memset(st, 0, sizeof(*st));
    st->st_mode = mode;
    st->st_size = (off_t)size;
    st->st_nlink = 1;
    st->st_blksize = 4096;
}

int fstat(int fd, struct stat *st)
{
    uint64_t size;

    if (fd >= 0 && fd < FIRST_FILE_FD) {
        fill_stat(st, S_IFCHR | 0620, 0);
        return 0;
    }
    if (check(modfs_fsize(&fs, fd - FIRST_FILE_FD, &size)) < 0)
        return -1;
    fill_stat(st, S_IFREG | 0444, size);
    return 0;
}

int stat(const char *path, struct stat *st)
{
    uint64_t size;

    if (check(modfs_size(&fs, path, &size)) < 0)
        return -1;
    fill_stat(st, S_IFREG | 0444, size);
    return 0;
}

int isatty(int fd)
{
    if (fd >= 0 && fd < FIRST_FILE_FD)
        return 1;
    return fail(ENOTTY) + 1; /* 0 with errno */
}

void _exit(int status)
{
    tern_exit(status);
}

int getpid(void)
{
    return 1;
}

int kill(int pid, int sig)
{
    (void)pid;
    (void)sig;
    return fail(ENOSYS); /* abort() then calls _exit(1) */
}

int gettimeofday(struct timeval *tv, void *tz)
{
    uint64_t ns = clock_wall_ns();

    (void)tz;
    if (tv) {
        tv->tv_sec = (time_t)(ns / 1000000000ull);
        tv->tv_usec = (suseconds_t)(ns % 1000000000ull / 1000);
    }
    return 0;
}

int clock_gettime(clockid_t id, struct timespec *ts)
{
    uint64_t ns;

    if (id == CLOCK_MONOTONIC)
        ns = clock_monotonic_ns();
    else if (id == CLOCK_REALTIME)
        ns = clock_wall_ns();
    else
        return fail(EINVAL);
    ts->tv_sec = (time_t)(ns / 1000000000ull);
    ts->tv_nsec = (long)(ns % 1000000000ull);
    return 0;
}

clock_t times(struct tms *buf)
{
    clock_t ticks = (clock_t)(clock_monotonic_ns() / (1000000000ull / CLK_TCK));

    if (buf)
        *buf = (struct tms){ticks, 0, 0, 0};
    return ticks;
}

int link(const char *old, const char *new)
{
    (void)old;
    (void)new;
    return fail(ENOSYS);
}

int unlink(const char *path)
{
    (void)path;
    return fail(EROFS);
}

/* No processes: what newlib declares for them fails cleanly. */
int fork(void)
{
    return fail(ENOSYS);
}

int execve(const char *path, char *const argv[], char *const envp[])
{
    (void)path;
    (void)argv;
    (void)envp;
    return fail(ENOSYS);
}

int wait(int *status)
{
    (void)status;
    return fail(ENOSYS);
}

/* Sleeping is the scheduler's: the CPU halts until the timer, other
 * threads run meanwhile. */
int nanosleep(const struct timespec *req, struct timespec *rem)
{
    if (!req || req->tv_sec < 0 || req->tv_nsec < 0 ||
        req->tv_nsec >= 1000000000L)
        return fail(EINVAL);
    thread_sleep_ns((uint64_t)req->tv_sec * 1000000000ull +
                    (uint64_t)req->tv_nsec);
    if (rem)
        *rem = (struct timespec){0, 0};
    return 0;
}

int usleep(useconds_t us)
{
    thread_sleep_ns((uint64_t)us * 1000ull);
    return 0;
}

unsigned sleep(unsigned seconds)
{
    thread_sleep_ns((uint64_t)seconds * 1000000000ull);
    return 0;
}

int sched_yield(void)
{
    thread_yield();
    return 0;
}
