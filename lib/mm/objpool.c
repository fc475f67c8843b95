/* Fixed-size objects from whole pages (include/tern/objpool.h).  Pages stay
 * in their pool once taken: the pools hold small control structures, and
 * reuse within a pool is what keeps a server's memory flat. */
#include <string.h>
#include <tern/exit.h>
#include <tern/mm.h>
#include <tern/objpool.h>

/* Written into a free object's second word: a second free of it is seen. */
#define FREE_MARK 0x66726565706f6f6cull /* "freepool" */

struct free_obj {
    struct free_obj *next;
    uint64_t mark;
};

/* Carve a fresh page into objects on the free list. */
static int grow(struct obj_pool *p)
{
    uint64_t page = page_alloc(1);
    size_t n;

    if (!page)
        return -1;
    p->pages++;
    n = PAGE_SIZE / p->size;
    for (size_t i = n; i-- > 0;) {
        struct free_obj *o = (void *)(uintptr_t)(page + i * p->size);

        o->next = p->free;
        o->mark = FREE_MARK;
        p->free = o;
    }
    return 0;
}

void *obj_alloc(struct obj_pool *p)
{
    struct free_obj *o;

    if (p->size < sizeof(struct free_obj) || p->size > PAGE_SIZE)
        tern_fatal(TERN_EXIT_PANIC, "objpool %s: object size %zu unsupported",
                   p->name, p->size);
    if (!p->free && grow(p))
        return NULL;
    o = p->free;
    p->free = o->next;
    p->in_use++;
    memset(o, 0, p->size);
    return o;
}

void obj_free(struct obj_pool *p, void *obj)
{
    struct free_obj *o = obj;

    if (!o)
        return;
    if (o->mark == FREE_MARK || !p->in_use)
        tern_fatal(TERN_EXIT_PANIC, "objpool %s: object %p freed twice",
                   p->name, obj);
    o->mark = FREE_MARK;
    o->next = p->free;
    p->free = o;
    p->in_use--;
}
