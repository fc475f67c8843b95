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

/* What the parser counts as memory for loader data: inside the map's
 * entries of any type, or below 1 MiB (the legacy area maps leave holes
 * in); the range may span both. */
bool pvh_in_memory(const struct boot_info *bi, uint64_t addr, uint64_t len);

/* The ranges the loader's data occupies (start_info, its memmap, cmdline,
 * module list, modules, their cmdlines) plus the kernel image: what the
 * memory sanitiser must keep out of the free pool. */
unsigned pvh_reserved_ranges(const struct boot_info *bi,
                             struct mem_range *out, unsigned cap);

#endif
