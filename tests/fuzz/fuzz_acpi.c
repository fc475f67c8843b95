/*
 * libFuzzer target: ACPI tables (RSDP, RSDT, XSDT, FADT, DSDT, MADT)
 * through the same phys_window lib/acpi reads in the kernel.  The fake
 * physical memory is 2 MiB; the input is laid into it three times: at
 * the BIOS area 0xe0000 (where the RSDP search looks), at the EBDA
 * 0x80000 (the BDA points there) and at 1 MiB, so table pointers can land
 * on data it controls.  Seeds (make_seeds.py) put QEMU-shaped tables at
 * 0xe0000.  Any ASan/UBSan report or broken invariant is a crash.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <tern/acpi.h>

#define MEM (2u << 20)
#define BIOS_AREA 0xe0000
#define EBDA 0x80000
#define HIGH 0x100000
#define RSDP_HINT (BIOS_AREA + 0x10) /* where the seeds put it */

static uint8_t mem[MEM];

#define check(ok)                                                         \
    do {                                                                  \
        if (!(ok)) {                                                      \
            fprintf(stderr, "fuzz_acpi.c:%d: %s\n", __LINE__, #ok);       \
            abort();                                                      \
        }                                                                 \
    } while (0)

static size_t laid; /* bytes of the previous input */

static void lay(uint64_t at, const uint8_t *data, size_t size, size_t max)
{
    memcpy(mem + at, data, size < max ? size : max);
}

/* The code under test never writes to mem: zeroing what the previous
 * input laid is enough to start clean. */
static void unlay(void)
{
    memset(mem + BIOS_AREA, 0, laid < 0x20000 ? laid : 0x20000);
    memset(mem + EBDA, 0, laid < 0x400 ? laid : 0x400);
    memset(mem + HIGH, 0, laid < MEM - HIGH ? laid : MEM - HIGH);
}

/* A verdict is one terminated, non-empty line. */
static void check_why(const char *why, unsigned len)
{
    check(memchr(why, 0, len) != NULL && why[0] && !strchr(why, '\n'));
}

/* What a parsed power-off may name: sane ports only, and S5 writes that
 * touch only those registers and keep the other PM1 bits. */
static void check_poweroff(const struct acpi_poweroff *po, uint16_t now)
{
    struct acpi_reg_write w[ACPI_S5_MAX_WRITES];
    char why[96];
    unsigned n;

    if (po->hw_reduced) {
        check(po->sleep_addr != 0 && po->sleep_space <= ACPI_SPACE_IO);
        if (po->sleep_space == ACPI_SPACE_IO)
            check(acpi_port_check(po->sleep_addr, 1, why, sizeof(why)) == 0);
    } else {
        check(acpi_port_check(po->pm1a_cnt, 2, why, sizeof(why)) == 0);
        check(!po->pm1b_cnt ||
              acpi_port_check(po->pm1b_cnt, 2, why, sizeof(why)) == 0);
    }
    n = acpi_s5_writes(po, now, w);
    check(n >= 1 && n <= ACPI_S5_MAX_WRITES);
    for (unsigned i = 0; i < n; i++) {
        if (po->hw_reduced) {
            check(w[i].addr == po->sleep_addr && w[i].width == 1);
            continue;
        }
        check(w[i].addr == po->pm1a_cnt ||
              (po->pm1b_cnt && w[i].addr == po->pm1b_cnt));
        check((w[i].value & ~0x3c00u) == (now & ~0x3c00u));
        check(w[i].space == ACPI_SPACE_IO && w[i].width == 2);
    }
    if (!po->hw_reduced) /* SLP_TYP everywhere before any SLP_EN */
        check(!(w[0].value & 0x2000) && (w[n - 1].value & 0x2000) &&
              w[0].addr == po->pm1a_cnt);
}

/* Each call searches the whole BIOS area when the RSDP at the hint is
 * broken (most inputs): three calls per input, not more, keep the
 * execution rate up. */
static void run(const struct phys_window *w, const struct phys_window *kernel,
                uint16_t now)
{
    struct acpi_poweroff po;
    struct acpi_irq_routing r;
    char why[96];
    unsigned rev;

    if (acpi_find_poweroff(w, RSDP_HINT, &po, why, sizeof(why)) == 0)
        check_poweroff(&po, now);
    else
        check_why(why, sizeof(why));
    /* as the kernel reads: page 0 (the BDA) unmapped, no loader hint */
    if (acpi_find_irq_routing(kernel, 0, &r, why, sizeof(why)) == 0)
        check(r.nioapics >= 1 && r.nioapics <= ACPI_MAX_IOAPICS);
    else
        check_why(why, sizeof(why));
    if (acpi_rsdp_valid(w, RSDP_HINT, &rev)) {
        if (acpi_check_root_tables(w, RSDP_HINT, why, sizeof(why)) == 0)
            check(strstr(why, "RSDT 0x"));
        check_why(why, sizeof(why));
    } else if (acpi_find_poweroff(w, 0, &po, why, sizeof(why)) == 0) {
        check_poweroff(&po, now); /* found by the search, EBDA first */
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct phys_window w = {0, MEM, (uintptr_t)mem};
    struct phys_window kernel = {0x1000, MEM - 0x1000, (uintptr_t)mem + 0x1000};
    uint16_t now = size >= 2 ? (uint16_t)(data[0] | data[1] << 8) : 0;

    unlay();
    laid = size;
    mem[0x40e] = (EBDA >> 4) & 0xff; /* the BDA's EBDA segment */
    mem[0x40f] = EBDA >> 12;
    lay(BIOS_AREA, data, size, 0x20000);
    lay(EBDA, data, size, 0x400);
    lay(HIGH, data, size, MEM - HIGH);
    run(&w, &kernel, now);
    return 0;
}
