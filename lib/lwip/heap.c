/*
 * lwIP's heap: the C library's malloc, capped at CONFIG_LWIP_HEAP_PERCENT
 * of the VM's RAM (net.heap_percent= on the command line overrides it).  Without a cap, peers sending to connections the app
 * does not read fill every connection's receive queue (a window each,
 * 128 KiB by default, times 256 connections: 32 MiB) until malloc fails
 * for the app as well.  At the cap lwIP's allocations fail the way lwIP
 * expects them to: a received frame is dropped (TCP sends it again), a
 * send waits for room.  One warning line the first time.
 */
#include <malloc.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <tern/config.h>
#include <tern/driver.h>
#include <tern/log.h>
#include <tern/lwip_port.h>
#include <tern/mm.h>

#define HEADER 16 /* the size, keeping malloc's 16-byte alignment */
#define FLOOR (256 * 1024)

static struct lwip_heap_stats stats = {0, 0, SIZE_MAX, 0};
static unsigned percent;

static size_t cap_for(uint64_t ram_bytes, unsigned percent, size_t floor_bytes)
{
    uint64_t cap = ram_bytes / 100 * percent;

    if (cap < floor_bytes)
        cap = floor_bytes;
    return cap > SIZE_MAX ? SIZE_MAX : (size_t)cap;
}

const struct lwip_heap_stats *tern_lwip_heap_stats(void)
{
    return &stats;
}

static void *refuse(void)
{
    if (!stats.refused++)
        pr_warn("net: lwIP's heap is at its cap of %zu KiB (%u%% of RAM): "
                "frames are dropped and sends wait until apps read what is "
                "queued", stats.cap / 1024, percent);
    return NULL;
}

/* What an allocation takes is its size class (malloc_usable_size): that
 * is what counts against the cap. */
void *tern_lwip_malloc(size_t n)
{
    size_t *p, size;

    if (n > stats.cap - stats.in_use)
        return refuse();
    p = malloc(n + HEADER);
    if (!p)
        return NULL;
    size = malloc_usable_size(p);
    if (size > stats.cap - stats.in_use) {
        free(p);
        return refuse();
    }
    *p = size;
    stats.in_use += size;
    if (stats.in_use > stats.peak)
        stats.peak = stats.in_use;
    return (char *)p + HEADER;
}

void *tern_lwip_calloc(size_t count, size_t n)
{
    void *p;

    if (n && count > SIZE_MAX / n)
        return NULL;
    p = tern_lwip_malloc(count * n);
    if (p)
        memset(p, 0, count * n);
    return p;
}

void tern_lwip_free(void *q)
{
    size_t *p;

    if (!q)
        return;
    p = (size_t *)((char *)q - HEADER);
    stats.in_use -= *p;
    free(p);
}

/* A round before lwIP starts (DRIVER_INIT), so no allocation of lwIP's
 * comes before the cap. */
static void heap_start(const struct boot_info *bi)
{
    (void)bi;
    percent = net_param_uint("net.heap_percent", CONFIG_LWIP_HEAP_PERCENT,
                             5, 90);
    stats.cap = cap_for(mm_pages()->total_pages * 4096ull, percent, FLOOR);
}
DRIVER_INIT_REGISTER(heap_start);
