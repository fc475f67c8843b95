/* The ACPI PM timer's port and width from the FADT, and FADT fields past
 * the table's own length left unread. */
#include <string.h>
#include <tern/acpi.h>
#include "fake_machine.h"
#include "test.h"

#define RSDP 0xe0000
#define RSDT 0x10000
#define FADT 0x11000




/* RSDP (revision 0) -> RSDT -> a FADT of fadt_len with PM_TMR_BLK. */
static void tables(uint32_t fadt_len, uint32_t pm_tmr_blk, uint8_t pm_tmr_len)
{
    memset(fake_mem, 0, sizeof(fake_mem));
    fake_window.host_base = (uintptr_t)fake_mem;
    put32(FADT + 76, pm_tmr_blk);
    *(uint8_t *)at(FADT + 91) = pm_tmr_len;
    fake_acpi_table(FADT, "FACP", fadt_len);
    put32(RSDT + 36, FADT);
    fake_acpi_table(RSDT, "RSDT", 40);
    memcpy(at(RSDP), "RSD PTR ", 8);
    put32(RSDP + 16, RSDT);
    fake_acpi_checksum(RSDP, 20, RSDP + 8);
}

static uint16_t port;
static unsigned bits;
static char why[96];

static int find(void)
{
    port = 0;
    bits = 0;
    return acpi_find_pm_timer(&fake_window, RSDP, &port, &bits, why,
                              sizeof(why));
}

TEST(pm_timer_from_pm_tmr_blk)
{
    tables(116, 0x608, 4);
    CHECK(find() == 0 && port == 0x608 && bits == 24);
    put32(FADT + 112, 1u << 8); /* TMR_VAL_EXT */
    fake_acpi_table(FADT, "FACP", 116);
    CHECK(find() == 0 && port == 0x608 && bits == 32);
}

TEST(pm_timer_x_pm_tmr_blk_wins_when_in_io_space)
{
    tables(244, 0x608, 4);
    *(uint8_t *)at(FADT + 208) = 1; /* system I/O */
    put64(FADT + 212, 0xb008);
    fake_acpi_table(FADT, "FACP", 244);
    CHECK(find() == 0 && port == 0xb008);
    *(uint8_t *)at(FADT + 208) = 0; /* system memory: not a port */
    fake_acpi_table(FADT, "FACP", 244);
    CHECK(find() == 0 && port == 0x608);
}

TEST(pm_timer_fields_past_the_fadt_are_not_read)
{
    tables(88, 0x608, 4); /* PM_TMR_LEN (offset 91) lies past the end */
    *(uint8_t *)at(FADT + 91) = 4;
    CHECK(find() == -1 && strstr(why, "no PM timer"));
    tables(200, 0x608, 4); /* X_PM_TMR_BLK past the end: PM_TMR_BLK */
    *(uint8_t *)at(FADT + 208) = 1;
    put64(FADT + 212, 0xb008);
    CHECK(find() == 0 && port == 0x608);
}

TEST(pm_timer_absent_is_an_error)
{
    tables(116, 0, 0); /* hardware-reduced machines (microvm) have none */
    CHECK(find() == -1 && strstr(why, "no PM timer"));
    tables(116, 0x608, 2); /* PM_TMR_LEN must be 4 */
    CHECK(find() == -1);
    memset(fake_mem, 0, sizeof(fake_mem));
    CHECK(find() == -1 && strstr(why, "RSDP"));
}

/* The timer is read up to 100,000 times to see it move: a FADT that names
 * a legacy device's port (the keyboard controller, the PIC, PCI config
 * data) would have Tern read, and drain, that device.  The same ports the
 * PM1 control registers may not alias. */
TEST(pm_timer_on_a_legacy_device_port_is_refused)
{
    tables(116, 0x60, 4); /* the keyboard controller's data port */
    CHECK(find() == -1 && strstr(why, "legacy device"));
    tables(116, 0xcfc, 4); /* PCI configuration data */
    CHECK(find() == -1 && strstr(why, "legacy device"));
    tables(244, 0x608, 4);
    *(uint8_t *)at(FADT + 208) = 1; /* X_PM_TMR_BLK in I/O space ... */
    put64(FADT + 212, 0x20);        /* ... on the master 8259 */
    fake_acpi_table(FADT, "FACP", 244);
    CHECK(find() == -1 && strstr(why, "legacy device"));
}
