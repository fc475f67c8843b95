/*
 * Where virtio-mmio devices are found (docs/devices.md):
 * - virtio_mmio.device= words on the command line, which QEMU's microvm
 *   writes when ACPI is off (and a user or another VMM may write);
 * - the DSDT's virtio-mmio objects (_HID "LNRO0005"), which is all
 *   microvm says when ACPI is on, its default.
 * Slots are never guessed: a machine that names none has none.
 */
#include <tern/acpi.h>
#include <tern/config.h>
#include <tern/driver.h>
#include <tern/pci.h>
#include <tern/log.h>
#include <tern/phys.h>
#include <tern/virtio_mmio.h>
#include "mmio_regs.h"

static struct mmio_range dsdt_slots[MMIO_MAX_SLOTS];
static struct mmio_range taken[2 * MMIO_MAX_SLOTS];
static unsigned ntaken;

/* A slot named twice (the command line and the DSDT may both name it)
 * is probed once; one that overlaps another slot is a line, and not
 * probed: two transports cannot share registers. */
static void probe_once(const struct boot_info *bi,
                       const struct mmio_range *d, const char *source)
{
    int i = mmio_slot_overlap(d, taken, ntaken);

    if (i >= 0 && (taken[i].addr != d->addr || taken[i].size != d->size)) {
        pr_warn("virtio: mmio 0x%llx-0x%llx (%s) overlaps 0x%llx-0x%llx: "
                "ignored", (unsigned long long)d->addr,
                (unsigned long long)(d->addr + d->size), source,
                (unsigned long long)taken[i].addr,
                (unsigned long long)(taken[i].addr + taken[i].size));
        return;
    }
    if (i >= 0 || ntaken == sizeof(taken) / sizeof(taken[0]))
        return;
    taken[ntaken++] = *d;
    virtio_mmio_probe(bi, d, source);
}

/* A machine with PCI puts its virtio devices there: QEMU's pc and q35
 * have no virtio-mmio bus at all.  Searching their DSDTs (8-10 KiB of
 * AML, checksummed and scanned byte by byte) cost 230,000-290,000
 * instructions of every boot, for nothing; microvm and Firecracker, which
 * do use virtio-mmio, have no PCI.  Words on the command line are still
 * taken everywhere. */
static bool machine_has_pci(void)
{
#ifdef CONFIG_PCI
    return pci_count() > 0;
#else
    return false;
#endif
}

/* The DSDT's slots; 0 when there is no ACPI (acpi=off) or no object. */
static unsigned from_dsdt(void)
{
    uint64_t addr;
    uint32_t len;
    const uint8_t *aml;
    char why[96];

    if (acpi_find_dsdt(&acpi_window, acpi_rsdp_hint(), &addr, &len, why,
                       sizeof(why))) {
        pr_debug("virtio: mmio: no DSDT to read (%s)", why);
        return 0;
    }
    if (!(aml = phys_map(&acpi_window, addr, len)))
        return 0;
    return virtio_mmio_dsdt_scan(aml, len, dsdt_slots, MMIO_MAX_SLOTS);
}

/* The command line's virtio_mmio.device= words; a bad one is one line. */
static void from_cmdline(const struct boot_info *bi)
{
    unsigned iter = 0;
    const char *value;

    while ((value = driver_param_next("virtio_mmio.device", &iter))) {
        struct mmio_range slot;
        char why[64];

        if (virtio_mmio_word(value, &slot, why, sizeof(why)))
            pr_warn("cmdline: 'virtio_mmio.device=%s' ignored: %s", value,
                    why);
        else
            probe_once(bi, &slot, "command line");
    }
}

/* The command line's slots, then the DSDT's (a slot named twice is
 * probed once); each device found goes to virtio_device_found. */
static void virtio_mmio_init(const struct boot_info *bi)
{
    unsigned n;

    from_cmdline(bi);
    if (machine_has_pci()) {
        pr_debug("virtio: mmio: PCI found; the DSDT is not searched");
        return;
    }
    n = from_dsdt();
    for (unsigned i = 0; i < n; i++)
        probe_once(bi, &dsdt_slots[i], "DSDT");
}
DRIVER_INIT_TRANSPORT(virtio_mmio_init);
DRIVER_PARAMS(virtio_mmio, "virtio_mmio");
