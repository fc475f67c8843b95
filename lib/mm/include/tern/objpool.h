/* Pools of fixed-size objects carved from whole pages (slab-style):
 * runtime structures that must not share pages with any stack (thread
 * control blocks), and kmalloc's small size classes.  A page whose
 * objects are all free goes back to the page allocator, but for one kept
 * per pool against churn, so a burst leaves no memory behind. */
#ifndef TERN_OBJPOOL_H
#define TERN_OBJPOOL_H

#include <stddef.h>
#include <stdint.h>

struct pool_page;

struct obj_pool {
    const char *name;          /* for the error a bad free gets */
    size_t size;               /* bytes per object, a multiple of 16 */
    struct pool_page *partial; /* pages with a free object */
    uint64_t in_use, pages;
};

/* The largest object: a page less its header. */
#define OBJ_POOL_MAX_SIZE 4048

#define OBJ_POOL_INIT(name, type) {(name), (sizeof(type) + 15) & ~(size_t)15, 0, 0, 0}

/* A zeroed object, 16-aligned, and aligned to its size when that is a
 * power of two; NULL when no page is left. */
void *obj_alloc(struct obj_pool *p);
/* Give obj back.  A double free, or an object of another pool, is
 * fatal: it names the pool. */
void obj_free(struct obj_pool *p, void *obj);

#endif
