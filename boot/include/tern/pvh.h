/* The PVH start_info parser: validates what the loader gave and copies it
 * into struct boot_info.  Pure logic: reads only through a phys_window. */
#ifndef TERN_PVH_H
#define TERN_PVH_H

#include <tern/boot_info.h>
#include <tern/phys.h>

struct pvh_error {
    int status;     /* a TERN_EXIT_* value, 0 when there is no error */
    char msg[160];  /* one line naming the field, without "tern: fatal: " */
};

/* Fills memmap_source with NULL and memmap_count with 0 when the loader
 * gave no map; the caller then finds one elsewhere and calls
 * pvh_copy_payload. */
int pvh_read_header(const struct phys_window *w, uint64_t start_info_paddr,
                    struct boot_info *bi, struct pvh_error *err);

/* Validates and copies cmdline, module list and module cmdlines against
 * bi->memmap (which must be filled). */
int pvh_copy_payload(const struct phys_window *w, struct boot_info *bi,
                     struct pvh_error *err);

/* Where the loader's data may lie (boot/pvh_memory.c), never on a
 * device.  start_info, cmdline, module list and module cmdlines: map
 * entries of type RAM, ACPI or NVS, or the legacy area below 1 MiB
 * whatever the map says of it, except the VGA window 0xa0000-0xbffff.
 * Modules: RAM entries only.  A range may span several entries. */
bool pvh_in_memory(const struct boot_info *bi, uint64_t addr, uint64_t len);
bool pvh_module_in_ram(const struct boot_info *bi, uint64_t addr,
                       uint64_t len);

/* Why the range is refused, for the fatal line: the first address that
 * may not hold the data and what the map calls it ("0xb0000000 is
 * reserved in the memory map, a device or firmware range").  "" when the
 * range is fine. */
void pvh_explain_place(const struct boot_info *bi, uint64_t addr,
                       uint64_t len, bool module, char *buf, unsigned cap);

/* The ranges the loader's data occupies (start_info, its memmap, cmdline,
 * module list, modules, their cmdlines) plus the kernel image: what the
 * memory sanitiser must keep out of the free pool. */
unsigned pvh_reserved_ranges(const struct boot_info *bi,
                             struct mem_range *out, unsigned cap);

#endif
