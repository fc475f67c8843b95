/* start_info parser: the well-formed case and every bad-input case the
 * trust boundary names, each with its line and its exit status. */
#include <string.h>
#include <tern/exit.h>
#include <tern/pvh.h>
#include "fake_machine.h"
#include "test.h"

static struct boot_info bi;
static struct pvh_error err;

/* Both phases, as pvh_start_c runs them. */
static int parse(void)
{
    bi.image_start = IMAGE_START;
    bi.image_end = IMAGE_END;
    if (pvh_read_header(&fake_window, SI_ADDR, &bi, &err))
        return -1;
    return pvh_copy_payload(&fake_window, &bi, &err);
}

static int fails_with(int status, const char *words)
{
    return parse() == -1 && err.status == status && strstr(err.msg, words);
}

TEST(pvh_well_formed_start_info_is_copied)
{
    fake_start_info("tern.loglevel=debug -- a b");
    fake_add_module(0x200000, 1000, "first.bin");
    fake_add_module(0x300000, 5, NULL);
    fake_si()->rsdp_paddr = 0xf5000;
    CHECK(parse() == 0);
    CHECK(bi.version == 1 && bi.nr_modules == 2);
    CHECK(strcmp(bi.cmdline, "tern.loglevel=debug -- a b") == 0);
    CHECK(bi.memmap_count == 3 && !strcmp(bi.memmap_source, "start_info"));
    CHECK(bi.memmap[2].addr == 0x100000 && bi.memmap[2].size == 0x280000);
    CHECK(bi.modules[0].present && bi.modules[0].paddr == 0x200000);
    CHECK(bi.modules[0].size == 1000);
    CHECK(!strcmp(bi.modules[0].cmdline, "first.bin"));
    CHECK(bi.modules[1].cmdline[0] == 0);
    CHECK(bi.rsdp_paddr == 0xf5000);
    CHECK(bi.image_start == IMAGE_START && bi.image_end == IMAGE_END);
}

TEST(pvh_copies_survive_the_loader_data_being_overwritten)
{
    fake_start_info("keep me");
    fake_add_module(0x200000, 10, "mod");
    CHECK(parse() == 0);
    memset(fake_mem, 0xee, 0x10000);
    CHECK(!strcmp(bi.cmdline, "keep me"));
    CHECK(!strcmp(bi.modules[0].cmdline, "mod"));
    CHECK(bi.memmap[0].size == 0x9fc00);
}

TEST(pvh_reserved_ranges_cover_image_and_loader_data)
{
    struct mem_range r[40];
    unsigned n;
    int found_module = 0, found_image = 0;

    fake_start_info("x");
    fake_add_module(0x200000, 0x1234, "m");
    CHECK(parse() == 0);
    n = pvh_reserved_ranges(&bi, r, 40);
    CHECK(n == 7); /* image, start_info, memmap, cmdline, modlist, mod, cmd */
    for (unsigned i = 0; i < n; i++) {
        found_module |= r[i].start == 0x200000 && r[i].end == 0x201234;
        found_image |= r[i].start == IMAGE_START && r[i].end == IMAGE_END;
    }
    CHECK(found_module && found_image);
}

TEST(pvh_bad_magic_is_fatal)
{
    fake_start_info(NULL);
    fake_si()->magic = 0x12345678;
    CHECK(fails_with(TERN_EXIT_BAD_START_INFO, "bad magic 0x12345678"));
}

TEST(pvh_start_info_at_zero_or_outside_memory_is_fatal)
{
    fake_start_info(NULL);
    CHECK(pvh_read_header(&fake_window, 0, &bi, &err) == -1);
    CHECK(err.status == TERN_EXIT_BAD_START_INFO);
    CHECK(pvh_read_header(&fake_window, FAKE_MEM_SIZE - 8, &bi, &err) == -1);
    CHECK(strstr(err.msg, "outside addressable memory"));
    CHECK(pvh_read_header(&fake_window, UINT64_MAX - 3, &bi, &err) == -1);
}

TEST(pvh_start_info_over_the_kernel_image_is_fatal)
{
    fake_start_info(NULL);
    memcpy(at(IMAGE_START + 0x100), fake_si(), sizeof(struct hvm_start_info));
    bi.image_start = IMAGE_START;
    bi.image_end = IMAGE_END;
    CHECK(pvh_read_header(&fake_window, IMAGE_START + 0x100, &bi, &err) == -1);
    CHECK(err.status == TERN_EXIT_BAD_START_INFO);
    CHECK(strstr(err.msg, "lies inside the kernel image 0x100000-0x120000"));
    CHECK(pvh_read_header(&fake_window, IMAGE_START - 8, &bi, &err) == -1);
}

