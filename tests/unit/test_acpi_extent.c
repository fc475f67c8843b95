/* The pages the firmware's ACPI tables occupy, found from the RSDP: what
 * a memory map from fw_cfg must keep out of the allocator. */
#include <string.h>
#include <tern/acpi.h>
#include "fake_machine.h"
#include "test.h"

#define RSDP 0xf0010
#define RSDT 0x300000
#define XSDT 0x300200
#define FADT 0x301000
#define FACS 0x303000
#define DSDT 0x340000
#define MADT 0x310000 /* listed in the XSDT only */


static void header(uint64_t a, const char *sig, uint32_t len)
{
    memcpy(at(a), sig, 4);
    put32(a + 4, len);
}

/* Revision 2 RSDP, RSDT and XSDT, a FADT whose FACS and DSDT lie apart.
 * The RSDT also names 0x200000, where no table is. */
static void build(void)
{
    fake_start_info("");
    memcpy(at(RSDP), "RSD PTR ", 8);
    *(uint8_t *)at(RSDP + 15) = 2;
    put32(RSDP + 16, RSDT);
    put32(RSDP + 20, 36);
    put64(RSDP + 24, XSDT);
    header(RSDT, "RSDT", 36 + 8);
    put32(RSDT + 36, FADT);
    put32(RSDT + 40, 0x200000);
    header(XSDT, "XSDT", 36 + 16);
    put64(XSDT + 36, FADT);
    put64(XSDT + 44, MADT);
    header(FADT, "FACP", 276);
    put32(FADT + 36, FACS);
    put32(FADT + 40, DSDT);
    header(FACS, "FACS", 64);
    header(DSDT, "DSDT", 0x1801);
    header(MADT, "APIC", 0x80);
}

static int covers(const struct mem_range *r, int n, uint64_t a, uint64_t len)
{
    for (int i = 0; i < n; i++)
        if (r[i].start <= a && a + len <= r[i].end)
            return 1;
    return 0;
}

TEST(acpi_extents_cover_every_table_and_nothing_else)
{
    struct mem_range r[8];
    int n;

    build();
    n = acpi_table_extents(&fake_window, RSDP, r, 8);
    CHECK(n == 5); /* RSDP; RSDT+XSDT+FADT; FACS; MADT; DSDT */
    CHECK(covers(r, n, RSDP, 36));
    CHECK(covers(r, n, RSDT, 0x1000 + 276)); /* RSDT, XSDT, FADT: merged */
    CHECK(covers(r, n, FACS, 64));
    CHECK(covers(r, n, MADT, 0x80));
    CHECK(covers(r, n, DSDT, 0x1801));
    CHECK(covers(r, n, DSDT + 0x1000, 0x1000)); /* whole pages */
    CHECK(!covers(r, n, 0x200000, 1));
    CHECK(!covers(r, n, 0x302000, 1));
    for (int i = 1; i < n; i++)
        CHECK(r[i - 1].end < r[i].start); /* sorted, disjoint */
}

TEST(acpi_extents_skip_implausible_headers)
{
    struct mem_range r[8];
    int n;

    build();
    header(MADT, "ap!c", 0x80);        /* not a table name */
    header(DSDT, "DSDT", 0x7fffffff); /* absurd length */
    header(FACS, "FACS", 8);          /* shorter than a header */
    n = acpi_table_extents(&fake_window, RSDP, r, 8);
    CHECK(n == 2);
    CHECK(!covers(r, n, MADT, 1) && !covers(r, n, DSDT, 1) &&
          !covers(r, n, FACS, 1));
}

TEST(acpi_extents_say_when_they_do_not_fit)
{
    struct mem_range r[2];

    build();
    CHECK(acpi_table_extents(&fake_window, RSDP, r, 2) == -1);
}

TEST(acpi_find_rsdp_searches_when_the_hint_is_bad)
{
    build();
    memcpy(at(0xe0000), at(RSDP), 36);
    memset(at(RSDP), 0, 36);
    {
        uint8_t sum = 0;

        for (int i = 0; i < 20; i++)
            sum = (uint8_t)(sum + *(uint8_t *)at(0xe0000 + i));
        *(uint8_t *)at(0xe0000 + 8) = (uint8_t)(*(uint8_t *)at(0xe0000 + 8) - sum);
    }
    CHECK(acpi_find_rsdp(&fake_window, RSDP) == 0xe0000);
    CHECK(acpi_find_rsdp(&fake_window, 0) == 0xe0000);
}
