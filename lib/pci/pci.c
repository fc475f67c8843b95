/*
 * PCI on the machine: the configuration mechanism (ECAM where ACPI's MCFG
 * names one, else ports 0xcf8/0xcfc), one enumeration at boot, and the
 * config and BAR access drivers use.
 *
 * On QEMU pc and q35 the firmware (SeaBIOS, which runs before the PVH
 * option ROM even with -kernel) has numbered the buses, assigned every
 * BAR below 4 GiB, enabled I/O and memory decoding and written the
 * interrupt line: Tern uses what it left and assigns nothing itself; a
 * BAR left unassigned (base 0) is refused by pci_map_bar().
 */
#include <tern/acpi.h>
#include <tern/config.h>
#include <tern/format.h>
#include <tern/io.h>
#include <tern/log.h>
#include <tern/mm.h>
#include <tern/bootstats.h>
#include <tern/driver.h>
#include <tern/pci.h>

#define CF8_ADDR 0xcf8
#define CF8_DATA 0xcfc
#define CF8_ENABLE 0x80000000u
#define ECAM_BUS_SHIFT 20

static struct pci_dev devs[CONFIG_PCI_MAX_DEVICES];
static struct pci_scan scan = {devs, CONFIG_PCI_MAX_DEVICES, 0, 0, 0, 0};
static struct pci_config_access access;
static uint64_t ecam_base;
static char describe[64] = "none";

static uint32_t cf8_addr(unsigned bus, unsigned dev, unsigned fn,
                         unsigned off)
{
    return CF8_ENABLE | (bus & 0xff) << 16 | (dev & 0x1f) << 11 |
           (fn & 7) << 8 | (off & 0xfc);
}

static uint32_t cf8_read(void *ctx, unsigned bus, unsigned dev, unsigned fn,
                         unsigned off)
{
    (void)ctx;
    if (off > 0xfc)
        return 0xffffffffu;
    outl(CF8_ADDR, cf8_addr(bus, dev, fn, off));
    return inl(CF8_DATA);
}

static void cf8_write(void *ctx, unsigned bus, unsigned dev, unsigned fn,
                      unsigned off, uint32_t val)
{
    (void)ctx;
    if (off > 0xfc)
        return;
    outl(CF8_ADDR, cf8_addr(bus, dev, fn, off));
    outl(CF8_DATA, val);
}

/* Ports 0xcf8/0xcfc decode when the address register reads back what
 * was written (Linux's pci_check_type1); nothing answers on microvm or
 * in a Xen PVH domU, where every read is all ones. */
static bool cf8_present(void)
{
    uint32_t old = inl(CF8_ADDR), now;

    outl(CF8_ADDR, CF8_ENABLE);
    now = inl(CF8_ADDR);
    outl(CF8_ADDR, old);
    return now == CF8_ENABLE;
}

static volatile uint32_t *ecam_reg(unsigned bus, unsigned dev, unsigned fn,
                                   unsigned off)
{
    if (bus < access.bus_first || bus > access.bus_last || dev > 31 ||
        fn > 7 || off > 0xffc)
        return NULL;
    return (volatile uint32_t *)(uintptr_t)(
        ecam_base + ((uint64_t)bus << ECAM_BUS_SHIFT) + (dev << 15) +
        (fn << 12) + (off & 0xffc));
}

static uint32_t ecam_read(void *ctx, unsigned bus, unsigned dev, unsigned fn,
                          unsigned off)
{
    volatile uint32_t *r = ecam_reg(bus, dev, fn, off);

    (void)ctx;
    return r ? *r : 0xffffffffu;
}

static void ecam_write(void *ctx, unsigned bus, unsigned dev, unsigned fn,
                       unsigned off, uint32_t val)
{
    volatile uint32_t *r = ecam_reg(bus, dev, fn, off);

    (void)ctx;
    if (r)
        *r = val;
}

/* ECAM when the MCFG names a window clear of RAM that maps, and that
 * agrees with the ports about the host bridge (when the ports exist). */