TEST(pvh_newer_version_is_read_as_version_1_with_a_note)
{
    fake_start_info("v2");
    fake_si()->version = 7;
    CHECK(parse() == 0);
    CHECK(bi.version == 7 && bi.memmap_count == 3);
    CHECK(log_contains("version 7 is newer than 1"));
}

TEST(pvh_version_0_ignores_memmap_fields)
{
    fake_start_info(NULL);
    fake_si()->version = 0;
    bi.image_start = IMAGE_START;
    bi.image_end = IMAGE_END;
    CHECK(pvh_read_header(&fake_window, SI_ADDR, &bi, &err) == 0);
    CHECK(bi.memmap_count == 0 && bi.memmap_source == NULL);
}

TEST(pvh_memmap_count_too_large_is_fatal)
{
    fake_start_info(NULL);
    fake_si()->memmap_entries = BOOT_MAX_MEMMAP + 1;
    CHECK(fails_with(TERN_EXIT_BAD_MEMMAP, "exceeds the maximum"));
    fake_si()->memmap_entries = 0xffffffffu;
    CHECK(fails_with(TERN_EXIT_BAD_MEMMAP, "memmap_entries=4294967295"));
}

TEST(pvh_memmap_entry_wrapping_past_2_64_is_fatal)
{
    struct hvm_memmap_table_entry *map = at(MEMMAP_ADDR);

    fake_start_info(NULL);
    map[1].addr = 0xfffffffffffff000ull;
    map[1].size = 0x2000;
    CHECK(fails_with(TERN_EXIT_BAD_MEMMAP, "entry 1"));
    CHECK(strstr(err.msg, "wraps past 2^64"));
}

TEST(pvh_memmap_outside_addressable_memory_is_fatal)
{
    fake_start_info(NULL);
    fake_si()->memmap_paddr = FAKE_MEM_SIZE - 24;
    CHECK(fails_with(TERN_EXIT_BAD_MEMMAP, "entry 1 is outside"));
}

TEST(pvh_memmap_address_zero_means_absent)
{
    fake_start_info(NULL);
    fake_si()->memmap_paddr = 0;
    bi.image_start = IMAGE_START;
    bi.image_end = IMAGE_END;
    CHECK(pvh_read_header(&fake_window, SI_ADDR, &bi, &err) == 0);
    CHECK(bi.memmap_count == 0);
    CHECK(log_contains("treating the map as absent"));
}

TEST(pvh_cmdline_outside_memory_is_fatal)
{
    fake_start_info(NULL);
    fake_si()->cmdline_paddr = 0x3c0000; /* in the window, not in the map */
    CHECK(fails_with(TERN_EXIT_BAD_CMDLINE, "outside memory"));
    fake_si()->cmdline_paddr = 0xffffffff00000000ull;
    CHECK(fails_with(TERN_EXIT_BAD_CMDLINE, "cmdline_paddr=0xffffffff00000000"));
}

TEST(pvh_cmdline_running_off_the_end_of_ram_is_fatal)
{
    fake_start_info(NULL);
    memset(at(0x37fff0), 'a', 16); /* last bytes of RAM, no NUL */
    fake_si()->cmdline_paddr = 0x37fff0;
    CHECK(fails_with(TERN_EXIT_BAD_CMDLINE, "outside memory"));
}

TEST(pvh_unterminated_cmdline_is_fatal)
{
    fake_start_info(NULL);
    memset(at(0x200000), 'a', BOOT_CMDLINE_MAX + 10);
    fake_si()->cmdline_paddr = 0x200000;
    CHECK(fails_with(TERN_EXIT_BAD_CMDLINE, "unterminated within 2048"));
}

TEST(pvh_longest_cmdline_fits)
{
    fake_start_info(NULL);
    memset(at(0x200000), 'b', BOOT_CMDLINE_MAX - 1);
    fake_si()->cmdline_paddr = 0x200000;
    CHECK(parse() == 0);
    CHECK(strlen(bi.cmdline) == BOOT_CMDLINE_MAX - 1);
}

TEST(pvh_module_count_too_large_is_fatal)
{
    fake_start_info(NULL);
    fake_si()->nr_modules = BOOT_MAX_MODULES + 1;
    fake_si()->modlist_paddr = MODLIST_ADDR;
    CHECK(fails_with(TERN_EXIT_BAD_MODULE, "nr_modules=17 exceeds"));
}

TEST(pvh_modules_without_a_list_is_fatal)
{
    fake_start_info(NULL);
    fake_si()->nr_modules = 1;
    CHECK(fails_with(TERN_EXIT_BAD_MODULE, "modlist_paddr is 0"));
}

