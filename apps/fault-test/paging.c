/*
 * fault-test's paging modes: what write protection and no-execute must
 * stop, and mappings that must keep working.
 *   write-text    write to main()'s code        #PF, error code 0x3
 *   write-rodata  write to a string constant    #PF, error code 0x3
 *   exec-data     call a "ret" in .data         #PF, error code 0x11
 *   exec-stack    call a "ret" on the stack     #PF, error code 0x11
 *   exec-heap     call a "ret" in page memory   #PF, error code 0x11
 *   mmio-high     map a page far above RAM uncached and read it (QEMU
 *                 7.2 reads zeros from unassigned space): no fault; and
 *                 a page past the CPU's physical addresses is refused
 *   mmio-over-text  map the page of this code as MMIO: refused, the
 *                 text stays read-only and executable
 *   lapic-split   unmap a page in the local APIC's 2 MiB and show that
 *                 the APIC's own page is still uncached
 */
#include <string.h>
#include <tern/mm.h>
#include <tern/pagetable.h>
#include <tern/tern.h>
#include "paging.h"

#define LAPIC_BASE 0xfee00000ull
#define HIGH_MMIO 0xfffff0000ull /* 64 GiB - 64 KiB: no RAM in a small VM */

static unsigned char ret_in_data[16] = {0xc3};
static const char constant[] = "read-only";

static void describe(const char *what, uint64_t addr)
{
    uint64_t size;
    uint64_t a = paging_query(addr, &size);

    tern_printf("fault-test: %s 0x%llx: page %llu KiB%s%s%s%s\n", what,
                (unsigned long long)addr, (unsigned long long)(size / 1024),
                a & PT_P ? " present" : " absent",
                a & PT_W ? " writable" : " read-only",
                (a & (PT_PCD | PT_PWT)) == (PT_PCD | PT_PWT) ? " uncached"
                                                             : " cached",
                a & PT_NX ? " no-execute" : " executable");
}

static int call(void *code)
{
    tern_printf("fault-test: calling 0x%llx\n",
                (unsigned long long)(uintptr_t)code);
    ((void (*)(void))code)();
    return 0;
}

static int mmio_high(void)
{
    volatile uint32_t *p = (volatile uint32_t *)(uintptr_t)HIGH_MMIO;

    describe("before", HIGH_MMIO);
    if (paging_map_mmio(HIGH_MMIO, 4096))
        return 1;
    describe("mapped", HIGH_MMIO);
    tern_printf("fault-test: read 0x%08x at 0x%llx\n", p[0],
                (unsigned long long)HIGH_MMIO);
    if (paging_map_mmio(1ull << 52, 4096) != -1)
        return 1;
    tern_printf("fault-test: MMIO at 2^52 refused\n");
    return 0;
}

static int mmio_over_text(void)
{
    uint64_t text = (uintptr_t)paging_fault & ~0xfffull;

    describe("text", text);
    if (paging_map_mmio(text, 4096) != -1)
        return 1;
    describe("text after", text);
    tern_printf("fault-test: MMIO over the kernel's text refused\n");
    return 0;
}

static int lapic_split(void)
{
    describe("lapic", LAPIC_BASE);
    paging_set_present(LAPIC_BASE + 0x10000, false);
    describe("lapic after a split nearby", LAPIC_BASE);
    describe("neighbour", LAPIC_BASE + 0x10000);
    paging_set_present(LAPIC_BASE + 0x10000, true);
    return 0;
}

int paging_fault(const char *how)
{
    unsigned char on_stack[16] = {0xc3};

    if (!strcmp(how, "write-text"))
        return *(volatile unsigned char *)(uintptr_t)paging_fault = 0xc3;
    if (!strcmp(how, "write-rodata"))
        return *(volatile char *)(uintptr_t)constant = 'x';
    if (!strcmp(how, "exec-data"))
        return call(ret_in_data);
    if (!strcmp(how, "exec-stack"))
        return call(on_stack);
    if (!strcmp(how, "exec-heap")) {
        unsigned char *page = (unsigned char *)(uintptr_t)page_alloc(1);

        page[0] = 0xc3;
        return call(page);
    }
    if (!strcmp(how, "mmio-high"))
        return mmio_high();
    if (!strcmp(how, "mmio-over-text"))
        return mmio_over_text();
    if (!strcmp(how, "lapic-split"))
        return lapic_split();
    return -1;
}
