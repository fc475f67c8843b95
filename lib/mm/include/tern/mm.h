/* The kernel's memory: usable RAM from the boot memory map, and pages. */
#ifndef TERN_MM_H
#define TERN_MM_H

#include <stdbool.h>
#include <stdint.h>
#include <tern/boot_info.h>
#include <tern/page_alloc.h>

/* Sanitise bi's map, keep bi's reserved ranges out, start the page
 * allocator.  A map that cannot be used is fatal, with its own status. */
void mm_init(const struct boot_info *bi);

/* The kernel image must be RAM in bi's map: fatal 116 otherwise.  mm_init
 * checks it; an entry checks it earlier, before judging where the
 * loader's data lies against a map that is wrong as a whole. */
void mm_check_image(const struct boot_info *bi);

/* The sanitised usable RAM (what the allocator started with). */
const struct mem_range *mm_usable(unsigned *n);

/* npages of guest-physical frames that no memory-map entry names, above
 * RAM and above 4 GiB, 2 MiB aligned: for pages a hypervisor fills
 * in (Xen's grant table frames, through XENMEM_add_to_physmap).  Not
 * mapped: paging_map_ram them once they are backed.  0 when the CPU's
 * physical address width leaves no room. */
uint64_t mm_free_frames(uint64_t npages);

/* The range of RAM the kernel uses (usable RAM, the image, the loader's
 * start_info, command line and modules) that [start, end) overlaps, or
 * NULL: where no device register may be mapped. */
const struct mem_range *mm_ram_in_use(uint64_t start, uint64_t end);

/* Pages from the lowest free RAM; 0 when none is left. */
uint64_t page_alloc(uint64_t npages);
/* The same, from RAM that ends at or below limit. */
uint64_t page_alloc_low(uint64_t npages, uint64_t limit);
/* Give pages back.  A free of pages that are not allocated (never handed
 * out, or freed already) is fatal, naming the address. */
void page_free_run(uint64_t paddr, uint64_t npages);
const struct page_allocator *mm_pages(void);

/* arch: bits of physical address the CPU implements. */
unsigned paging_phys_bits(void);
/* arch: identity-map RAM above 4 GiB (the entry maps [0, 4 GiB)). */
void paging_map_ram(const struct mem_range *ram, unsigned n);
/* arch: map [phys, phys + size) uncached, not executable, wherever it
 * lies in the physical address space and whether or not it was mapped
 * before: drivers call it for every MMIO region they touch.  -1 with an
 * error line when the CPU cannot address it, or when it overlaps RAM the
 * kernel uses (mm_ram_in_use: the image's text would become writable and
 * not executable, a module or the heap uncached); size 0 maps nothing. */
int paging_map_mmio(uint64_t phys, uint64_t size);
/* arch: the same for the 4 KiB page holding addr. */
void paging_uncache(uint64_t addr);

/* arch: map or unmap one 4 KiB page of the identity map (NULL page,
 * stack guard pages). */
void paging_set_present(uint64_t addr, bool present);

/* arch: the attributes (PT_* bits of tern/pagetable.h) of the mapping of
 * addr and its page size; 0 and size 0 when addr is not mapped.  For
 * tests and diagnostics. */
uint64_t paging_query(uint64_t addr, uint64_t *page_size);

/* arch: write protection and no-execute on: the image's text read-only
 * and the only executable range, rodata read-only.  Says what it did. */
const char *paging_protect_kernel(void);

#endif