TEST(pvh_module_list_outside_memory_is_fatal)
{
    fake_start_info(NULL);
    fake_add_module(0x200000, 10, NULL);
    fake_si()->modlist_paddr = 0x3c0000;
    CHECK(fails_with(TERN_EXIT_BAD_MODULE, "modlist entry 0"));
}

TEST(pvh_module_outside_ram_is_fatal)
{
    fake_start_info(NULL);
    fake_add_module(0x370000, 0x20000, NULL); /* runs past 0x380000 */
    CHECK(fails_with(TERN_EXIT_BAD_MODULE, "module 0 (0x370000"));
    CHECK(strstr(err.msg, "is not in RAM (0x380000 is in no memory-map "
                          "entry)"));
}

TEST(pvh_module_wrapping_is_fatal)
{
    fake_start_info(NULL);
    fake_add_module(0x200000, UINT64_MAX - 0x1000, NULL);
    CHECK(fails_with(TERN_EXIT_BAD_MODULE, "not in RAM (it wraps past 2^64)"));
}

TEST(pvh_module_over_the_kernel_image_is_fatal)
{
    fake_start_info(NULL);
    fake_add_module(IMAGE_END - 0x10, 0x100, NULL);
    CHECK(fails_with(TERN_EXIT_BAD_MODULE, "overlaps the kernel image"));
}

TEST(pvh_module_at_address_zero_is_absent)
{
    fake_start_info(NULL);
    fake_add_module(0, 100, NULL);
    fake_add_module(0x200000, 100, NULL);
    CHECK(parse() == 0);
    CHECK(!bi.modules[0].present && bi.modules[1].present);
    CHECK(log_contains("module 0 has address 0"));
}

TEST(pvh_unterminated_module_cmdline_is_fatal)
{
    struct hvm_modlist_entry *m = at(MODLIST_ADDR);

    fake_start_info(NULL);
    fake_add_module(0x200000, 100, NULL);
    m[0].cmdline_paddr = 0x210000;
    memset(at(0x210000), 'x', BOOT_MOD_CMDLINE_MAX + 1);
    CHECK(fails_with(TERN_EXIT_BAD_MODULE, "module 0 cmdline"));
    CHECK(strstr(err.msg, "unterminated"));
}

/* One header field at a time set to a hostile value: the verdict is the
 * one that field's rule gives, with its status and the line naming the
 * field, not just "some error".  The fake machine: RAM up to 0x380000
 * (plus the legacy area below 1 MiB), a 4 MiB window, three map entries
 * at MEMMAP_ADDR, cmdline "x". */
struct mutation_verdict {
    int status; /* 0: parsed */
    char words[96];
};

#define RAM_END 0x380000ull
#define FIELD_MAGIC 0
#define FIELD_NR_MODULES 12
#define FIELD_CMDLINE 24
#define FIELD_MEMMAP_PADDR 40
#define FIELD_MEMMAP_ENTRIES 48

static const struct {
    unsigned off, size;
} header_fields[] = {{0, 4},  {4, 4},  {8, 4},  {12, 4}, {16, 8},
                     {24, 8}, {32, 8}, {40, 8}, {48, 4}, {52, 4}};

static void verdict(struct mutation_verdict *v, int status, const char *fmt,
                    unsigned long long x)
{
    v->status = status;
    snprintf(v->words, sizeof(v->words), fmt, x);
}

static void expected(unsigned off, uint64_t x, struct mutation_verdict *v)
{
    v->status = 0;
    v->words[0] = 0;
    if (off == FIELD_MAGIC && x != XEN_HVM_START_MAGIC_VALUE)
        verdict(v, TERN_EXIT_BAD_START_INFO, "start_info: bad magic 0x%08llx",
                x);
    if (off == FIELD_NR_MODULES && x != 0)
        verdict(v, TERN_EXIT_BAD_MODULE,
                "start_info: nr_modules=%llu but modlist_paddr is 0", x);
    if (off == FIELD_CMDLINE && x >= RAM_END)
        verdict(v, TERN_EXIT_BAD_CMDLINE,
                "start_info: cmdline_paddr=0x%llx is outside memory", x);
    if (off == FIELD_MEMMAP_ENTRIES && x > BOOT_MAX_MEMMAP)
        verdict(v, TERN_EXIT_BAD_MEMMAP,
                "start_info: memmap_entries=%llu exceeds the maximum", x);
    if (off == FIELD_MEMMAP_PADDR && x != 0)
        for (unsigned i = 0; i < 3; i++) {
            uint64_t a = x + i * 24;

            if (a > FAKE_MEM_SIZE - 24) {
                char fmt[96];

                snprintf(fmt, sizeof(fmt),
                         "start_info: memmap_paddr=0x%%llx entry %u is "
                         "outside addressable memory", i);
                verdict(v, TERN_EXIT_BAD_MEMMAP, fmt, x);
                break;
            }
        }
}

