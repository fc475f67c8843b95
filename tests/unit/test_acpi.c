/* ACPI power-off discovery over crafted tables, including the broken
 * XSDT Xen 4.17 hands a PVH dom0 on SeaBIOS machines. */
#include <string.h>
#include <tern/acpi.h>
#include "fake_machine.h"
#include "test.h"

#define RSDP 0xe0010
#define RSDT 0x10000
#define XSDT 0x10800
#define FADT 0x11000
#define DSDT 0x12000

static struct acpi_poweroff po;
static char why[96];




static const uint8_t s5_aml[] = {0x10, 0x08, 0x5c, 0x5f, 0x53, 0x42, /* junk */
                                 0x08, 0x5f, 0x53, 0x35, 0x5f, 0x12, 0x06,
                                 0x02, 0x0a, 0x05, 0x01};

/* A classic PC: RSDP rev 2 with RSDT and XSDT, FADT with PM1a 0x604. */
static void build_tables(int hw_reduced)
{
    memset(fake_mem, 0, sizeof(fake_mem));
    fake_window.host_base = (uintptr_t)fake_mem;
    memcpy(at(DSDT + 36), s5_aml, sizeof(s5_aml));
    fake_acpi_table(DSDT, "DSDT", 36 + sizeof(s5_aml));
    put32(FADT + 40, DSDT);
    put32(FADT + 64, 0x604);
    if (hw_reduced) {
        put32(FADT + 112, 1u << 20);
        *(uint8_t *)at(FADT + 244) = 0; /* memory space */
        put64(FADT + 248, 0xfea00200);
    }
    fake_acpi_table(FADT, "FACP", 276);
    put32(RSDT + 36, FADT);
    fake_acpi_table(RSDT, "RSDT", 40);
    put64(XSDT + 36, FADT);
    fake_acpi_table(XSDT, "XSDT", 44);
    memcpy(at(RSDP), "RSD PTR ", 8);
    *(uint8_t *)at(RSDP + 15) = 2;
    put32(RSDP + 16, RSDT);
    put32(RSDP + 20, 36);
    put64(RSDP + 24, XSDT);
    fake_acpi_checksum(RSDP, 20, RSDP + 8);
    fake_acpi_checksum(RSDP, 36, RSDP + 32);
}

TEST(acpi_classic_pm1_and_s5_are_found)
{
    build_tables(0);
    CHECK(acpi_find_poweroff(&fake_window, RSDP, &po, why, sizeof(why)) == 0);
    CHECK(po.rsdp == RSDP && po.used_xsdt && !po.hw_reduced);
    CHECK(po.pm1a_cnt == 0x604 && po.slp_typ_a == 5 && po.slp_typ_b == 1);
}

TEST(acpi_rsdp_is_searched_when_not_given_or_bad)
{
    build_tables(0);
    CHECK(acpi_find_poweroff(&fake_window, 0, &po, why, sizeof(why)) == 0);
    CHECK(po.rsdp == RSDP);
    CHECK(acpi_find_poweroff(&fake_window, 0x9000, &po, why, sizeof(why)) == 0);
    CHECK(po.rsdp == RSDP && log_contains("holds no valid RSDP"));
}

TEST(acpi_garbage_xsdt_falls_back_to_rsdt)
{
    build_tables(0);
    *(uint8_t *)at(XSDT + 20) ^= 0xff; /* checksum now wrong */
    CHECK(acpi_find_poweroff(&fake_window, RSDP, &po, why, sizeof(why)) == 0);
    CHECK(!po.used_xsdt && po.pm1a_cnt == 0x604);
    CHECK(log_contains("unusable, trying the RSDT"));
}

TEST(acpi_hardware_reduced_uses_the_sleep_control_register)
{
    build_tables(1);
    CHECK(acpi_find_poweroff(&fake_window, RSDP, &po, why, sizeof(why)) == 0);
    CHECK(po.hw_reduced && po.sleep_space == ACPI_SPACE_MEMORY);
    CHECK(po.sleep_addr == 0xfea00200 && po.slp_typ_a == 5);
}

