/*
 * blk-bench: virtio-blk throughput for make bench, on the first disk,
 * through lib/blk's asynchronous interface (blk_submit), with a given
 * number of requests in flight.  Each figure is a line
 *
 *     bench: blk <name> qd<depth> <requests> <bytes> <ns>
 *
 * timed with clock_gettime(CLOCK_MONOTONIC) around the transfer alone
 * (the last completion included, no flush: the host's page cache holds
 * what was written, as for the Linux guest tests/bench/bench.py runs
 * beside it).  In order: sequential writes of 4 KiB and 64 KiB from
 * sector 0, sequential reads of the same, random 4 KiB reads anywhere on
 * the disk (a fixed-seed generator; aligned to 4 KiB).  Then the same
 * sequential transfers through /dev/vda with write() and read(), the
 * path an app that opens the disk takes (dev-write-4k ...: one request
 * at a time, the thread waiting for each).
 *
 * Arguments: <KiB in 4 KiB requests> <KiB in 64 KiB requests>
 *            <random reads> <depth>...  (each test at each depth)
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <tern/blk.h>
#include <tern/thread.h>

#define MAX_DEPTH 64

#include "../blk-selftest/jobs.h"

static uint64_t now_ns(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* xorshift64: the same offsets on every run. */
static uint64_t next_random(uint64_t *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return *s;
}

struct test {
    const char *name;
    enum blk_op op;
    size_t size;   /* bytes per request */
    bool random;
};

/* requests of t->size, depth at once; each job has its own buffer
 * (bufs: MAX_DEPTH * 64 KiB) so requests in flight never share one. */
static void run(struct blk_dev *dev, const struct test *t, uint64_t requests,
                unsigned depth, uint8_t *bufs)
{
    static struct job jobs[MAX_DEPTH];
    struct semaphore slots = SEMAPHORE_INIT(depth);
    uint32_t ss = blk_info(dev)->sector_size;
    uint64_t blocks = blk_info(dev)->sectors * ss / t->size;
    uint64_t seed = 0x9e3779b97f4a7c15ull, t0, ns;
    int errors = 0;

    if (!t->random && requests > blocks)
        requests = blocks;
    t0 = now_ns();
    for (uint64_t i = 0; i < requests; i++) {
        struct job *j = &jobs[i % depth];
        uint64_t block = t->random ? next_random(&seed) % blocks : i;

        sem_down(&slots); /* a slot is free: job i % depth has completed */
        *j = (struct job){{.op = t->op, .sector = block * t->size / ss,
                           .buf = bufs + (i % depth) * 65536,
                           .bytes = t->size, .done = job_done},
                          &slots, &errors};
        if (blk_submit(dev, &j->req) != 0) {
            errors++;
            sem_up(&slots);
        }
    }
    for (unsigned i = 0; i < depth; i++)
        sem_down(&slots);
    ns = now_ns() - t0;
    if (errors)
        printf("blk-bench: %s qd%u: %d request(s) failed\n", t->name, depth,
               errors);
    else
        printf("bench: blk %s qd%u %llu %llu %llu\n", t->name, depth,
               (unsigned long long)requests,
               (unsigned long long)(requests * t->size),
               (unsigned long long)ns);
}

/* bytes through /dev/<name> in calls of size bytes, from offset 0. */
static void dev_run(struct blk_dev *dev, bool write_it, size_t size,
                    uint64_t bytes, uint8_t *buf)
{
    char path[16], name[32];
    uint64_t done = 0, t0;
    int fd;

    snprintf(path, sizeof(path), "/dev/%s", blk_info(dev)->name);
    snprintf(name, sizeof(name), "dev-%s-%zuk", write_it ? "write" : "read",
             size >> 10);
    if ((fd = open(path, O_RDWR)) < 0) {
        printf("blk-bench: %s: cannot open %s\n", name, path);
        return;
    }
    t0 = now_ns();
    while (done < bytes) {
        ssize_t n = write_it ? write(fd, buf, size) : read(fd, buf, size);

        if (n != (ssize_t)size)
            break;
        done += size;
    }
    t0 = now_ns() - t0;
    close(fd);
    if (done < bytes)
        printf("blk-bench: %s: stopped after %llu bytes\n", name,
               (unsigned long long)done);
    else
        printf("bench: blk %s qd1 %llu %llu %llu\n", name,
               (unsigned long long)(bytes / size), (unsigned long long)bytes,
               (unsigned long long)t0);
}

int main(int argc, char **argv)
{
    static const struct test tests[] = {
        {"seq-write-4k", BLK_WRITE, 4096, false},
        {"seq-write-64k", BLK_WRITE, 65536, false},
        {"seq-read-4k", BLK_READ, 4096, false},
        {"seq-read-64k", BLK_READ, 65536, false},
        {"rand-read-4k", BLK_READ, 4096, true},
    };
    struct blk_dev *dev = blk_get(0);
    uint8_t *bufs = malloc(MAX_DEPTH * 65536);
    uint64_t counts[3];

    if (argc < 5 || !dev || !bufs) {
        printf("blk-bench: usage: KiB-4k KiB-64k random-reads depth...; "
               "and a disk (%u found)\n", blk_count());
        return 1;
    }
    if (blk_info(dev)->read_only || blk_info(dev)->max_bytes < 65536) {
        printf("blk-bench: %s is read-only or takes under 64 KiB\n",
               blk_info(dev)->name);
        return 1;
    }
    for (size_t i = 0; i < MAX_DEPTH * 65536; i++)
        bufs[i] = (uint8_t)(i * 7 + 1);
    counts[0] = strtoull(argv[1], NULL, 0) / 4;
    counts[1] = strtoull(argv[2], NULL, 0) / 64;
    counts[2] = strtoull(argv[3], NULL, 0);
    printf("blk-bench: %s, %s\n", blk_info(dev)->name, blk_info(dev)->driver);
    for (int a = 4; a < argc; a++) {
        unsigned depth = (unsigned)strtoul(argv[a], NULL, 0);

        if (depth < 1 || depth > MAX_DEPTH ||
            depth > blk_info(dev)->max_in_flight) {
            printf("blk-bench: depth %u out of range\n", depth);
            return 1;
        }
        for (size_t t = 0; t < sizeof(tests) / sizeof(tests[0]); t++)
            run(dev, &tests[t], counts[t == 4 ? 2 : tests[t].size == 65536],
                depth, bufs);
    }
    dev_run(dev, true, 4096, counts[0] * 4096, bufs);
    dev_run(dev, true, 65536, counts[1] * 65536, bufs);
    dev_run(dev, false, 4096, counts[0] * 4096, bufs);
    dev_run(dev, false, 65536, counts[1] * 65536, bufs);
    return 0;
}