/* Zero, small numbers, addresses in RAM, at its end, at the window's end,
 * and anything at all. */
static uint64_t hostile_value(unsigned *seed, unsigned size)
{
    static const uint64_t edges[] = {0, 1, RAM_END - 1, RAM_END,
                                     FAKE_MEM_SIZE - 72, FAKE_MEM_SIZE - 24,
                                     FAKE_MEM_SIZE, BOOT_MAX_MEMMAP,
                                     BOOT_MAX_MEMMAP + 1, ~0ull, ~0ull - 23};
    uint64_t x = 0;

    for (int i = 0; i < 4; i++) {
        *seed = *seed * 1103515245 + 12345;
        x = x << 16 | (*seed >> 8 & 0xffff);
    }
    switch (x % 4) {
    case 0: x = edges[(x >> 8) % (sizeof(edges) / sizeof(edges[0]))]; break;
    case 1: x = (x >> 8) % RAM_END; break;
    case 2: x = (x >> 8) % 300; break;
    default: break;
    }
    return size == 4 ? (uint32_t)x : x;
}

TEST(pvh_each_header_mutation_gives_its_own_status_and_line)
{
    unsigned seed = 12345, checked = 0, failures = 0;

    for (int round = 0; round < 4000; round++) {
        unsigned f = round % (sizeof(header_fields) / sizeof(header_fields[0]));
        unsigned off = header_fields[f].off, size = header_fields[f].size;
        uint64_t x = hostile_value(&seed, size);
        struct mutation_verdict want;
        int rc, good;

        fake_start_info("x");
        memcpy((uint8_t *)at(SI_ADDR) + off, &x, size);
        expected(off, x, &want);
        rc = parse();
        good = want.status ? rc == -1 && err.status == want.status &&
                                 strstr(err.msg, want.words)
                           : rc == 0 && err.status == 0;
        /* The VGA window 0xa0000-0xbffff: whether boot data may sit there
         * is the placement rule's business (its own tests); either verdict
         * is fine here, but only the cmdline's own. */
        if (off == FIELD_CMDLINE && x >= 0xa0000 && x < 0xc0000)
            good = rc == 0 || (err.status == TERN_EXIT_BAD_CMDLINE &&
                               strstr(err.msg, "cmdline_paddr="));
        if (!good && failures++ < 5)
            printf("#   field at %u = 0x%llx: got %d \"%s\", want %d \"%s\"\n",
                   off, (unsigned long long)x, rc ? err.status : 0, err.msg,
                   want.status, want.words);
        checked += want.status != 0;
        CHECK(good);
    }
    CHECK(checked > 500); /* the hostile cases were really exercised */
}

/* Where loader data may lie: never on a device.  The fake map gains
 * entries above its RAM: ACPI, NVS, reserved (a device), unknown type 9. */
static void add_typed_entries(void)
{
    struct hvm_memmap_table_entry *map = at(MEMMAP_ADDR);

    map[3] = (struct hvm_memmap_table_entry){0x380000, 0x10000, 3, 0};
    map[4] = (struct hvm_memmap_table_entry){0x390000, 0x10000, 4, 0};
    map[5] = (struct hvm_memmap_table_entry){0x3a0000, 0x10000, 2, 0};
    map[6] = (struct hvm_memmap_table_entry){0x3b0000, 0x10000, 9, 0};
    map[7] = (struct hvm_memmap_table_entry){0x3c0000, 0x10000, 7, 0};
    fake_si()->memmap_entries = 8;
}

static void cmdline_at(uint64_t paddr)
{
    strcpy(at(paddr), "x=1");
    fake_si()->cmdline_paddr = paddr;
}

