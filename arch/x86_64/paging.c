/* Identity mapping of RAM above 4 GiB, with 2 MiB pages, on the page
 * tables the entry built.  Table pages come from the page allocator, which
 * hands out low (already mapped) memory first. */
#include <string.h>
#include <tern/exit.h>
#include <tern/io.h>
#include <tern/log.h>
#include <tern/mm.h>

#define PTE_P 0x1ull
#define PTE_W 0x2ull
#define PTE_PS 0x80ull
#define PTE_ADDR 0x000ffffffffff000ull
#define FOUR_GIB (4ull << 30)
#define TWO_MIB (2ull << 20)

extern uint64_t boot_pml4[512];
extern uint64_t boot_pd[4 * 512];

static uint64_t *next_table(uint64_t *table, unsigned index)
{
    uint64_t page;

    if (!(table[index] & PTE_P)) {
        page = page_alloc_low(1, FOUR_GIB);
        if (!page)
            tern_fatal(TERN_EXIT_PANIC, "paging: no page for a page table");
        memset((void *)(uintptr_t)page, 0, PAGE_SIZE);
        table[index] = page | PTE_P | PTE_W;
    }
    return (uint64_t *)(uintptr_t)(table[index] & PTE_ADDR);
}

static void map_2m(uint64_t addr)
{
    uint64_t *pdpt = next_table(boot_pml4, (addr >> 39) & 511);
    uint64_t *pd = next_table(pdpt, (addr >> 30) & 511);

    pd[(addr >> 21) & 511] = addr | PTE_P | PTE_W | PTE_PS;
}

void paging_map_ram(const struct mem_range *ram, unsigned n)
{
    for (unsigned i = 0; i < n; i++) {
        uint64_t start = ram[i].start & ~(TWO_MIB - 1);

        if (start < FOUR_GIB)
            start = FOUR_GIB;
        for (uint64_t a = start; a < ram[i].end; a += TWO_MIB)
            map_2m(a);
    }
    write_cr3(read_cr3()); /* drop any stale translations */
}

/* Split the first 2 MiB into 4 KiB pages and leave page 0 out, so a NULL
 * dereference faults.  Done just before main(): the runtime itself reads
 * the BIOS data area (the EBDA pointer) while it searches for ACPI. */
void paging_unmap_null_page(void)
{
    uint64_t *pt = (uint64_t *)(uintptr_t)page_alloc_low(1, FOUR_GIB);

    if (!pt) {
        tern_log(LOG_WARN, "paging: no page to unmap page 0; NULL stays "
                           "readable");
        return;
    }
    pt[0] = 0;
    for (unsigned i = 1; i < 512; i++)
        pt[i] = (uint64_t)i * PAGE_SIZE | PTE_P | PTE_W;
    boot_pd[0] = (uintptr_t)pt | PTE_P | PTE_W;
    write_cr3(read_cr3());
}
