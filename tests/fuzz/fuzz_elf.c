/*
 * libFuzzer target: pvhload's ELF validation (apps/pvhload/elf.c).  The
 * input is the kernel file, in a heap buffer of exactly its size so ASan
 * stops any read past its end.  What elf_parse accepts must be loadable
 * as pvhload loads it: every segment's file part inside the file, no
 * larger than its memory part, all of it below 4 GiB, and the entry in
 * the file part of a segment (pvhload jumps there).  Any ASan/UBSan
 * report or broken invariant is a crash.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "../../apps/pvhload/elf.h"

#define FOUR_GIB (1ull << 32)

#define check(ok)                                                         \
    do {                                                                  \
        if (!(ok)) {                                                      \
            fprintf(stderr, "fuzz_elf.c:%d: %s\n", __LINE__, #ok);        \
            abort();                                                      \
        }                                                                 \
    } while (0)

static volatile uint8_t sink;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    uint8_t *file = malloc(size ? size : 1);
    struct elf_image img;
    char why[128];
    int entry_loaded = 0;

    memcpy(file, data, size);
    if (elf_parse(file, size, &img, why, sizeof(why))) {
        check(why[0] && memchr(why, 0, sizeof(why)));
        free(file);
        return 0;
    }
    check(img.nsegments >= 1 && img.nsegments <= ELF_MAX_SEGMENTS);
    for (unsigned i = 0; i < img.nsegments; i++) {
        const struct elf_segment *s = &img.segments[i];
        uint8_t x = 0;

        entry_loaded |= img.entry >= s->paddr &&
                        img.entry - s->paddr < s->filesz;

        check(s->offset <= size && s->filesz <= size - s->offset);
        check(s->filesz <= s->memsz && s->memsz > 0);
        check(s->paddr < FOUR_GIB && s->memsz <= FOUR_GIB - s->paddr);
        for (uint64_t b = 0; b < s->filesz; b++) /* what load() copies */
            x ^= file[s->offset + b];
        sink = x;
    }
    check(entry_loaded); /* pvhload jumps there: it must be loaded code */
    free(file);
    return 0;
}
