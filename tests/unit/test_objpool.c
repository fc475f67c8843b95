/* Object pools: objects come zeroed from whole pages, are reused after a
 * free, never overlap, and a double free is fatal. */
#include <string.h>
#include <tern/exit.h>
#include <tern/memmap.h>
#include <tern/objpool.h>
#include "host_fatal.h"
#include "test.h"

#include "host_pages.h"

struct obj {
    uint64_t a, b, c;
    char name[48]; /* 72 bytes: rounded to 80 */
};

TEST(objpool_objects_are_zeroed_distinct_and_packed_in_pages)
{
    struct obj_pool pool = OBJ_POOL_INIT("test", struct obj);
    struct obj *o[100];
    int before = pages_given;

    CHECK(pool.size == 80);
    for (int i = 0; i < 100; i++) {
        o[i] = obj_alloc(&pool);
        CHECK(o[i] && o[i]->a == 0 && o[i]->name[47] == 0);
        memset(o[i], i, sizeof(*o[i]));
    }
    for (int i = 0; i < 100; i++) /* no object overwrote another */
        CHECK(((unsigned char *)o[i])[0] == i &&
              ((unsigned char *)o[i])[sizeof(struct obj) - 1] == i);
    CHECK(pages_given - before == 2); /* 50 of 80 bytes in a page */
    CHECK(pool.in_use == 100 && pool.pages == 2);
}

TEST(objpool_reuses_freed_objects_before_taking_pages)
{
    struct obj_pool pool = OBJ_POOL_INIT("test", struct obj);
    int before;

    for (int round = 0; round < 1000; round++) {
        struct obj *a = obj_alloc(&pool), *b = obj_alloc(&pool);

        if (round == 0)
            before = pages_given;
        obj_free(&pool, a);
        obj_free(&pool, b);
    }
    CHECK(pages_given == before);
    CHECK(pool.in_use == 0 && pool.pages == 1);
}

TEST(objpool_double_free_is_fatal_and_names_the_pool)
{
    struct obj_pool pool = OBJ_POOL_INIT("threads", struct obj);
    struct obj *a = obj_alloc(&pool), *b = obj_alloc(&pool);

    obj_free(&pool, a);
    CHECK(FATAL_EXPECTED(obj_free(&pool, a)));
    CHECK(host_fatal_status == TERN_EXIT_PANIC);
    CHECK(strstr(host_fatal_message, "objpool threads") != NULL);
    CHECK(strstr(host_fatal_message, "freed twice") != NULL);
    CHECK(!FATAL_EXPECTED(obj_free(&pool, b)));
}

TEST(objpool_returns_null_when_pages_run_out)
{
    struct obj_pool pool = OBJ_POOL_INIT("test", struct obj);
    int saved = pages_left;

    pages_left = 0;
    CHECK(obj_alloc(&pool) == NULL);
    pages_left = saved;
    CHECK(obj_alloc(&pool) != NULL);
}

TEST(objpool_gives_empty_pages_back_but_one)
{
    struct obj_pool pool = OBJ_POOL_INIT("test", struct obj);
    static struct obj *o[1000];
    long live = pages_live;

    for (int i = 0; i < 1000; i++)
        o[i] = obj_alloc(&pool);
    CHECK(pool.pages == 20 && pages_live == live + 20); /* 50 a page */
    for (int i = 0; i < 1000; i += 2) /* every page keeps objects */
        obj_free(&pool, o[i]);
    CHECK(pool.pages == 20);
    for (int i = 1; i < 1000; i += 2)
        obj_free(&pool, o[i]);
    CHECK(pool.in_use == 0 && pool.pages == 1 && pages_live == live + 1);
    o[0] = obj_alloc(&pool); /* the kept page serves it */
    CHECK(pool.pages == 1 && o[0] != NULL);
    obj_free(&pool, o[0]);
}

TEST(objpool_an_object_of_another_pool_is_fatal)
{
    struct obj_pool a = OBJ_POOL_INIT("a-pool", struct obj);
    struct obj_pool b = OBJ_POOL_INIT("b-pool", struct obj);
    void *x = obj_alloc(&a), *y = obj_alloc(&b);

    CHECK(FATAL_EXPECTED(obj_free(&b, x)));
    CHECK(strstr(host_fatal_message, "objpool b-pool") != NULL);
    obj_free(&a, x);
    obj_free(&b, y);
}

TEST(objpool_objects_of_a_power_of_two_size_are_aligned_to_it)
{
    for (size_t size = 16; size <= 2048; size <<= 1) {
        struct obj_pool pool = {"pow2", size, 0, 0, 0};
        void *o[40];
        int bad = 0;

        for (int i = 0; i < 40; i++)
            bad += (uintptr_t)(o[i] = obj_alloc(&pool)) % size != 0;
        for (int i = 0; i < 40; i++)
            obj_free(&pool, o[i]);
        CHECK(bad == 0);
    }
}
