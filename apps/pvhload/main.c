/*
 * pvhload: a PVH loader, and a hostile one on request.  Booted with a PVH
 * kernel's ELF image as its first module, it validates and loads the ELF,
 * builds a start_info (with a named fault injected: --fault=NAME), and
 * enters the kernel in the state the ABI prescribes.
 *
 *     pvhload [--fault=NAME] [--list] [-- kernel command line words]
 *
 * pvhload is linked at CONFIG_LOAD_ADDR (32 MiB) to stay clear of kernels
 * loaded at 1 MiB.  The kernel also receives its own image as module 0.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <tern/console.h>
#include <tern/mm.h>
#include <tern/tern.h>
#include "build.h"
#include "elf.h"
#include "place.h"

#define FOUR_GIB (4ull << 30)
#define TWO_MIB (2ull << 20)
#define MODULE_HIGH_SIZE (TWO_MIB + PAGE_SIZE)

void pvhload_jump(uint32_t entry, uint32_t start_info)
    __attribute__((noreturn));

extern char _image_start[], _image_end[];
static uint8_t area[LOADER_AREA_SIZE] __attribute__((aligned(4096)));
static char cmdline[BOOT_CMDLINE_MAX];

/* Every segment must land in RAM that pvhload does not use itself: not
 * its image, not the module it is copied from, not a page the runtime
 * has handed out (heap, stacks, page tables). */
static int check_segments(const struct boot_info *bi, const struct elf_image *img,
                          const struct boot_module *m)
{
    const struct page_allocator *pa = mm_pages();
    struct place_input in = {
        bi->memmap, bi->memmap_count, 0, 0, pa->free, pa->nfree,
        {(uintptr_t)_image_start, (uintptr_t)_image_end},
        {m->paddr, m->paddr + m->size}};
    char why[200];

    in.usable = mm_usable(&in.nusable);
    for (unsigned i = 0; i < img->nsegments; i++) {
        const struct elf_segment *s = &img->segments[i];

        if (place_check(&in, s->paddr, s->memsz, why, sizeof(why))) {
            printf("pvhload: %s\n", why);
            return -1;
        }
    }
    return 0;
}

static void load(const struct elf_image *img, const uint8_t *file)
{
    for (unsigned i = 0; i < img->nsegments; i++) {
        const struct elf_segment *s = &img->segments[i];
        uint8_t *dst = (uint8_t *)(uintptr_t)s->paddr;

        memcpy(dst, file + s->offset, s->filesz);
        memset(dst + s->filesz, 0, s->memsz - s->filesz);
    }
}

/* For --fault=module-high: the module copied to free RAM above 4 GiB, at
 * a 2 MiB boundary and padded with zeros to more than 2 MiB, so whole
 * 2 MiB pages hold nothing but the module (no usable RAM shares them,
 * and the kernel must map the module itself).  0 when no such RAM. */
static uint64_t place_module_high(const struct boot_module *m,
                                  uint64_t *size)
{
    const struct page_allocator *pa = mm_pages();

    *size = m->size > MODULE_HIGH_SIZE ? m->size : MODULE_HIGH_SIZE;
    *size = (*size + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
    for (unsigned i = pa->nfree; i-- > 0;) {
        const struct mem_range *r = &pa->free[i];
        uint64_t at;

        if (r->end - r->start < *size)
            continue;
        at = (r->end - *size) & ~(TWO_MIB - 1);
        if (at < r->start || at < FOUR_GIB)
            continue;
        memcpy((void *)(uintptr_t)at, (const void *)(uintptr_t)m->paddr,
               m->size);
        memset((uint8_t *)(uintptr_t)at + m->size, 0, *size - m->size);
        return at;
    }
    return 0;
}

static uint64_t map_end(const struct boot_info *bi)
{
    uint64_t end = 0;

    for (unsigned i = 0; i < bi->memmap_count; i++)
        if (bi->memmap[i].addr + bi->memmap[i].size > end)
            end = bi->memmap[i].addr + bi->memmap[i].size;
    return end;
}

static int parse_args(int argc, char **argv, const char **fault)
{
    int i = 1;

    for (; i < argc && strcmp(argv[i], "--"); i++) {
        if (!strncmp(argv[i], "--fault=", 8)) {
            *fault = argv[i] + 8;
        } else if (!strcmp(argv[i], "--list")) {
            for (unsigned f = 0; f < pvh_nfaults; f++)
                printf("pvhload: fault %-22s %s\n", pvh_faults[f].name,
                       pvh_faults[f].what);
            return 1;
        } else {
            printf("pvhload: unknown argument '%s'\n", argv[i]);
            return 2;
        }
    }
    for (i++; i < argc; i++) {
        if (cmdline[0])
            strncat(cmdline, " ", sizeof(cmdline) - strlen(cmdline) - 1);
        strncat(cmdline, argv[i], sizeof(cmdline) - strlen(cmdline) - 1);
    }
    return 0;
}

int main(int argc, char **argv)
{
    const struct boot_info *bi = tern_boot_info();
    const struct boot_module *m = &bi->modules[0];
    const char *fault = "none";
    struct elf_image img;
    char why[160];
    int rc = parse_args(argc, argv, &fault);
    struct build_input in;
    uint64_t si;

    if (rc)
        return rc == 1 ? 0 : rc;
    if (bi->nr_modules == 0 || !m->present) {
        printf("pvhload: no kernel: pass a PVH ELF image as the first "
               "module\n");
        return 2;
    }
    if (elf_parse((const uint8_t *)(uintptr_t)m->paddr, m->size, &img, why,
                  sizeof(why))) {
        printf("pvhload: module 0 (%llu bytes): %s\n",
               (unsigned long long)m->size, why);
        return 3;
    }
    if (check_segments(bi, &img, m))
        return 4;
    in = (struct build_input){bi->memmap, bi->memmap_count, cmdline,
                              m->paddr, m->size, "kernel.elf",
                              img.segments[0].paddr,
                              img.segments[0].paddr + img.segments[0].memsz,
                              map_end(bi), bi->rsdp_paddr};
    for (unsigned i = 1; i < img.nsegments; i++)
        if (img.segments[i].paddr + img.segments[i].memsz > in.image_end)
            in.image_end = img.segments[i].paddr + img.segments[i].memsz;
    if (!strcmp(fault, "module-high") &&
        !(in.module_paddr = place_module_high(m, &in.module_size))) {
        printf("pvhload: module-high: no free RAM above 4 GiB for %llu "
               "bytes (give the VM 5G)\n",
               (unsigned long long)MODULE_HIGH_SIZE);
        return 2;
    }
    si = pvh_build(&in, fault, area, (uintptr_t)area, why, sizeof(why));
    if (!si) {
        printf("pvhload: %s\n", why);
        return 2;
    }
    load(&img, (const uint8_t *)(uintptr_t)m->paddr);
    if (si != (uintptr_t)area) /* the fault moved start_info */
        memcpy((void *)(uintptr_t)si, area, 64);
    printf("pvhload: %u segment(s), entry 0x%x, start_info 0x%llx, fault "
           "%s, cmdline \"%s\"\n",
           img.nsegments, img.entry, (unsigned long long)si, fault, cmdline);
    fflush(stdout);
    console_flush();
    pvhload_jump(img.entry, (uint32_t)si);
}
