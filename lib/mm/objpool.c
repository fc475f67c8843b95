/*
 * Fixed-size objects from whole pages (include/tern/objpool.h).  Each
 * page starts with a header: its pool, its own free list and how many
 * objects are out.  The objects are packed against the page's end, so
 * one whose size is a power of two lies at a multiple of its size
 * (kmalloc's aligned blocks count on it); for every power-of-two size
 * the header fits in what the objects leave over, so none is lost.
 * The pool lists the pages that have a free object; a page whose
 * objects all come back is returned to the page allocator unless it is
 * the pool's only page with room (a free-alloc cycle must not take and
 * return a page every time).
 */
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

struct pool_page {
    struct obj_pool *pool;
    struct pool_page *next, *prev; /* on the pool's partial list */
    struct free_obj *free;
    uint32_t used, on_list;
    uint64_t pad; /* 48 bytes: objects start 16-aligned */
};

_Static_assert(sizeof(struct pool_page) == PAGE_SIZE - OBJ_POOL_MAX_SIZE,
               "a page holds its header and one largest object");

static void list_add(struct obj_pool *p, struct pool_page *pg)
{
    pg->prev = NULL;
    pg->next = p->partial;
    if (p->partial)
        p->partial->prev = pg;
    p->partial = pg;
    pg->on_list = 1;
}

static void list_remove(struct obj_pool *p, struct pool_page *pg)
{
    if (pg->prev)
        pg->prev->next = pg->next;
    else
        p->partial = pg->next;
    if (pg->next)
        pg->next->prev = pg->prev;
    pg->next = pg->prev = NULL;
    pg->on_list = 0;
}

/* A fresh page carved into objects, on the partial list; NULL when the
 * page allocator has none. */
static struct pool_page *grow(struct obj_pool *p)
{
    uint64_t page = page_alloc(1);
    struct pool_page *pg = (void *)(uintptr_t)page;
    size_t n = (PAGE_SIZE - sizeof(*pg)) / p->size;
    uint64_t first = page + PAGE_SIZE - n * p->size;

    if (!page)
        return NULL;
    memset(pg, 0, sizeof(*pg));
    pg->pool = p;
    for (size_t i = n; i-- > 0;) {
        struct free_obj *o = (void *)(uintptr_t)(first + i * p->size);

        o->next = pg->free;
        o->mark = FREE_MARK;
        pg->free = o;
    }
    p->pages++;
    list_add(p, pg);
    return pg;
}

void *obj_alloc(struct obj_pool *p)
{
    struct pool_page *pg;
    struct free_obj *o;

    if (p->size < sizeof(struct free_obj) || p->size > OBJ_POOL_MAX_SIZE ||
        p->size % 16)
        tern_fatal(TERN_EXIT_PANIC, "objpool %s: object size %zu unsupported",
                   p->name, p->size);
    pg = p->partial ? p->partial : grow(p);
    if (!pg)
        return NULL;
    o = pg->free;
    pg->free = o->next;
    pg->used++;
    if (!pg->free)
        list_remove(p, pg);
    p->in_use++;
    memset(o, 0, p->size);
    return o;
}

void obj_free(struct obj_pool *p, void *obj)
{
    struct free_obj *o = obj;
    struct pool_page *pg;

    if (!o)
        return;
    pg = (void *)((uintptr_t)obj & ~(uintptr_t)(PAGE_SIZE - 1));
    if (pg->pool != p || o->mark == FREE_MARK || !pg->used)
        tern_fatal(TERN_EXIT_PANIC, "objpool %s: object %p freed twice, or "
                   "not from this pool", p->name, obj);
    o->mark = FREE_MARK;
    o->next = pg->free;
    pg->free = o;
    pg->used--;
    p->in_use--;
    if (!pg->on_list)
        list_add(p, pg);
    if (!pg->used && (pg->next || pg->prev)) { /* another page has room */
        list_remove(p, pg);
        pg->pool = NULL;
        p->pages--;
        page_free_run((uintptr_t)pg, 1);
    }
}
