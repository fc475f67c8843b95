/* Pools of fixed-size objects carved from whole pages: runtime structures
 * that must not share pages with any stack (thread control blocks). */
#ifndef TERN_OBJPOOL_H
#define TERN_OBJPOOL_H

#include <stddef.h>
#include <stdint.h>

struct obj_pool {
    const char *name;  /* for the error a bad free gets */
    size_t size;       /* bytes per object, a multiple of 16 */
    void *free;        /* freed objects, linked through their first word */
    uint64_t in_use, pages;
};

#define OBJ_POOL_INIT(name, type) {(name), (sizeof(type) + 15) & ~(size_t)15, 0, 0, 0}

/* A zeroed object; NULL when no page is left. */
void *obj_alloc(struct obj_pool *p);
/* Give obj back.  A double free is fatal: it names the pool. */
void obj_free(struct obj_pool *p, void *obj);

#endif
