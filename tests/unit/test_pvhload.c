/* pvhload's pure parts: the ELF reader against crafted and random images,
 * and every start_info fault fed to Tern's own parser and sanitiser, as
 * the boot tests do end to end. */
#include <stdlib.h>
#include <string.h>
#include <tern/exit.h>
#include <tern/pvh.h>
#include "../../apps/pvhload/build.h"
#include "../../apps/pvhload/elf.h"
#include "fake_machine.h"
#include "test.h"

static uint8_t elf[4096];
static struct elf_image img;
static char why[160];

/* An ELF64 x86-64 with one PT_LOAD at 1 MiB and a PT_NOTE holding the Xen
 * PHYS32_ENTRY note (8-byte descriptor, like Tern's). */
static void make_elf(void)
{
    uint8_t *e = elf;
    uint64_t v64;
    uint32_t v32;
    uint16_t v16;

    memset(elf, 0, sizeof(elf));
    memcpy(e, "\177ELF\2\1\1", 7);
    v16 = 2, memcpy(e + 16, &v16, 2);            /* ET_EXEC */
    v16 = 62, memcpy(e + 18, &v16, 2);           /* EM_X86_64 */
    v64 = 64, memcpy(e + 32, &v64, 8);           /* e_phoff */
    v16 = 56, memcpy(e + 54, &v16, 2);           /* e_phentsize */
    v16 = 2, memcpy(e + 56, &v16, 2);            /* e_phnum */
    /* PT_LOAD: offset 0x200, paddr 0x100000, filesz 0x100, memsz 0x3000 */
    v32 = 1, memcpy(e + 64, &v32, 4);
    v64 = 0x200, memcpy(e + 64 + 8, &v64, 8);
    v64 = 0x100000, memcpy(e + 64 + 24, &v64, 8);
    v64 = 0x100, memcpy(e + 64 + 32, &v64, 8);
    v64 = 0x3000, memcpy(e + 64 + 40, &v64, 8);
    /* PT_NOTE at 0x400, 24 bytes */
    v32 = 4, memcpy(e + 120, &v32, 4);
    v64 = 0x400, memcpy(e + 120 + 8, &v64, 8);
    v64 = 24, memcpy(e + 120 + 32, &v64, 8);
    v32 = 4, memcpy(e + 0x400, &v32, 4);         /* namesz */
    v32 = 8, memcpy(e + 0x404, &v32, 4);         /* descsz */
    v32 = 18, memcpy(e + 0x408, &v32, 4);        /* type */
    memcpy(e + 0x40c, "Xen", 4);
    v64 = 0x100040, memcpy(e + 0x410, &v64, 8);  /* entry */
}

TEST(elf_well_formed_image)
{
    make_elf();
    CHECK(elf_parse(elf, sizeof(elf), &img, why, sizeof(why)) == 0);
    CHECK(img.entry == 0x100040 && img.nsegments == 1);
    CHECK(img.segments[0].paddr == 0x100000 && img.segments[0].memsz == 0x3000);
}

TEST(elf_bad_images_are_named)
{
    uint64_t v64;

    make_elf();
    CHECK(elf_parse(elf, 10, &img, why, sizeof(why)) == -1 &&
          strstr(why, "not an ELF"));
    elf[4] = 1;
    CHECK(elf_parse(elf, sizeof(elf), &img, why, sizeof(why)) == -1 &&
          strstr(why, "ELF64"));
    make_elf();
    CHECK(elf_parse(elf, 200, &img, why, sizeof(why)) == -1 &&
          strstr(why, "past the file's end"));
    make_elf();
    v64 = 0xffffffffff000ull, memcpy(elf + 64 + 24, &v64, 8);
    CHECK(elf_parse(elf, sizeof(elf), &img, why, sizeof(why)) == -1 &&
          strstr(why, "not below 4 GiB"));
    make_elf();
    memcpy(elf + 0x40c, "Xeo", 4);
    CHECK(elf_parse(elf, sizeof(elf), &img, why, sizeof(why)) == -1 &&
          strstr(why, "no Xen PHYS32_ENTRY note"));
    make_elf();
    v64 = 0xfff0, memcpy(elf + 32, &v64, 8);
    CHECK(elf_parse(elf, sizeof(elf), &img, why, sizeof(why)) == -1 &&
          strstr(why, "program headers"));
}

/* Found by fuzz_elf: an entry note pointing outside everything loaded
 * was accepted, and pvhload would have jumped into zeroes or a hole. */
TEST(elf_entry_outside_the_loaded_code_is_refused)
{
    uint64_t v64;

    make_elf();
    v64 = 0x200000, memcpy(elf + 0x410, &v64, 8); /* past every segment */
    CHECK(elf_parse(elf, sizeof(elf), &img, why, sizeof(why)) == -1 &&
          strstr(why, "PVH entry 0x200000 is not in any segment's file part"));
    make_elf();
    v64 = 0x100100, memcpy(elf + 0x410, &v64, 8); /* the zeroed tail */
    CHECK(elf_parse(elf, sizeof(elf), &img, why, sizeof(why)) == -1 &&
          strstr(why, "PVH entry 0x100100"));
    make_elf();
    v64 = 0x1000ff, memcpy(elf + 0x410, &v64, 8); /* last loaded byte */
    CHECK(elf_parse(elf, sizeof(elf), &img, why, sizeof(why)) == 0);
}