TEST(pvh_cmdline_on_a_device_or_unknown_type_is_refused)
{
    fake_start_info(NULL);
    add_typed_entries();
    cmdline_at(0x3a0000);
    CHECK(fails_with(TERN_EXIT_BAD_CMDLINE, "cmdline_paddr=0x3a0000 is outside "
                     "memory (0x3a0000 is reserved in the memory map, a device "
                     "or firmware range)"));
    cmdline_at(0x3b0000);
    CHECK(fails_with(TERN_EXIT_BAD_CMDLINE,
                     "(0x3b0000 is of unknown type 9 in the memory map)"));
    cmdline_at(0x3c0000);
    CHECK(fails_with(TERN_EXIT_BAD_CMDLINE, "(0x3c0000 is pmem in the memory "
                     "map)"));
    cmdline_at(0xb8000); /* below 1 MiB, but the VGA frame buffer */
    CHECK(fails_with(TERN_EXIT_BAD_CMDLINE, "(0xb8000 is in the VGA window "
                     "0xa0000-0xbffff, a device)"));
    /* A string running from RAM into the device range stops there. */
    memset(at(0x39fff0), 'a', 16);
    fake_si()->cmdline_paddr = 0x39fff0;
    CHECK(fails_with(TERN_EXIT_BAD_CMDLINE, "(0x3a0000 is reserved"));
}

TEST(pvh_boot_data_in_acpi_or_nvs_ram_is_accepted)
{
    fake_start_info(NULL);
    add_typed_entries();
    cmdline_at(0x380000);
    CHECK(parse() == 0 && !strcmp(bi.cmdline, "x=1"));
    cmdline_at(0x390000);
    CHECK(parse() == 0 && !strcmp(bi.cmdline, "x=1"));
    fake_add_module(0x200000, 100, NULL);
    fake_si()->modlist_paddr = 0x38f000; /* module list in ACPI RAM */
    memcpy(at(0x38f000), at(MODLIST_ADDR), 32);
    CHECK(parse() == 0 && bi.modules[0].present);
}

TEST(pvh_module_outside_ram_types_is_refused)
{
    fake_start_info(NULL);
    add_typed_entries();
    fake_add_module(0x3a0000, 0x1000, NULL);
    CHECK(fails_with(TERN_EXIT_BAD_MODULE, "module 0 (0x3a0000, 4096 bytes) "
                     "is not in RAM (0x3a0000 is reserved in the memory map, "
                     "a device or firmware range)"));
    fake_start_info(NULL);
    add_typed_entries();
    fake_add_module(0x37f000, 0x2000, NULL); /* RAM, then ACPI */
    CHECK(fails_with(TERN_EXIT_BAD_MODULE,
                     "(0x380000 is ACPI in the memory map, not RAM)"));
    fake_start_info(NULL);
    add_typed_entries();
    fake_add_module(0xf8000, 0x100, NULL); /* the BIOS segment: not RAM */
    CHECK(fails_with(TERN_EXIT_BAD_MODULE, "(0xf8000 is reserved"));
}

/* microvm's qboot, as measured: start_info in the BIOS segment (reserved),
 * cmdline and memory map in NVS at 0xefxxx, the module list on its stack
 * in low RAM.  All of it must keep booting. */
TEST(pvh_qboot_layout_below_1mib_is_accepted)
{
    struct hvm_memmap_table_entry *map = at(0xefbc0);
    struct hvm_start_info *si = at(0xf31e0);
    struct hvm_modlist_entry mod = {0x3ff000, 0x800, 0, 0};

    memset(fake_mem, 0, sizeof(fake_mem));
    fake_window.host_base = (uintptr_t)fake_mem;
    map[0] = (struct hvm_memmap_table_entry){0, 0x9fc00, 1, 0};
    map[1] = (struct hvm_memmap_table_entry){0x9fc00, 0x400, 2, 0};
    map[2] = (struct hvm_memmap_table_entry){0xd0000, 0x20000, 4, 0};
    map[3] = (struct hvm_memmap_table_entry){0xf0000, 0x10000, 2, 0};
    map[4] = (struct hvm_memmap_table_entry){0x100000, 0x300000, 1, 0};
    map[5] = (struct hvm_memmap_table_entry){0, 0, 0, 0};
    *si = (struct hvm_start_info){.magic = XEN_HVM_START_MAGIC_VALUE,
                                  .version = 1, .nr_modules = 1,
                                  .modlist_paddr = 0x7b7c,
                                  .cmdline_paddr = 0xefc50,
                                  .memmap_paddr = 0xefbc0,
                                  .memmap_entries = 6};
    strcpy(at(0xefc50), "tern.exit=debugexit");
    memcpy(at(0x7b7c), &mod, sizeof(mod)); /* misaligned, as qboot has it */
    bi.image_start = IMAGE_START;
    bi.image_end = IMAGE_END;
    CHECK(pvh_read_header(&fake_window, 0xf31e0, &bi, &err) == 0);
    CHECK(pvh_copy_payload(&fake_window, &bi, &err) == 0);
    CHECK(!strcmp(bi.cmdline, "tern.exit=debugexit") && bi.modules[0].present);
}
