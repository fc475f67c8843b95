/*
 * bootinfo: print what the loader passed, as received, then what Tern
 * made of it.  Boot tests compare these lines with what they passed.
 * Arguments: "--touch-high" writes and reads back a page in the highest
 * usable range (proving RAM above 4 GiB is mapped); "--fill-memory" takes
 * every free page and writes all of it (what the allocator hands out must
 * be free to overwrite: power-off still reads the firmware's ACPI tables
 * afterwards); "--exit=N" makes N the exit status (proving the status
 * reaches the VMM); "--irq" lists the I/O APICs and routes the last GSI
 * of each to a vector of the allocator's, read back from the chip;
 * "--frames" asks for free guest-physical frames above the memory map.
 */
#include <string.h>
#include <tern/arch.h>
#include <tern/fwcfg.h>
#include <tern/mm.h>
#include <tern/tern.h>

static uint32_t crc32(const uint8_t *p, uint64_t n)
{
    uint32_t crc = 0xffffffffu;

    while (n--) {
        crc ^= *p++;
        for (int k = 0; k < 8; k++)
            crc = (crc >> 1) ^ (0xedb88320u & (0u - (crc & 1)));
    }
    return ~crc;
}

static void print_start_info(const struct boot_info *bi)
{
    tern_printf("bootinfo: magic 0x%08x version %u flags 0x%x\n", bi->magic,
                bi->version, bi->flags);
    tern_printf("bootinfo: start_info 0x%llx nr_modules %u modlist_paddr "
                "0x%llx cmdline_paddr 0x%llx memmap_paddr 0x%llx "
                "memmap_entries %u\n",
                (unsigned long long)bi->start_info_paddr, bi->nr_modules,
                (unsigned long long)bi->modlist_paddr,
                (unsigned long long)bi->cmdline_paddr,
                (unsigned long long)bi->memmap_paddr, bi->memmap_entries);
    tern_printf("bootinfo: cmdline \"%s\"\n", bi->cmdline);
    tern_printf("bootinfo: rsdp 0x%llx\n", (unsigned long long)bi->rsdp_paddr);
    tern_printf("bootinfo: modules %u\n", bi->nr_modules);
    for (unsigned i = 0; i < bi->nr_modules; i++) {
        const struct boot_module *m = &bi->modules[i];

        if (!m->present) {
            tern_printf("bootinfo: module %u absent\n", i);
            continue;
        }
        tern_printf("bootinfo: module %u addr 0x%llx size %llu crc32 "
                    "0x%08x cmdline \"%s\"\n",
                    i, (unsigned long long)m->paddr,
                    (unsigned long long)m->size,
                    crc32((const uint8_t *)(uintptr_t)m->paddr, m->size),
                    m->cmdline);
    }
    tern_printf("bootinfo: memmap %u entries from %s\n", bi->memmap_count,
                bi->memmap_source);
    for (unsigned i = 0; i < bi->memmap_count; i++)
        tern_printf("bootinfo: memmap %u addr 0x%llx size 0x%llx type %u "
                    "(%s)\n",
                    i, (unsigned long long)bi->memmap[i].addr,
                    (unsigned long long)bi->memmap[i].size,
                    bi->memmap[i].type, mem_type_name(bi->memmap[i].type));
}

/* The memory map Tern falls back on when start_info has none, shown
 * beside start_info's so tests can compare the two sources. */
static void print_fwcfg_map(void)
{
    static struct mem_region map[BOOT_MAX_MEMMAP];
    int n = fwcfg_read_e820(map, BOOT_MAX_MEMMAP);

    tern_printf("bootinfo: fw_cfg e820 %d entries\n", n);
    for (int i = 0; i < n; i++)
        tern_printf("bootinfo: fw_cfg e820 %d addr 0x%llx size 0x%llx type "
                    "%u\n",
                    i, (unsigned long long)map[i].addr,
                    (unsigned long long)map[i].size, map[i].type);
}

static void print_tern_view(int argc, char **argv)
{
    unsigned n;
    const struct mem_range *ram = mm_usable(&n);

    for (unsigned i = 0; i < n; i++)
        tern_printf("bootinfo: usable 0x%llx-0x%llx\n",
                    (unsigned long long)ram[i].start,
                    (unsigned long long)ram[i].end);
    tern_printf("bootinfo: argc %d\n", argc);
    for (int i = 0; i < argc; i++)
        tern_printf("bootinfo: argv[%d] \"%s\"\n", i, argv[i]);
}

