/* pvhload's placement check: a kernel segment may go only on RAM that
 * pvhload does not use itself (image, module, pages the runtime handed
 * out), and a refusal names what it collides with. */
#include <string.h>
#include "../../apps/pvhload/place.h"
#include "test.h"

/* q35 -m 64M as pvhload sees it, linked at 32 MiB. */
static const struct mem_region q35_64m[] = {
    {0, 0x9fc00, 1}, {0x9fc00, 0x400, 2}, {0xf0000, 0x10000, 2},
    {0x100000, 0x3ee0000, 1}, {0x3fe0000, 0x20000, 2},
    {0xfeffc000, 0x4000, 2}, {0xfffc0000, 0x40000, 2},
};
static char why[200];

static struct place_input input(const struct mem_range *usable, unsigned nu,
                                const struct mem_range *free, unsigned nf)
{
    return (struct place_input){
        q35_64m, sizeof(q35_64m) / sizeof(q35_64m[0]), usable, nu, free, nf,
        {0x2000000, 0x203a000}, {0x3f4c000, 0x3fd7000}};
}

TEST(pvhload_place_accepts_ram_pvhload_leaves_alone)
{
    /* The runtime keeps RAM below the image (CONFIG_KEEP_RAM_BELOW_IMAGE):
     * its heap is above it. */
    struct mem_range usable[] = {{0x203a000, 0x3f4c000}, {0x3fd7000, 0x3fe0000}};
    struct mem_range free[] = {{0x2f00000, 0x3f4c000}, {0x3fd7000, 0x3fe0000}};
    struct place_input in = input(usable, 2, free, 2);

    CHECK(place_check(&in, 0x100000, 0x32000, why, sizeof(why)) == 0);
    CHECK(place_check(&in, 0x1000, 0x9e000, why, sizeof(why)) == 0);
    CHECK(place_check(&in, 0x2f00000, 0x1000, why, sizeof(why)) == 0);
}

TEST(pvhload_place_refuses_its_heap_at_1mib)
{
    /* main's layout at -m 64M: the heap (16 MiB) at 1 MiB, where the
     * kernel goes; pvhload wrote the kernel over it and hung. */
    struct mem_range usable[] = {{0x1000, 0x9f000}, {0x100000, 0x2000000},
                                 {0x203a000, 0x3f4c000}};
    struct mem_range free[] = {{0x3000, 0x9f000}, {0x10fc000, 0x2000000},
                               {0x203a000, 0x3f4c000}};
    struct place_input in = input(usable, 3, free, 3);

    CHECK(place_check(&in, 0x100000, 0x32000, why, sizeof(why)) == -1);
    CHECK(strstr(why, "segment 0x100000-0x132000 collides with memory "
                      "pvhload uses (heap, stacks, page tables) at "
                      "0x100000-0x132000") != 0);
    /* Two pages of page tables at 0x1000 (allocated first). */
    CHECK(place_check(&in, 0x1800, 0x3000, why, sizeof(why)) == -1);
    CHECK(strstr(why, "at 0x1800-0x3000") != 0);
    /* Free then allocated: the allocated part is named. */
    CHECK(place_check(&in, 0x1000000, 0x200000, why, sizeof(why)) == -1);
    CHECK(strstr(why, "at 0x1000000-0x10fc000") != 0);
}

TEST(pvhload_place_names_a_hole_between_free_ranges)
{
    struct mem_range usable[] = {{0x203a000, 0x3f4c000}};
    struct mem_range free[] = {{0x2100000, 0x2200000}, {0x2300000, 0x3f4c000}};
    struct place_input in = input(usable, 1, free, 2);

    CHECK(place_check(&in, 0x2150000, 0x200000, why, sizeof(why)) == -1);
    CHECK(strstr(why, "memory pvhload uses (heap, stacks, page tables) at "
                      "0x2200000-0x2300000") != 0);
    CHECK(place_check(&in, 0x2300000, 0x100000, why, sizeof(why)) == 0);
}

TEST(pvhload_place_refuses_its_image_module_page0_and_non_ram)
{
    struct mem_range usable[] = {{0x203a000, 0x3f4c000}};
    struct mem_range free[] = {{0x203a000, 0x3f4c000}};
    struct place_input in = input(usable, 1, free, 1);

    CHECK(place_check(&in, 0x1ff0000, 0x20000, why, sizeof(why)) == -1);
    CHECK(strstr(why, "collides with pvhload's image (code, data, stacks, "
                      "the start_info it builds) at 0x2000000-0x203a000") != 0);
    CHECK(place_check(&in, 0x3f00000, 0x50000, why, sizeof(why)) == -1);
    CHECK(strstr(why, "the kernel's ELF file (module 0) at "
                      "0x3f4c000-0x3fd7000") != 0);
    CHECK(place_check(&in, 0, 0x2000, why, sizeof(why)) == -1);
    CHECK(strstr(why, "page 0") != 0);
    CHECK(place_check(&in, 0x9f000, 0x2000, why, sizeof(why)) == -1);
    CHECK(strstr(why, "segment 0x9f000-0xa1000 is not RAM") != 0);
    CHECK(place_check(&in, 0x3fd8000, 0x10000, why, sizeof(why)) == -1);
    CHECK(strstr(why, "is not RAM") != 0);
}