TEST(acpi_missing_pieces_are_clear_errors)
{
    build_tables(0);
    memset(at(RSDP), 0, 36);
    CHECK(acpi_find_poweroff(&fake_window, 0, &po, why, sizeof(why)) == -1);
    CHECK(strstr(why, "no ACPI RSDP"));

    build_tables(0);
    memcpy(at(DSDT + 36 + 7), "_XX_", 4);
    fake_acpi_table(DSDT, "DSDT", 36 + sizeof(s5_aml));
    CHECK(acpi_find_poweroff(&fake_window, RSDP, &po, why, sizeof(why)) == -1);
    CHECK(strstr(why, "no \\_S5"));

    build_tables(0);
    *(uint8_t *)at(DSDT + 40) ^= 1; /* DSDT checksum broken */
    CHECK(acpi_find_poweroff(&fake_window, RSDP, &po, why, sizeof(why)) == -1);
    CHECK(strstr(why, "DSDT at 0x12000"));

    build_tables(0);
    put32(RSDT + 4, 0xffffffff); /* absurd length: RSDT rejected */
    *(uint8_t *)at(XSDT) = 'Y';
    CHECK(acpi_find_poweroff(&fake_window, RSDP, &po, why, sizeof(why)) == -1);
    CHECK(strstr(why, "no valid FADT"));
}

TEST(acpi_pointers_out_of_the_window_do_not_crash)
{
    build_tables(0);
    put32(RSDT + 36, 0xfffffff0);
    put64(XSDT + 36, 0xfffffffffffffff0ull);
    fake_acpi_table(RSDT, "RSDT", 40);
    fake_acpi_table(XSDT, "XSDT", 44);
    CHECK(acpi_find_poweroff(&fake_window, RSDP, &po, why, sizeof(why)) == -1);
}

TEST(acpi_root_tables_check_names_the_bad_one)
{
    char msg[128];

    build_tables(0);
    CHECK(acpi_check_root_tables(&fake_window, RSDP, msg, sizeof(msg)) == 0);
    CHECK(strstr(msg, "XSDT 0x10800 valid"));
    *(uint8_t *)at(XSDT + 20) ^= 0xff;
    CHECK(acpi_check_root_tables(&fake_window, RSDP, msg, sizeof(msg)) == -1);
    CHECK(strstr(msg, "XSDT at 0x10800"));
}

#define MADT 0x13000

/* A MADT with one I/O APIC at 0xfec00000 and QEMU's usual overrides:
 * IRQ 0 -> GSI 2, IRQ 9 level active high. */
static void add_madt(void)
{
    uint8_t e[] = {1, 12, 0, 0, 0x00, 0x00, 0xc0, 0xfe, 0, 0, 0, 0,
                   2, 10, 0, 0, 2, 0, 0, 0, 0, 0,
                   2, 10, 0, 9, 9, 0, 0, 0, 0x0d, 0};
    uint32_t rsdt_len = 44;

    memcpy(at(MADT + 44), e, sizeof(e));
    fake_acpi_table(MADT, "APIC", 44 + sizeof(e));
    put32(RSDT + 40, MADT);
    put32(RSDT + 4, rsdt_len);
    fake_acpi_table(RSDT, "RSDT", rsdt_len);
    *(uint8_t *)at(XSDT) = 'Y'; /* force the RSDT path */
}

TEST(acpi_madt_gives_the_ioapic_and_overrides)
{
    struct acpi_irq_routing r;

    build_tables(0);
    add_madt();
    CHECK(acpi_find_irq_routing(&fake_window, RSDP, &r, why, sizeof(why)) == 0);
    CHECK(r.nioapics == 1 && r.ioapic[0].addr == 0xfec00000 && r.ioapic[0].gsi_base == 0);
    CHECK(r.isa[0].gsi == 2 && !r.isa[0].level);
    CHECK(r.isa[9].gsi == 9 && r.isa[9].level && !r.isa[9].active_low);
    CHECK(r.isa[8].gsi == 8 && !r.isa[8].level && !r.isa[8].active_low);
}