static bool use_ecam(bool have_cf8)
{
    struct acpi_mcfg m;
    char why[96];
    uint64_t start, len;

    if (acpi_find_mcfg(&acpi_window, acpi_rsdp_hint(), &m, why,
                       sizeof(why))) {
        pr_debug("pci: no ECAM: %s", why);
        return false;
    }
    start = m.base + ((uint64_t)m.bus_first << ECAM_BUS_SHIFT);
    len = (uint64_t)(m.bus_last - m.bus_first + 1) << ECAM_BUS_SHIFT;
    if (acpi_mmio_safe(start, len, why, sizeof(why)) ||
        paging_map_mmio(start, len)) {
        pr_warn("pci: MCFG's ECAM 0x%llx-0x%llx not used: %s",
                (unsigned long long)start, (unsigned long long)(start + len),
                why);
        return false;
    }
    ecam_base = m.base;
    access = (struct pci_config_access){ecam_read, ecam_write, NULL,
                                        m.bus_first, m.bus_last};
    if (have_cf8 && ecam_read(NULL, m.bus_first, 0, 0, 0) !=
                        cf8_read(NULL, m.bus_first, 0, 0, 0)) {
        pr_warn("pci: MCFG's ECAM at 0x%llx disagrees with ports 0xcf8/0xcfc "
                "about %02x:00.0: not used", (unsigned long long)m.base,
                m.bus_first);
        return false;
    }
    tern_snprintf(describe, sizeof(describe), "ECAM 0x%llx buses %u-%u",
                  (unsigned long long)m.base, m.bus_first, m.bus_last);
    return true;
}

void pci_init(void)
{
    bool have_cf8 = cf8_present();

    if (!use_ecam(have_cf8)) {
        if (!have_cf8) {
            pr_info("pci: no configuration mechanism (no MCFG, ports "
                    "0xcf8/0xcfc do not answer)");
            return;
        }
        access = (struct pci_config_access){cf8_read, cf8_write, NULL, 0,
                                            255};
        tern_snprintf(describe, sizeof(describe), "ports 0xcf8/0xcfc");
    }
    pci_scan_all(&access, &scan);
    pr_info("pci: %u function(s) on %u bus(es) through %s%s", scan.n,
            scan.buses, describe, scan.refused ? ", some refused" : "");
    if (scan.dropped)
        pr_warn("pci: %u function(s) past CONFIG_PCI_MAX_DEVICES (%u) not "
                "recorded", scan.dropped, CONFIG_PCI_MAX_DEVICES);
}

const char *pci_describe(void)
{
    return describe;
}

unsigned pci_count(void)
{
    return scan.n;
}

const struct pci_dev *pci_get(unsigned i)
{
    return i < scan.n ? &devs[i] : NULL;
}

uint32_t pci_read32(const struct pci_dev *dev, unsigned off)
{
    if (!access.read)
        return 0xffffffffu;
    return access.read(access.ctx, dev->bus, dev->dev, dev->fn, off & ~3u);
}

void pci_write32(const struct pci_dev *dev, unsigned off, uint32_t val)
{
    if (access.write)
        access.write(access.ctx, dev->bus, dev->dev, dev->fn, off & ~3u,
                     val);
}

/* The status half is written as 0: its bits are write-one-to-clear. */
void pci_command_set(const struct pci_dev *dev, uint16_t bits)
{
    uint32_t cmd = pci_read32(dev, PCI_COMMAND) & 0xffff;

    pci_write32(dev, PCI_COMMAND, cmd | bits);
}

uint64_t pci_map_bar(const struct pci_dev *dev, unsigned i)
{
    const struct pci_bar *b = i < dev->nbars ? &dev->bar[i] : NULL;
    const char *why = NULL;
    char bdf[16];

    if (!b || !b->size || (b->flags & PCI_BAR_UPPER))
        why = "not implemented or refused";
    else if (b->flags & PCI_BAR_IO)
        why = "an I/O BAR";
    else if (!b->base)
        why = "left unassigned by the firmware";
    else if (paging_map_mmio(b->base, b->size))
        why = "could not be mapped";
    if (why) {
        pr_warn("pci: %s %04x:%04x: BAR %u %s", pci_bdf(dev, bdf, sizeof(bdf)),
                dev->vendor, dev->device, i, why);
        return 0;
    }
    pci_command_set(dev, PCI_COMMAND_MEMORY);
    return b->base;
}

static void pci_driver_init(const struct boot_info *bi)
{
    (void)bi;
    pci_init();
    boot_mark("pci");
}
DRIVER_INIT_BUS(pci_driver_init);
