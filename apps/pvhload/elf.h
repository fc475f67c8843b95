/* Reading a PVH kernel's ELF image: validated, never trusted.  Pure logic,
 * unit-tested on the host. */
#ifndef PVHLOAD_ELF_H
#define PVHLOAD_ELF_H

#include <stdint.h>

#define ELF_MAX_SEGMENTS 16

struct elf_segment {
    uint64_t paddr;  /* where it goes */
    uint64_t offset; /* where it is in the file */
    uint64_t filesz;
    uint64_t memsz;  /* filesz bytes copied, the rest zeroed */
};

struct elf_image {
    uint32_t entry; /* XEN_ELFNOTE_PHYS32_ENTRY */
    unsigned nsegments;
    struct elf_segment segments[ELF_MAX_SEGMENTS];
};

/* 0, or -1 with why[] naming what is wrong (bad magic, not ELF64/x86-64,
 * headers or segments outside the file, a segment above 4 GiB or
 * wrapping, no loadable segment, no PVH entry note, an entry outside every
 * segment's file part). */
int elf_parse(const uint8_t *file, uint64_t size, struct elf_image *out,
              char *why, unsigned whylen);

#endif
