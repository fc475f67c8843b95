/*
 * kmalloc and friends (include/tern/kalloc.h).  Every block starts with a
 * 16-byte header: a magic, the size class (or a page run's length) and
 * the header's distance from the start of its object or run.  The header
 * is what lets kfree check its argument: a pointer it never gave, or gave
 * and got back, has no live magic in front of it.
 *
 * An object of a size class lies at a multiple of its size (objpool.c
 * packs them so), so a block aligned to align <= the class starts align
 * bytes into its object, with the header in the 16 bytes before: an
 * aligned block costs n + align rounded up to a class, and takes a page
 * run only when that passes the largest class.
 */
#include <string.h>
#include <tern/exit.h>
#include <tern/kalloc.h>
#include <tern/mm.h>
#include <tern/objpool.h>

#define HEADER 16u
#define LIVE 0x6b6d616cu /* "kmal" */
#define NCLASSES 7                 /* 32 .. 2048 bytes, header included */
#define LARGE 0xffu                /* class of a page run */

struct header {
    uint32_t magic;
    uint32_t class;  /* 0..NCLASSES-1, or LARGE */
    uint32_t pages;  /* LARGE: the run's length */
    uint32_t offset; /* header's distance from its object's or run's start */
};

_Static_assert(sizeof(struct header) == HEADER, "header keeps 16-alignment");

static struct obj_pool pools[NCLASSES] = {
    {"kmalloc-32", 32, 0, 0, 0},     {"kmalloc-64", 64, 0, 0, 0},
    {"kmalloc-128", 128, 0, 0, 0},   {"kmalloc-256", 256, 0, 0, 0},
    {"kmalloc-512", 512, 0, 0, 0},   {"kmalloc-1024", 1024, 0, 0, 0},
    {"kmalloc-2048", 2048, 0, 0, 0},
};
static struct kalloc_stats stats;

static size_t class_bytes(unsigned class)
{
    return (size_t)32 << class;
}

/* The smallest class that holds n bytes after lead bytes (the header,
 * and the padding an alignment wants), or NCLASSES. */
static unsigned class_for(size_t n, size_t lead)
{
    unsigned c = 0;

    while (c < NCLASSES && (class_bytes(c) < lead ||
                            class_bytes(c) - lead < n))
        c++;
    return c;
}

static void account(int64_t bytes)
{
    stats.in_use += (uint64_t)bytes;
    if (bytes > 0) {
        stats.allocs++;
        if (stats.in_use > stats.peak)
            stats.peak = stats.in_use;
    } else {
        stats.frees++;
    }
}

static size_t usable(const struct header *h)
{
    size_t bytes = h->class == LARGE ? (size_t)h->pages * PAGE_SIZE
                                     : class_bytes(h->class);

    return bytes - h->offset - HEADER;
}

/* A block of at least n usable bytes whose data starts at an
 * align-aligned address (align >= HEADER) inside a run; header just
 * before the data.  The run starts at a page boundary, so the data lies
 * at most align bytes into it. */
static void *alloc_run(size_t n, size_t align)
{
    uint64_t pages, base;
    uintptr_t data;
    struct header *h;

    if (n > (1ull << 43) || align > (1ull << 30))
        return NULL; /* past any guest's RAM: no overflow below */
    pages = (align + n + PAGE_SIZE - 1) / PAGE_SIZE;
    if (!(base = page_alloc(pages)))
        return NULL;
    data = ((uintptr_t)base + HEADER + align - 1) & ~(uintptr_t)(align - 1);
    h = (struct header *)(data - HEADER);
    *h = (struct header){LIVE, LARGE, (uint32_t)pages,
                         (uint32_t)(data - HEADER - base)};
    account((int64_t)usable(h));
    return (void *)data;
}

void *kmalloc_aligned(size_t n, size_t align)
{
    unsigned c;
    char *obj;
    struct header *h;

    if (!align || (align & (align - 1)))
        return NULL;
    if (align < HEADER)
        align = HEADER;
    c = class_for(n, align);
    if (c == NCLASSES)
        return alloc_run(n, align);
    if (!(obj = obj_alloc(&pools[c])))
        return NULL;
    h = (struct header *)(obj + align - HEADER);
    *h = (struct header){LIVE, c, 0, (uint32_t)(align - HEADER)};
    account((int64_t)usable(h));
    return h + 1;
}

void *kmalloc(size_t n)
{
    return kmalloc_aligned(n, HEADER);
}

void *kzalloc(size_t n)
{
    void *p = kmalloc(n);

    if (p)
        memset(p, 0, n);
    return p;
}

static struct header *header_of(const void *p, const char *who)
{
    struct header *h = (struct header *)((uintptr_t)p - HEADER);

    if ((uintptr_t)p % HEADER || (uintptr_t)p < PAGE_SIZE ||
        h->magic != LIVE || (h->class >= NCLASSES && h->class != LARGE))
        tern_fatal(TERN_EXIT_PANIC, "%s: %p was not allocated by kmalloc, "
                   "or was freed already", who, p);
    return h;
}

size_t kmalloc_usable(const void *p)
{
    return p ? usable(header_of(p, "kmalloc_usable")) : 0;
}

void kfree(void *p)
{
    struct header *h;

    if (!p)
        return;
    h = header_of(p, "kfree");
    account(-(int64_t)usable(h));
    h->magic = 0;
    if (h->class == LARGE)
        page_free_run((uintptr_t)h - h->offset, h->pages);
    else
        obj_free(&pools[h->class], (char *)h - h->offset);
}

void *kalloc_pages(size_t bytes)
{
    uint64_t pages = (bytes + PAGE_SIZE - 1) / PAGE_SIZE, base;

    if (!bytes || bytes > (1ull << 46) || !(base = page_alloc(pages)))
        return NULL;
    memset((void *)(uintptr_t)base, 0, pages * PAGE_SIZE);
    return (void *)(uintptr_t)base;
}

void kfree_pages(void *p, size_t bytes)
{
    if (p)
        page_free_run((uintptr_t)p, (bytes + PAGE_SIZE - 1) / PAGE_SIZE);
}

const struct kalloc_stats *kalloc_stats(void)
{
    return &stats;
}
