/*
 * Open files and the descriptor table.  A driver (console, boot-module
 * files, sockets, block devices) supplies a struct file_ops; the table
 * maps descriptors to files, blocks readers and writers on the file's
 * wait queue, and lets poll()/select() sleep until a driver calls
 * file_notify.  Every operation returns a value or a negative errno.
 */
#ifndef TERN_FILE_H
#define TERN_FILE_H

#include <stdbool.h>
#include <stdint.h>
#include <tern/sched_queue.h>

#define FILE_READABLE 0x1u
#define FILE_WRITABLE 0x4u
#define FILE_ERROR 0x8u
#define FILE_HANGUP 0x10u
/* poll's "normal data" bits: the same as readable and writable here */
#define FILE_READABLE_NORM 0x40u
#define FILE_WRITABLE_NORM 0x100u

#define FILE_NONBLOCK 0x4000 /* newlib's O_NONBLOCK, checked at build time */

struct file;

struct file_stat {
    unsigned mode; /* S_IF* | permission bits */
    uint64_t size;
};

struct file_ops {
    /* Bytes moved, or -EAGAIN when it would block (the table then waits
     * for file_notify unless the file is non-blocking), or -errno.  A
     * missing read or write fails with EBADF. */
    long (*read)(struct file *f, void *buf, unsigned long n);
    long (*write)(struct file *f, const void *buf, unsigned long n);
    long long (*lseek)(struct file *f, long long off, int whence);
    int (*stat)(struct file *f, struct file_stat *st);
    /* FILE_* bits that hold now. */
    unsigned (*poll)(struct file *f);
    /* Write back what the device caches (fsync); NULL: nothing to do. */
    int (*sync)(struct file *f);
    /* The last descriptor to the file was closed. */
    void (*release)(struct file *f);
};

struct file {
    const struct file_ops *ops;
    void *priv;
    uint64_t pos;
    int flags;          /* FILE_NONBLOCK */
    unsigned refs;      /* descriptors pointing here, and blocked threads */
    unsigned blocked;   /* threads blocked in read or write (in refs too) */
    struct runq waiters; /* blocked in read or write */
    uint64_t timeout_ns[2]; /* longest wait to read, to write; 0: none */
};

/* A new file with one reference; NULL when memory runs out. */
struct file *file_new(const struct file_ops *ops, void *priv);
/* Drop a reference; the last one releases the file. */
void file_put(struct file *f);
/* Readiness changed: wake its blocked readers and writers and every
 * poll()/select().  Safe from an interrupt handler. */
void file_notify(struct file *f);

/* Sleep until file_notify(f) or the deadline: 0; -EAGAIN when the
 * deadline passed; -EBADF when every descriptor to f was closed
 * meanwhile.  f stays valid across the sleep. */
int file_wait(struct file *f, uint64_t deadline);
/* When a wait that starts now to read (or write) f gives up:
 * timeout_ns from now, or SCHED_FOREVER. */
uint64_t file_deadline(const struct file *f, int writing);
/* try(f, ctx) until it says anything but -EAGAIN, sleeping between
 * tries on a blocking file (file_wait up to file_deadline); a
 * non-blocking file, or nonblock, gets the -EAGAIN back. */
long file_io(struct file *f, long (*try)(struct file *, void *), void *ctx,
             int writing, int nonblock);

/* The lowest free descriptor now refers to f (the table takes the
 * reference), or -EMFILE. */
int fd_install(struct file *f);
/* The file behind fd, or NULL for a bad descriptor. */
struct file *fd_file(int fd);

long fd_read(int fd, void *buf, unsigned long n);
long fd_write(int fd, const void *buf, unsigned long n);
long long fd_lseek(int fd, long long off, int whence);
int fd_stat(int fd, struct file_stat *st);
int fd_sync(int fd);
int fd_close(int fd);
int fd_dup(int fd, int lowest);
int fd_dup2(int fd, int to);
int fd_get_flags(int fd);
int fd_set_flags(int fd, int flags);

/* Laid out as POSIX's struct pollfd, so poll() hands its array over. */
struct fd_poll {
    int fd;            /* negative: ignored */
    short want, got;   /* FILE_* bits; got may add ERROR, HANGUP, INVALID */
};
#define FD_POLL_INVALID 0x20u
/* Wait until one of fds is ready or the deadline (THREAD_FOREVER: none)
 * passes: the number with any got bits. */
int fd_poll(struct fd_poll *fds, unsigned n, uint64_t deadline);

/* Device files under /dev/ (lib/fd/devfs.c): open(name, flags) makes a
 * file for the device, or returns NULL with *err set.  0, or -ENOSPC
 * when the table is full, -EEXIST for a name taken. */
struct devfs_ops {
    struct file *(*open)(void *priv, int flags, int *err);
};
int devfs_register(const char *name, const struct devfs_ops *ops, void *priv);
/* A descriptor for /dev/<name>, or -ENOENT (not a device), -errno. */
int devfs_open(const char *path, int flags);
bool devfs_path(const char *path);

/* An event counter file (lib/fd/eventfd.c): its descriptor, or -errno. */
int eventfd_open(uint64_t initial, int semaphore, int flags);

#endif