TEST(elf_random_mutations_never_crash)
{
    srand(3);
    for (int i = 0; i < 20000; i++) {
        make_elf();
        for (int k = 0; k < 1 + rand() % 8; k++)
            elf[rand() % 0x420] = (uint8_t)rand();
        if (elf_parse(elf, sizeof(elf), &img, why, sizeof(why)) == 0)
            CHECK(img.nsegments >= 1 && img.nsegments <= ELF_MAX_SEGMENTS);
        else
            CHECK(why[0] != 0);
    }
}

#define AREA 0x200000

static int used_fallback;

/* Build with a fault into fake memory, then parse as Tern would. */
static int build_and_parse(const char *fault, struct boot_info *bi,
                           struct pvh_error *err)
{
    static const struct mem_region map[] = {
        {0, 0x9fc00, 1}, {0xf0000, 0x10000, 2}, {0x100000, 0x280000, 1}};
    struct build_input in = {map, 3, "tern.exit=debugexit -- a", 0x300000,
                             0x1000, "kernel.elf", 0x100000, 0x120000,
                             0x380000, 0};
    uint64_t si;

    memset(fake_mem, 0, sizeof(fake_mem));
    fake_window.host_base = (uintptr_t)fake_mem;
    si = pvh_build(&in, fault, at(AREA), AREA, why, sizeof(why));
    if (!si)
        return -2;
    if (si != AREA)
        memcpy(at(si), at(AREA), 64);
    bi->image_start = 0x100000;
    bi->image_end = 0x120000;
    if (pvh_read_header(&fake_window, si, bi, err))
        return -1;
    used_fallback = bi->memmap_count == 0;
    if (used_fallback) { /* as pvh_start_c does, from fw_cfg or Xen */
        memcpy(bi->memmap, map, sizeof(map));
        bi->memmap_count = 3;
    }
    return pvh_copy_payload(&fake_window, bi, err);
}

TEST(pvhload_faults_meet_the_parser)
{
    static const struct {
        const char *fault;
        int status; /* 0: the parser accepts it */
    } want[] = {
        {"none", 0}, {"bad-magic", TERN_EXIT_BAD_START_INFO},
        {"version-2", 0}, {"version-0", 0}, {"no-memmap", 0},
        {"memmap-unsorted", 0}, {"memmap-overlap", 0},
        {"memmap-empty-entry", 0}, {"memmap-wrap", TERN_EXIT_BAD_MEMMAP},
        {"memmap-huge-count", TERN_EXIT_BAD_MEMMAP},
        {"memmap-no-ram", TERN_EXIT_BAD_START_INFO},
        {"memmap-apic-ram", 0}, /* left out of usable RAM by mm_init */
        {"cmdline-outside-ram", TERN_EXIT_BAD_CMDLINE},
        {"cmdline-unterminated", TERN_EXIT_BAD_CMDLINE},
        {"modules-huge-count", TERN_EXIT_BAD_MODULE},
        {"modlist-null", TERN_EXIT_BAD_MODULE},
        {"module-past-ram", TERN_EXIT_BAD_MODULE},
        {"module-over-image", TERN_EXIT_BAD_MODULE},
        {"module-high", 0}, /* the move itself is main.c's */
        {"start-info-in-image", TERN_EXIT_BAD_START_INFO},
        {"rsdp-page0", 0},
    };
    static struct boot_info bi;
    struct pvh_error err;

    CHECK(sizeof(want) / sizeof(want[0]) == pvh_nfaults);
    for (unsigned i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
        int rc = build_and_parse(want[i].fault, &bi, &err);

        if (want[i].status == 0)
            CHECK(rc == 0);
        else
            CHECK(rc == -1 && err.status == want[i].status);
        if ((rc == 0) != (want[i].status == 0))
            printf("#   fault %s: rc %d status %d (%s)\n", want[i].fault, rc,
                   err.status, err.msg);
    }
    CHECK(build_and_parse("no-such-fault", &bi, &err) == -2 &&
          strstr(why, "unknown fault"));
}

TEST(pvhload_legal_faults_reach_the_sanitiser_as_expected)
{
    static struct boot_info bi;
    struct pvh_error err;
    struct mem_range out[64];
    struct memmap_report rep;
    unsigned n, bad;

    CHECK(build_and_parse("memmap-unsorted", &bi, &err) == 0);
    CHECK(memmap_sanitise(bi.memmap, bi.memmap_count, NULL, 0, out, 64, &n,
                          &rep, &bad) == MEMMAP_OK && rep.unsorted > 0);
    /* The parser alone refuses start_info, which this map calls reserved;
     * a boot checks the image against the map first (mm_check_image, 116:
     * the pvhload boot test). */
    CHECK(build_and_parse("memmap-no-ram", &bi, &err) == -1 &&
          err.status == TERN_EXIT_BAD_START_INFO &&
          strstr(err.msg, "0x200000 is reserved in the memory map"));
    CHECK(!memmap_covers(bi.memmap, bi.memmap_count, MEM_TYPE_RAM,
                         bi.image_start, bi.image_end));
    CHECK(build_and_parse("version-0", &bi, &err) == 0 && used_fallback);
    CHECK(build_and_parse("no-memmap", &bi, &err) == 0 && used_fallback);
    CHECK(build_and_parse("none", &bi, &err) == 0 && !used_fallback);
}