TEST(acpi_madt_missing_or_truncated_is_an_error)
{
    struct acpi_irq_routing r;

    build_tables(0);
    CHECK(acpi_find_irq_routing(&fake_window, RSDP, &r, why, sizeof(why)) == -1);
    CHECK(strstr(why, "no valid MADT") && r.isa[8].gsi == 8);
    build_tables(0);
    add_madt();
    *(uint8_t *)at(MADT + 45) = 200; /* entry length past the table */
    fake_acpi_table(MADT, "APIC", 44 + 32);
    CHECK(acpi_find_irq_routing(&fake_window, RSDP, &r, why, sizeof(why)) == -1);
    CHECK(strstr(why, "no I/O APIC"));
}

/* ---- values the tables give, checked before anything is written ---- */

/* An ACPI 1.0 FADT ends at 116 bytes; one cut before PM1a's field must
 * not have PM1a read from whatever follows it in memory. */
TEST(acpi_fadt_fields_past_its_length_are_absent)
{
    build_tables(0);
    fake_acpi_table(FADT, "FACP", 64); /* ends just before PM1a; 0x604 lies beyond */
    CHECK(acpi_find_poweroff(&fake_window, RSDP, &po, why, sizeof(why)) == -1);
    CHECK(strstr(why, "FADT (64 bytes) names no PM1a control port"));

    build_tables(0);
    fake_acpi_table(FADT, "FACP", 40); /* ends before the DSDT field */
    CHECK(acpi_find_poweroff(&fake_window, RSDP, &po, why, sizeof(why)) == -1);
    CHECK(strstr(why, "has no DSDT field"));

    build_tables(0);
    put32(FADT + 68, 0x640); /* PM1b beyond a 68-byte FADT: absent */
    fake_acpi_table(FADT, "FACP", 68);
    CHECK(acpi_find_poweroff(&fake_window, RSDP, &po, why, sizeof(why)) == 0);
    CHECK(po.pm1a_cnt == 0x604 && po.pm1b_cnt == 0);

    build_tables(1); /* hardware-reduced, cut inside the sleep register */
    fake_acpi_table(FADT, "FACP", 250);
    CHECK(acpi_find_poweroff(&fake_window, RSDP, &po, why, sizeof(why)) == -1);
    CHECK(strstr(why, "has no sleep control register"));
}

TEST(acpi_pm1_ports_must_be_io_ports)
{
    static const struct {
        uint32_t port;
        const char *words;
    } bad[] = {
        {0x10604, "PM1a control: port 0x10604 is not an I/O port"},
        {0xffff, "PM1a control: port 0xffff is not an I/O port"},
        {0x20, "PM1a control: port 0x20 belongs to a legacy device"},
        {0xcfc, "PM1a control: port 0xcfc belongs to a legacy device"},
    };

    for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        build_tables(0);
        put32(FADT + 64, bad[i].port);
        fake_acpi_table(FADT, "FACP", 276);
        CHECK(acpi_find_poweroff(&fake_window, RSDP, &po, why,
                                 sizeof(why)) == -1);
        CHECK(strstr(why, bad[i].words));
    }
    build_tables(0);
    put32(FADT + 68, 0x70); /* PM1b on the CMOS index port */
    fake_acpi_table(FADT, "FACP", 276);
    CHECK(acpi_find_poweroff(&fake_window, RSDP, &po, why, sizeof(why)) == -1);
    CHECK(strstr(why, "PM1b control: port 0x70 belongs to a legacy device"));
}

