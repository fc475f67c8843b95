/* The kernel's identity map, on the page tables the entry built (2 MiB
 * pages over [0, 4 GiB)), changed only through the walker in
 * pagetable.c.  Table pages come from the page allocator below 4 GiB,
 * which the entry's map covers, so a new table can be written at once. */
#include <tern/exit.h>
#include <tern/io.h>
#include <tern/log.h>
#include <tern/mm.h>
#include <tern/pagetable.h>

#define FOUR_GIB (4ull << 30)
#define TWO_MIB (2ull << 20)
#define CR0_WP (1ull << 16)
#define MSR_EFER 0xc0000080
#define EFER_NXE (1ull << 11)
#define CPUID_EXT_NX (1u << 20)

extern uint64_t boot_pml4[512];
extern char _text_start[], _text_end[], _rodata_end[];

static uint64_t alloc_table(void *ctx)
{
    (void)ctx;
    return page_alloc_low(1, FOUR_GIB);
}

static uint64_t *table_at(void *ctx, uint64_t paddr)
{
    (void)ctx;
    return (uint64_t *)(uintptr_t)paddr;
}

static struct pagetable kernel_pt = {
    (uintptr_t)boot_pml4, alloc_table, table_at, 0,
    PT_P | PT_W | PT_PWT | PT_PCD, /* PT_NX once EFER.NXE is on */
};

/* The end of the highest mapping made so far (the entry maps 4 GiB):
 * where the no-execute sweep can stop. */
static uint64_t mapped_top = FOUR_GIB;

static enum pt_status map(uint64_t start, uint64_t end, uint64_t attrs)
{
    enum pt_status st = pt_map(&kernel_pt, start, end, attrs);

    if (st == PT_OK && end > mapped_top)
        mapped_top = end;
    return st;
}

/* Bits of physical address the CPU implements (CPUID 0x80000008). */
unsigned paging_phys_bits(void)
{
    uint32_t a, b, c, d;

    cpuid(0x80000000, &a, &b, &c, &d);
    if (a < 0x80000008)
        return 36;
    cpuid(0x80000008, &a, &b, &c, &d);
    return a & 0xff;
}

/* Run a walker result: a change that cannot be made leaves the kernel
 * without memory it counted on, so it is fatal, with what was asked. */
static void done(enum pt_status st, const char *what, uint64_t start,
                 uint64_t end)
{
    if (st == PT_NO_MEMORY)
        tern_fatal(TERN_EXIT_PANIC, "paging: no page for a page table "
                   "(%s 0x%llx-0x%llx)", what, (unsigned long long)start,
                   (unsigned long long)end);
    if (st != PT_OK)
        tern_fatal(TERN_EXIT_PANIC, "paging: %s 0x%llx-0x%llx: not "
                   "mappable", what, (unsigned long long)start,
                   (unsigned long long)end);
    write_cr3(read_cr3()); /* drop stale translations, large ones too */
}

void paging_map_ram(const struct mem_range *ram, unsigned n)
{
    for (unsigned i = 0; i < n; i++) {
        uint64_t start = ram[i].start < FOUR_GIB ? FOUR_GIB : ram[i].start;

        if (start < ram[i].end)
            done(map(start, ram[i].end, PT_DATA), "RAM",
                 start, ram[i].end);
    }
}

int paging_map_mmio(uint64_t phys, uint64_t size)
{
    uint64_t end = phys + size;
    const struct mem_range *ram;

    if (size == 0)
        return 0;
    if (end < phys || end > (1ull << paging_phys_bits()) || end > PT_ADDR_LIMIT) {
        pr_err("paging: MMIO 0x%llx-0x%llx lies past the CPU's %u-bit "
               "physical address space",
               (unsigned long long)phys, (unsigned long long)end,
               paging_phys_bits());
        return -1;
    }
    if ((ram = mm_ram_in_use(phys & ~(PAGE_SIZE - 1),
                             (end + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1)))) {
        pr_err("paging: MMIO 0x%llx-0x%llx overlaps RAM in use "
               "0x%llx-0x%llx: not mapped",
               (unsigned long long)phys, (unsigned long long)end,
               (unsigned long long)ram->start, (unsigned long long)ram->end);
        return -1;
    }
    done(map(phys, end, PT_MMIO), "MMIO", phys, end);
    return 0;
}

void paging_uncache(uint64_t addr)
{
    paging_map_mmio(addr, 1);
}

void paging_set_present(uint64_t addr, bool present)
{
    uint64_t page = addr & ~(PAGE_SIZE - 1), size;
    enum pt_status st;

    pt_lookup(&kernel_pt, page, &size);
    if (present && !size) /* never mapped: map it as data */
        st = map(page, page + PAGE_SIZE, PT_DATA);
    else
        st = pt_change(&kernel_pt, page, page + PAGE_SIZE,
                       present ? PT_P : 0, present ? 0 : PT_P);
    done(st, present ? "map" : "unmap", page, page + PAGE_SIZE);
}

uint64_t paging_query(uint64_t addr, uint64_t *page_size)
{
    return pt_lookup(&kernel_pt, addr, page_size);
}

static bool cpu_has_nx(void)
{
    uint32_t a, b, c, d;

    cpuid(0x80000000, &a, &b, &c, &d);
    if (a < 0x80000001)
        return false;
    cpuid(0x80000001, &a, &b, &c, &d);
    return d & CPUID_EXT_NX;
}

/* Text read-only and executable, rodata read-only, everything else (data,
 * bss, stacks, heap, page tables, devices) writable where it was and never
 * executable.  CR0.WP makes the kernel itself honour read-only pages. */
const char *paging_protect_kernel(void)
{
    uint64_t text = (uintptr_t)_text_start, etext = (uintptr_t)_text_end;
    uint64_t erodata = (uintptr_t)_rodata_end;
    bool nx = cpu_has_nx();
    /* The entry built [0, 4 GiB) no-execute but for the text's 2 MiB
     * pages when it could (EFER.NXE on says so): only those pages and
     * what C mapped above 4 GiB are left to sweep. */
    bool entry_nx = nx && (rdmsr(MSR_EFER) & EFER_NXE);
    uint64_t low_end = entry_nx ? (etext + TWO_MIB - 1) & ~(TWO_MIB - 1)
                                : mapped_top;

    if (nx) {
        wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_NXE);
        kernel_pt.supported |= PT_NX;
    }
    /* Not the text itself: this code runs from it while the map changes.
     * The sweep past the text first: it splits the image's 2 MiB page
     * and marks most of it in the same pass. */
    done(pt_change(&kernel_pt, etext, low_end, PT_NX, 0), "protect",
         etext, low_end);
    if (entry_nx && mapped_top > FOUR_GIB)
        done(pt_change(&kernel_pt, FOUR_GIB, mapped_top, PT_NX, 0),
             "protect", FOUR_GIB, mapped_top);
    done(pt_change(&kernel_pt, entry_nx ? text & ~(TWO_MIB - 1) : 0, text,
                   PT_NX, 0), "protect", 0, text);
    done(pt_change(&kernel_pt, text, erodata, 0, PT_W), "protect", text,
         erodata);
    write_cr0(read_cr0() | CR0_WP);
    return nx ? "text read-only, the rest no-execute"
              : "text read-only (CPU without NX: all executable)";
}
