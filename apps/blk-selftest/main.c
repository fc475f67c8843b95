/*
 * blk-selftest: every disk the runtime found, through lib/blk's
 * interface and through /dev/vdX.  On each writable disk it writes a
 * pattern over the first MiBs with requests of several sizes, many in
 * flight at once, flushes, and reads it all back with other sizes; then
 * writes a marker at an odd offset through the device file.  The test
 * runner then checks the disk image's bytes on the host (tests/run.py
 * has the same pattern).  A read-only disk must refuse every write.
 *
 * Arguments: [span-KiB] (default 4096).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <tern/blk.h>
#include <tern/tap.h>
#include <tern/thread.h>

#define IN_FLIGHT 32
#define MARKER "tern blk-selftest marker"
#define MARKER_AT 1000003 /* bytes: no sector boundary near */

/* The byte at offset off of the disk: what tests/run.py expects. */
static uint8_t pattern(uint64_t off)
{
    uint64_t s = off / 512;

    return (uint8_t)(s * 131 + (off % 512) * 7 + (s >> 8));
}

static const size_t sizes[] = {512, 4096, 65536, 7 * 512, 131072, 1024};

#include "jobs.h"

/* Cover [0, span) with requests cycling through the sizes (each whole
 * sectors), up to IN_FLIGHT at once; returns the failures. */
static int sweep(struct blk_dev *dev, enum blk_op op, uint8_t *buf,
                 uint64_t span, unsigned shift, unsigned *requests)
{
    static struct job jobs[IN_FLIGHT];
    struct semaphore slots = SEMAPHORE_INIT(IN_FLIGHT);
    uint32_t ss = blk_info(dev)->sector_size;
    int errors = 0;
    uint64_t off = 0;

    for (unsigned i = 0; off < span; i++) {
        size_t n = sizes[(i + shift) % 6];
        struct job *j = &jobs[i % IN_FLIGHT];
        int r;

        n = n < ss ? ss : n - n % ss;
        if (n > blk_info(dev)->max_bytes)
            n = blk_info(dev)->max_bytes;
        if (n > span - off)
            n = (size_t)(span - off);
        sem_down(&slots); /* the job's slot is free again */
        *j = (struct job){{.op = op, .sector = off / ss, .buf = buf + off,
                           .bytes = n, .done = job_done},
                          &slots, &errors};
        if ((r = blk_submit(dev, &j->req)) != 0) {
            printf("# submit at %llu: %d\n", (unsigned long long)off, r);
            errors++;
            sem_up(&slots);
        }
        off += n;
        (*requests)++;
    }
    for (int i = 0; i < IN_FLIGHT; i++)
        sem_down(&slots);
    return errors;
}

static void test_writable(struct blk_dev *dev, uint64_t span)
{
    const struct blk_info *info = blk_info(dev);
    uint8_t *out = malloc(span), *in = malloc(span);
    char path[16], line[128], got[sizeof(MARKER)];
    unsigned wr = 0, rd = 0;
    int fd;

    if (span > info->sectors * info->sector_size)
        span = info->sectors * info->sector_size;
    for (uint64_t i = 0; i < span; i++)
        out[i] = pattern(i);
    memset(in, 0, span);
    snprintf(line, sizeof(line), "%s: %llu KiB written in %s", info->name,
             (unsigned long long)(span >> 10), "mixed sizes, 32 in flight");
    tap_ok(sweep(dev, BLK_WRITE, out, span, 0, &wr) == 0, line);
    tap_ok(blk_flush(dev) == 0, "flush");
    tap_ok(sweep(dev, BLK_READ, in, span, 3, &rd) == 0 &&
               memcmp(in, out, span) == 0,
           "read back with other sizes: every byte as written");
    printf("# %s: %u write and %u read requests\n", info->name, wr, rd);
    tap_ok(blk_read(dev, info->sectors, in, info->sector_size) == -EINVAL &&
               blk_read(dev, 0, in, 100) == -EINVAL,
           "a read past the end or of part of a sector is EINVAL");
    snprintf(path, sizeof(path), "/dev/%s", info->name);
    fd = open(path, O_RDWR);
    tap_ok(fd >= 0 && lseek(fd, MARKER_AT, SEEK_SET) == MARKER_AT &&
               write(fd, MARKER, sizeof(MARKER)) == sizeof(MARKER) &&
               fsync(fd) == 0 && lseek(fd, MARKER_AT, SEEK_SET) == MARKER_AT &&
               read(fd, got, sizeof(got)) == sizeof(got) &&
               !memcmp(got, MARKER, sizeof(MARKER)),
           "/dev/vdX: a marker written at an odd offset reads back");
    close(fd);
    free(out);
    free(in);
}

