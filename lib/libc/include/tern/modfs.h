/* The read-only file layer: every boot module is a file.  Pure logic over
 * (name, bytes) pairs, so it is unit-tested on the host; lib/libc turns
 * it into open/read/lseek/fstat/stat/close. */
#ifndef TERN_MODFS_H
#define TERN_MODFS_H

#include <stdint.h>

#define MODFS_MAX_FILES 48
#define MODFS_MAX_FDS 16
#define MODFS_NAME_MAX 128

struct modfs_file {
    char name[MODFS_NAME_MAX];
    const uint8_t *data;
    uint64_t size;
};

struct modfs {
    struct modfs_file files[MODFS_MAX_FILES];
    unsigned nfiles;
    struct {
        int used;
        unsigned file;
        uint64_t pos;
    } fds[MODFS_MAX_FDS];
};

void modfs_init(struct modfs *fs);
/* 0, or -1 when the table is full, the name is too long, empty or taken. */
int modfs_add(struct modfs *fs, const char *name, const uint8_t *data,
              uint64_t size);

/* Each returns a negative errno value on failure. */
int modfs_open(struct modfs *fs, const char *path, int flags);
long modfs_read(struct modfs *fs, int fd, void *buf, unsigned long n);
long long modfs_lseek(struct modfs *fs, int fd, long long off, int whence);
int modfs_close(struct modfs *fs, int fd);
int modfs_fsize(const struct modfs *fs, int fd, uint64_t *size);
int modfs_size(const struct modfs *fs, const char *path, uint64_t *size);

#endif
