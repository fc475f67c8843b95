/*
 * The system calls newlib (built with --disable-newlib-supplied-syscalls)
 * expects, under their plain names, but for files (files.c): the heap,
 * time, sleeping, and processes (which fail cleanly with an errno).
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
#include <tern/kalloc.h>
#include <tern/libc.h>
#include <tern/log.h>
#include <tern/mm.h>
#include <tern/modfs.h>
#include <tern/thread.h>
#include <tern/time.h>
#include <time.h>
#include <unistd.h>

extern char **environ;
static struct modfs *fs;
static char describe[96];

long sys_result(long r)
{
    if (r >= 0)
        return r;
    errno = (int)-r;
    return -1;
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
        modfs_add(fs, name, data, m->size);
        if (len && len < sizeof(name)) {
            memcpy(name, m->cmdline, len);
            name[len] = 0;
            if (modfs_add(fs, name, data, m->size))
                pr_warn("libc: module %u: name '%s' not usable as a file",
                        i, name);
        }
    }
}

void libc_init(const struct boot_info *bi, char **env)
{
    environ = env;
    libc_threads_init();
    fs = libc_files_init();
    add_module_files(bi);
    tern_snprintf(describe, sizeof(describe),
                  "newlib, malloc on demand, %u file(s)", fs->nfiles);
}

uint64_t libc_heap_peak(void)
{
    return kalloc_stats()->peak;
}

const char *libc_describe(void)
{
    return describe;
}

/* malloc does not use it (malloc.c): no heap lies behind a break. */
void *sbrk(ptrdiff_t incr)
{
    (void)incr;
    return (void *)(intptr_t)sys_result(-ENOMEM);
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
    return (int)sys_result(-ENOSYS); /* abort() then calls _exit(1) */
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
        return (int)sys_result(-EINVAL);
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
    return (int)sys_result(-ENOSYS);
}

int unlink(const char *path)
{
    (void)path;
    return (int)sys_result(-EROFS);
}

/* No processes: what newlib declares for them fails cleanly. */
int fork(void)
{
    return (int)sys_result(-ENOSYS);
}

int execve(const char *path, char *const argv[], char *const envp[])
{
    (void)path;
    (void)argv;
    (void)envp;
    return (int)sys_result(-ENOSYS);
}

int wait(int *status)
{
    (void)status;
    return (int)sys_result(-ENOSYS);
}

/* Sleeping is the scheduler's: the CPU halts until the timer, other
 * threads run meanwhile. */
int nanosleep(const struct timespec *req, struct timespec *rem)
{
    if (!req || req->tv_sec < 0 || req->tv_nsec < 0 ||
        req->tv_nsec >= 1000000000L)
        return (int)sys_result(-EINVAL);
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