TEST(acpi_sleep_control_register_is_checked)
{
    static const struct mem_range ram[] = {{0, 0x9f000}, {0x100000, 0x4000000}};

    build_tables(1);
    *(uint8_t *)at(FADT + 244) = 1; /* I/O space, beyond 64 KiB */
    put64(FADT + 248, 0x12345);
    fake_acpi_table(FADT, "FACP", 276);
    CHECK(acpi_find_poweroff(&fake_window, RSDP, &po, why, sizeof(why)) == -1);
    CHECK(strstr(why, "sleep control register: port 0x12345 is not an I/O"));

    build_tables(1); /* MMIO in the middle of RAM: parsed, refused */
    put64(FADT + 248, 0x200000);
    fake_acpi_table(FADT, "FACP", 276);
    CHECK(acpi_find_poweroff(&fake_window, RSDP, &po, why, sizeof(why)) == 0);
    CHECK(acpi_mmio_check(po.sleep_addr, 1, ram, 2, why, sizeof(why)) == -1);
    CHECK(strstr(why, "0x200000 lies in RAM 0x100000-0x4000000"));
    /* microvm's GED register, outside RAM, passes */
    CHECK(acpi_mmio_check(0xfea00200, 1, ram, 2, why, sizeof(why)) == 0);
    CHECK(acpi_mmio_check(0, 1, ram, 2, why, sizeof(why)) == -1);
    CHECK(acpi_mmio_check(~0ull, 2, ram, 2, why, sizeof(why)) == -1);
}

TEST(acpi_madt_ioapic_in_ram_is_refused)
{
    static const struct mem_range image[] = {{0x100000, 0x140000}};
    struct acpi_irq_routing r;

    build_tables(0);
    add_madt();
    put32(MADT + 44 + 4, 0x120000); /* I/O APIC "inside the kernel image" */
    fake_acpi_table(MADT, "APIC", 44 + 32);
    CHECK(acpi_find_irq_routing(&fake_window, RSDP, &r, why, sizeof(why)) == 0);
    CHECK(acpi_mmio_check(r.ioapic[0].addr, 0x20, image, 1, why,
                          sizeof(why)) == -1);
    CHECK(strstr(why, "0x120000 lies in RAM 0x100000-0x140000"));
    CHECK(acpi_mmio_check(0xfec00000, 0x20, image, 1, why, sizeof(why)) == 0);
}

/* ACPI 16.1.7 / ACPICA acpi_hw_legacy_sleep: keep the other PM1 control
 * bits, write SLP_TYP to PM1a then PM1b, then both again with SLP_EN. */
TEST(acpi_s5_keeps_pm1_bits_and_writes_a_before_b_typ_before_en)
{
    struct acpi_poweroff p = {.pm1a_cnt = 0x604, .pm1b_cnt = 0x640,
                              .slp_typ_a = 5, .slp_typ_b = 1};
    struct acpi_reg_write w[ACPI_S5_MAX_WRITES];

    /* SCI_EN (bit 0), bit 9 and a stale SLP_TYP 7 and SLP_EN read back */
    CHECK(acpi_s5_writes(&p, 0x3e01, w) == 4);
    CHECK(w[0].addr == 0x604 && w[0].value == (0x201 | 5 << 10));
    CHECK(w[1].addr == 0x640 && w[1].value == (0x201 | 1 << 10));
    CHECK(w[2].addr == 0x604 && w[2].value == (0x201 | 5 << 10 | 1 << 13));
    CHECK(w[3].addr == 0x640 && w[3].value == (0x201 | 1 << 10 | 1 << 13));
    for (unsigned i = 0; i < 4; i++)
        CHECK(w[i].space == ACPI_SPACE_IO && w[i].width == 2);

    p.pm1b_cnt = 0; /* no PM1b: PM1a alone, SLP_TYP first */
    CHECK(acpi_s5_writes(&p, 0x0001, w) == 2);
    CHECK(w[0].addr == 0x604 && w[0].value == (1 | 5 << 10));
    CHECK(w[1].addr == 0x604 && w[1].value == (1 | 5 << 10 | 1 << 13));
}

TEST(acpi_s5_hardware_reduced_is_one_sleep_control_write)
{
    struct acpi_poweroff p = {.hw_reduced = true, .sleep_addr = 0xfea00200,
                              .sleep_space = ACPI_SPACE_MEMORY,
                              .slp_typ_a = 5};
    struct acpi_reg_write w[ACPI_S5_MAX_WRITES];

    CHECK(acpi_s5_writes(&p, 0xffff, w) == 1);
    CHECK(w[0].addr == 0xfea00200 && w[0].space == ACPI_SPACE_MEMORY);
    CHECK(w[0].width == 1 && w[0].value == (5 << 2 | 1 << 5));
}
