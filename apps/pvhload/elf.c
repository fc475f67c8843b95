/* ELF64 program headers and the Xen PHYS32_ENTRY note (xen/elfnote.h). */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <xen/elfnote.h>
#include "elf.h"

#define PT_LOAD 1
#define PT_NOTE 4
#define EM_X86_64 62
#define FOUR_GIB (1ull << 32)

struct ehdr {
    uint8_t ident[16];
    uint16_t type, machine;
    uint32_t version;
    uint64_t entry, phoff, shoff;
    uint32_t flags;
    uint16_t ehsize, phentsize, phnum, shentsize, shnum, shstrndx;
};

struct phdr {
    uint32_t type, flags;
    uint64_t offset, vaddr, paddr, filesz, memsz, align;
};

static int fail(char *why, unsigned len, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int fail(char *why, unsigned len, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(why, len, fmt, ap);
    va_end(ap);
    return -1;
}

static int in_file(uint64_t size, uint64_t off, uint64_t len)
{
    return off <= size && len <= size - off;
}

/* Walk one PT_NOTE for "Xen" type 18; its descriptor is 4 or 8 bytes. */
static int find_entry(const uint8_t *file, const struct phdr *p,
                      uint32_t *entry)
{
    uint64_t off = p->offset, end = p->offset + p->filesz;

    while (end - off >= 12 && off < end) {
        uint32_t n[3];
        uint64_t name, desc, next;

        memcpy(n, file + off, 12);
        name = off + 12;
        desc = name + ((n[0] + 3ull) & ~3ull);
        next = desc + ((n[1] + 3ull) & ~3ull);
        if (next > end || next <= off)
            return -1;
        if (n[0] == 4 && !memcmp(file + name, "Xen", 4) &&
            n[2] == XEN_ELFNOTE_PHYS32_ENTRY && (n[1] == 4 || n[1] == 8)) {
            uint64_t v = 0;

            memcpy(&v, file + desc, n[1]);
            if (v >= FOUR_GIB)
                return -1;
            *entry = (uint32_t)v;
            return 0;
        }
        off = next;
    }
    return -1;
}

static int add_segment(struct elf_image *img, const struct phdr *p,
                       uint64_t size, char *why, unsigned len)
{
    if (!in_file(size, p->offset, p->filesz))
        return fail(why, len, "segment at offset 0x%llx (%llu bytes) runs "
                              "past the file's end",
                    (unsigned long long)p->offset,
                    (unsigned long long)p->filesz);
    if (p->filesz > p->memsz || p->memsz > FOUR_GIB ||
        p->paddr >= FOUR_GIB || p->paddr + p->memsz > FOUR_GIB)
        return fail(why, len, "segment 0x%llx (%llu bytes in memory) is "
                              "not below 4 GiB or is smaller than its file "
                              "part",
                    (unsigned long long)p->paddr,
                    (unsigned long long)p->memsz);
    if (img->nsegments == ELF_MAX_SEGMENTS)
        return fail(why, len, "more than %d loadable segments",
                    ELF_MAX_SEGMENTS);
    img->segments[img->nsegments++] =
        (struct elf_segment){p->paddr, p->offset, p->filesz, p->memsz};
    return 0;
}

/* pvhload jumps to the entry: it must be code the file loads, not a hole
 * or a segment's zeroed tail. */
static int entry_loaded(const struct elf_image *img)
{
    for (unsigned i = 0; i < img->nsegments; i++) {
        const struct elf_segment *s = &img->segments[i];

        if (img->entry >= s->paddr && img->entry - s->paddr < s->filesz)
            return 1;
    }
    return 0;
}

int elf_parse(const uint8_t *file, uint64_t size, struct elf_image *img,
              char *why, unsigned len)
{
    struct ehdr eh;
    int have_entry = 0;

    memset(img, 0, sizeof(*img));
    if (size < sizeof(eh) || memcmp(file, "\177ELF", 4))
        return fail(why, len, "not an ELF file");
    memcpy(&eh, file, sizeof(eh));
    if (eh.ident[4] != 2 || eh.ident[5] != 1 || eh.machine != EM_X86_64)
        return fail(why, len, "not a little-endian ELF64 x86-64 image "
                              "(class %u, data %u, machine %u)",
                    eh.ident[4], eh.ident[5], eh.machine);
    if (eh.phentsize != sizeof(struct phdr) || eh.phnum == 0 ||
        !in_file(size, eh.phoff, (uint64_t)eh.phnum * sizeof(struct phdr)))
        return fail(why, len, "program headers (offset 0x%llx, %u of %u "
                              "bytes) are missing or outside the file",
                    (unsigned long long)eh.phoff, eh.phnum, eh.phentsize);
    for (unsigned i = 0; i < eh.phnum; i++) {
        struct phdr p;

        memcpy(&p, file + eh.phoff + i * sizeof(p), sizeof(p));
        if (p.type == PT_LOAD && p.memsz &&
            add_segment(img, &p, size, why, len))
            return -1;
        if (p.type == PT_NOTE && !have_entry &&
            in_file(size, p.offset, p.filesz))
            have_entry = find_entry(file, &p, &img->entry) == 0;
    }
    if (img->nsegments == 0)
        return fail(why, len, "no loadable segment");
    if (!have_entry)
        return fail(why, len, "no Xen PHYS32_ENTRY note: not a PVH kernel");
    if (!entry_loaded(img))
        return fail(why, len, "PVH entry 0x%x is not in any segment's file "
                              "part: nothing would be loaded there",
                    img->entry);
    return 0;
}