/* Past the span (where the host expects zeros at the end): a pattern,
 * then write-zeroes (or discard, which QEMU also reads back as zeros on
 * a raw file) over it, read back as zeros. */
static void test_zeroing(struct blk_dev *dev, uint64_t span)
{
    const struct blk_info *info = blk_info(dev);
    uint32_t ss = info->sector_size;
    uint64_t sector = (span + 65536) / ss, count = 16;
    uint8_t *buf = malloc(count * ss);
    int zero = 1, r;

    if (!info->can_write_zeroes) {
        tap_skip("write-zeroes", "the device does not offer it");
        free(buf);
        return;
    }
    memset(buf, 0xa5, count * ss);
    r = blk_write(dev, sector, buf, count * ss);
    r = r ? r : blk_write_zeroes(dev, sector, count);
    r = r ? r : blk_read(dev, sector, buf, count * ss);
    for (uint64_t i = 0; i < count * ss; i++)
        zero &= buf[i] == 0;
    tap_ok(r == 0 && zero, "write-zeroes: 16 sectors of a pattern read back as zeros");
    tap_ok(blk_write_zeroes(dev, info->sectors - 1, 2) == -EINVAL,
           "write-zeroes past the end is EINVAL");
    free(buf);
}

/* Two threads patch one byte each of the same sector through their own
 * descriptors (RMW_AT + 100 and + 200): both bytes must land; without
 * the disk's read-modify-write lock one write was lost. */
#define RMW_BYTES 1 /* one write each, started together: the race is theirs */
struct patcher {
    const char *path;
    off_t at;
    char value;
    int ok;
};

static void *patch(void *arg)
{
    struct patcher *p = arg;
    int fd = open(p->path, O_RDWR);

    p->ok = fd >= 0;
    for (int i = 0; p->ok && i < RMW_BYTES; i++)
        p->ok = lseek(fd, p->at, SEEK_SET) == p->at &&
                write(fd, &p->value, 1) == 1;
    close(fd);
    return NULL;
}

static void test_shared_sector(struct blk_dev *dev, uint64_t span)
{
    char path[16], got[2] = {0};
    off_t at = (off_t)(span + 262144);
    struct patcher a = {path, at + 100, 'A', 0}, b = {path, at + 200, 'B', 0};
    struct thread *ta, *tb;
    int fd;

    snprintf(path, sizeof(path), "/dev/%s", blk_info(dev)->name);
    ta = thread_create("patch-a", patch, &a, 0);
    tb = thread_create("patch-b", patch, &b, 0);
    thread_join(ta, NULL);
    thread_join(tb, NULL);
    fd = open(path, O_RDONLY);
    if (lseek(fd, at + 100, SEEK_SET) != at + 100 || read(fd, &got[0], 1) != 1 ||
        lseek(fd, at + 200, SEEK_SET) != at + 200 || read(fd, &got[1], 1) != 1)
        got[0] = 0;
    close(fd);
    tap_ok(a.ok && b.ok && got[0] == 'A' && got[1] == 'B',
           "two threads patching one sector: both bytes land");
}

static void test_read_only(struct blk_dev *dev)
{
    const struct blk_info *info = blk_info(dev);
    char path[16];
    uint8_t *buf = malloc(info->sector_size);

    snprintf(path, sizeof(path), "/dev/%s", info->name);
    tap_ok(blk_read(dev, 0, buf, info->sector_size) == 0 &&
               blk_write(dev, 0, buf, info->sector_size) == -EROFS,
           "read-only disk: reads, and refuses a write with EROFS");
    errno = 0;
    tap_ok(open(path, O_RDWR) == -1 && errno == EROFS,
           "read-only disk: open for writing fails with EROFS");
    free(buf);
}

int main(int argc, char **argv)
{
    uint64_t span = (argc > 1 ? strtoull(argv[1], NULL, 0) : 4096) << 10;

    printf("TAP version 13\n");
    printf("# %u disk(s)\n", blk_count());
    tap_ok(blk_count() > 0, "a disk was found");
    for (unsigned i = 0; i < blk_count(); i++) {
        struct blk_dev *dev = blk_get(i);

        printf("# %s: %s, %llu sectors of %u\n", blk_info(dev)->name,
               blk_info(dev)->driver,
               (unsigned long long)blk_info(dev)->sectors,
               blk_info(dev)->sector_size);
        if (blk_info(dev)->read_only)
            test_read_only(dev);
        else {
            test_writable(dev, span);
            test_zeroing(dev, span);
            test_shared_sector(dev, span);
        }
    }
    return tap_done();
}