/* Write a pattern to the last page of usable RAM and read it back. */
static int touch_highest_page(void)
{
    unsigned n;
    const struct mem_range *ram = mm_usable(&n);
    volatile uint64_t *p = (volatile uint64_t *)(uintptr_t)(ram[n - 1].end -
                                                            PAGE_SIZE);

    for (unsigned i = 0; i < PAGE_SIZE / 8; i++)
        p[i] = (uintptr_t)&p[i] ^ 0x5a5a5a5a5a5a5a5aull;
    for (unsigned i = 0; i < PAGE_SIZE / 8; i++)
        if (p[i] != ((uintptr_t)&p[i] ^ 0x5a5a5a5a5a5a5a5aull))
            return -1;
    tern_printf("bootinfo: touched page 0x%llx ok\n",
                (unsigned long long)(uintptr_t)p);
    return 0;
}

static void fill_memory(void)
{
    uint64_t pages = 0, page;

    while ((page = page_alloc(1)) != 0) {
        memset((void *)(uintptr_t)page, 0xa5, PAGE_SIZE);
        pages++;
    }
    tern_printf("bootinfo: filled %llu free pages with 0xa5\n",
                (unsigned long long)pages);
}

static int parse_status(const char *s)
{
    int v = 0;

    while (*s >= '0' && *s <= '9' && v < 1000)
        v = v * 10 + (*s++ - '0');
    return v;
}

static void ignore_irq(unsigned vector, void *arg)
{
    (void)vector;
    (void)arg;
}

/* Two runs of free guest-physical frames, above RAM, named by no entry. */
static void print_free_frames(void)
{
    const struct boot_info *bi = tern_boot_info();
    uint64_t top = memmap_ram_top(bi->memmap, bi->memmap_count);
    uint64_t a = mm_free_frames(4), b = mm_free_frames(1);
    int clear = a && b && !memmap_has_ram(bi->memmap, bi->memmap_count, a,
                                          a + 4 * 4096) &&
                memmap_find_hole(bi->memmap, bi->memmap_count, a, 4 * 4096,
                                 4096, UINT64_MAX) == a;

    tern_printf("bootinfo: RAM top 0x%llx frames 0x%llx 0x%llx above %u "
                "clear %d\n", (unsigned long long)top,
                (unsigned long long)a, (unsigned long long)b,
                a >= top && b >= a + 4 * 4096, clear);
    tern_printf("bootinfo: frames past the address width %llu\n",
                (unsigned long long)mm_free_frames(1ull << 40));
}

/* Each I/O APIC, then its highest GSI routed and read back. */
static void print_irq_routing(void)
{
    unsigned n = ioapic_count();

    tern_printf("bootinfo: ioapics %u\n", n);
    for (unsigned i = 0; i < n; i++) {
        uint64_t addr, rte;
        uint32_t base, pins, gsi;
        int vector = irq_alloc_vector(ignore_irq, NULL);
        char why[96];

        ioapic_info(i, &addr, &base, &pins);
        gsi = base + pins - 1;
        tern_printf("bootinfo: ioapic %u at 0x%llx gsi %u-%u\n", i,
                    (unsigned long long)addr, base, gsi);
        if (vector < 0 || irq_route_gsi(gsi, (unsigned)vector, true, true,
                                        why, sizeof(why))) {
            tern_printf("bootinfo: gsi %u not routed: %s\n", gsi,
                        vector < 0 ? "no vector" : why);
            continue;
        }
        rte = ioapic_read_rte(gsi);
        tern_printf("bootinfo: gsi %u vector 0x%x rte vector 0x%llx level %u "
                    "low %u\n", gsi, vector,
                    (unsigned long long)(rte & 0xff),
                    (unsigned)(rte >> 15 & 1), (unsigned)(rte >> 13 & 1));
        irq_free_vector((unsigned)vector); /* masks the pin too */
        tern_printf("bootinfo: gsi %u masked after free %u\n", gsi,
                    (unsigned)(ioapic_read_rte(gsi) >> 16 & 1));
    }
}

int main(int argc, char **argv)
{
    int status = 0;

    print_start_info(tern_boot_info());
    print_fwcfg_map();
    print_tern_view(argc, argv);
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--touch-high") == 0 && touch_highest_page())
            return 1;
        if (strcmp(argv[i], "--irq") == 0)
            print_irq_routing();
        if (strcmp(argv[i], "--frames") == 0)
            print_free_frames();
        if (strcmp(argv[i], "--fill-memory") == 0)
            fill_memory();
        if (strncmp(argv[i], "--exit=", 7) == 0)
            status = parse_status(argv[i] + 7);
    }
    return status;
}
