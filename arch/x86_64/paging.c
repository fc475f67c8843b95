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
#define PTE_PWT 0x8ull
#define PTE_PCD 0x10ull
#define PTE_PS 0x80ull
#define PTE_ADDR 0x000ffffffffff000ull
#define FOUR_GIB (4ull << 30)
#define TWO_MIB (2ull << 20)

extern uint64_t boot_pml4[512];

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

/* The 4 KiB page-table entry for addr, splitting the 2 MiB page that maps
 * it into 512 small ones on first use. */
static uint64_t *pte_4k(uint64_t addr)
{
    uint64_t *pdpt = next_table(boot_pml4, (addr >> 39) & 511);
    uint64_t *pd = next_table(pdpt, (addr >> 30) & 511);
    uint64_t *pde = &pd[(addr >> 21) & 511];
    uint64_t *pt;

    if (*pde & PTE_PS) {
        uint64_t base = *pde & ~(TWO_MIB - 1) & PTE_ADDR;

        pt = (uint64_t *)(uintptr_t)page_alloc_low(1, FOUR_GIB);
        if (!pt)
            tern_fatal(TERN_EXIT_PANIC, "paging: no page to split 0x%llx",
                       (unsigned long long)addr);
        for (unsigned i = 0; i < 512; i++)
            pt[i] = (base + i * PAGE_SIZE) | PTE_P | PTE_W;
        *pde = (uintptr_t)pt | PTE_P | PTE_W;
    } else {
        pt = next_table(pd, (addr >> 21) & 511);
    }
    return &pt[(addr >> 12) & 511];
}

void paging_set_present(uint64_t addr, bool present)
{
    uint64_t page = addr & ~(PAGE_SIZE - 1);

    *pte_4k(page) = present ? page | PTE_P | PTE_W : 0;
    __asm__ volatile("invlpg (%0)" : : "r"((uintptr_t)page) : "memory");
}

extern uint64_t boot_pd[4 * 512];

/* Device memory must not be cached: drivers call this for each MMIO
 * region they use (the identity map is write-back everywhere otherwise). */
void paging_uncache(uint64_t addr)
{
    uint64_t *pdpt = next_table(boot_pml4, (addr >> 39) & 511);
    uint64_t *pd = next_table(pdpt, (addr >> 30) & 511);
    uint64_t *pde = &pd[(addr >> 21) & 511];

    if (*pde & PTE_PS)
        *pde |= PTE_PCD | PTE_PWT;
    else
        *pte_4k(addr) |= PTE_PCD | PTE_PWT;
    write_cr3(read_cr3());
}
