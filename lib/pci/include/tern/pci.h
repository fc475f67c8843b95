/*
 * PCI: configuration space, enumeration behind bridges, BARs, capability
 * lists, MSI-X and INTx.  Internal to the runtime.
 *
 * The enumeration (lib/pci/scan.c) is pure logic over a config-space
 * accessor, so host unit tests drive it against simulated hostile
 * devices.  Every value read from a device is untrusted: a BAR whose
 * size probe makes no sense, a capability list that loops, a bridge that
 * names a bus already seen, get one line naming the device and the rule,
 * and that part of the device is not used.
 */
#ifndef TERN_PCI_H
#define TERN_PCI_H

#include <stdbool.h>
#include <stdint.h>

/* Configuration space registers (PCI Local Bus 3.0, 6.1). */
#define PCI_VENDOR_ID 0x00
#define PCI_COMMAND 0x04
#define PCI_CLASS_REV 0x08
#define PCI_HEADER_DWORD 0x0c /* cache line, latency, header type, BIST */
#define PCI_BAR0 0x10
#define PCI_BRIDGE_BUSES 0x18 /* primary, secondary, subordinate */
#define PCI_SUBSYSTEM 0x2c
#define PCI_CAP_PTR 0x34
#define PCI_INTERRUPT 0x3c /* line, pin */

#define PCI_COMMAND_IO 0x1u
#define PCI_COMMAND_MEMORY 0x2u
#define PCI_COMMAND_MASTER 0x4u
#define PCI_COMMAND_INTX_DISABLE 0x400u
#define PCI_STATUS_CAP_LIST 0x10u /* in the status word, bits 16-31 */

#define PCI_CAP_ID_MSI 0x05
#define PCI_CAP_ID_VENDOR 0x09
#define PCI_CAP_ID_PCIE 0x10
#define PCI_CAP_ID_MSIX 0x11

/* How enumeration reaches config space: dword reads and writes at a
 * dword-aligned offset of bus/dev/fn.  An absent function reads all
 * ones, as on real buses. */
struct pci_config_access {
    uint32_t (*read)(void *ctx, unsigned bus, unsigned dev, unsigned fn,
                     unsigned off);
    void (*write)(void *ctx, unsigned bus, unsigned dev, unsigned fn,
                  unsigned off, uint32_t val);
    void *ctx;
    /* Buses this accessor reaches (ECAM: the MCFG's range). */
    unsigned bus_first, bus_last;
};

#define PCI_BAR_IO 0x1u
#define PCI_BAR_MEM64 0x2u
#define PCI_BAR_PREFETCH 0x4u
/* The upper half of a 64-bit BAR (the slot before holds the BAR). */
#define PCI_BAR_UPPER 0x8u

/* Largest BAR Tern accepts (an absurd size is a device lying). */
#define PCI_BAR_MAX_SIZE (1ull << 40)

struct pci_bar {
    uint64_t base; /* address or I/O port; 0: the firmware left none */
    uint64_t size; /* 0: not implemented, or refused with a line */
    uint8_t flags; /* PCI_BAR_* */
};

#define PCI_MAX_CAPS 16
struct pci_cap {
    uint8_t id, off;
};

struct pci_msix {
    uint16_t table_size; /* entries; 0: no usable MSI-X */
    uint8_t cap;         /* config offset of the capability */
    uint8_t table_bar, pba_bar;
    uint32_t table_off, pba_off;
};

struct pci_dev {
    uint8_t bus, dev, fn;
    uint16_t vendor, device;
    uint8_t class_code, subclass, prog_if, revision;
    uint8_t header_type; /* 0 device, 1 PCI-PCI bridge (bit 7 cleared) */
    bool multifunction;
    uint16_t subsys_vendor, subsys_id;
    uint8_t irq_pin;  /* 0 none, 1-4 INTA-INTD */
    uint8_t irq_line; /* as the firmware left it; 0xff: none */
    uint8_t secondary_bus, subordinate_bus; /* bridges */
    uint8_t parent;   /* index of the bridge above, PCI_NO_PARENT on bus 0 */
    uint8_t nbars;    /* 6 for devices, 2 for bridges, 0 otherwise */
    struct pci_bar bar[6];
    uint8_t ncaps;
    struct pci_cap caps[PCI_MAX_CAPS];
    struct pci_msix msix;
};
#define PCI_NO_PARENT 0xff

/* Limits of one enumeration. */
#define PCI_MAX_BRIDGE_DEPTH 8

struct pci_scan {
    struct pci_dev *devs; /* caller's array of cap entries */
    unsigned cap, n;
    unsigned buses;   /* buses enumerated */
    unsigned dropped; /* functions past cap, not recorded */
    unsigned refused; /* lines about lying devices */
};

/* Enumerate bus acc->bus_first and every bus behind its bridges: devices,
 * functions, BARs (sized by probing, decode disabled meanwhile),
 * capabilities, MSI-X.  Debug line per function; a line per refusal. */
void pci_scan_all(const struct pci_config_access *acc, struct pci_scan *s);

/* The offset of the first capability with this id at or after index
 * *from of dev->caps (then *from moves past it); 0 when none. */
uint8_t pci_cap_find(const struct pci_dev *dev, uint8_t id, unsigned *from);

/* "00:03.0" into buf (at least 8 bytes). */
const char *pci_bdf(const struct pci_dev *dev, char *buf, unsigned len);

/* The MSI-X table entry that delivers an MSI message (PCI 3.0, 6.8.2):
 * offset of entry i from the table's start, 16 bytes each. */
#define PCI_MSIX_ENTRY_SIZE 16

/* ---- the kernel side (lib/pci/pci.c) ---------------------------------- */

/* Find the config mechanism (ECAM from ACPI's MCFG, else ports
 * 0xcf8/0xcfc), enumerate, log each function at debug and a summary at
 * info. */
void pci_init(void);
/* "ECAM 0xb0000000 buses 0-255" or "ports 0xcf8/0xcfc" or "none". */
const char *pci_describe(void);
unsigned pci_count(void);
const struct pci_dev *pci_get(unsigned i);

uint32_t pci_read32(const struct pci_dev *dev, unsigned off);
void pci_write32(const struct pci_dev *dev, unsigned off, uint32_t val);
/* Set bits in the command register (status left alone). */
void pci_command_set(const struct pci_dev *dev, uint16_t bits);

/* Map memory BAR i uncached and return its address, or 0 with a line
 * (an I/O BAR, unassigned, refused, or the mapping failed). */
uint64_t pci_map_bar(const struct pci_dev *dev, unsigned i);

typedef void (*pci_irq_fn)(unsigned vector, void *arg);
/* Program MSI-X entry `entry` with a fresh vector bound to fn and enable
 * MSI-X (INTx off).  The vector, or -1 with a line. */
int pci_msix_bind(const struct pci_dev *dev, unsigned entry, pci_irq_fn fn,
                  void *arg);
/* Route the device's INTx pin through the I/O APIC: the interrupt line
 * the firmware left, an ISA IRQ, through the MADT's overrides.  The
 * vector, or -1 with a line (no pin, no line: the caller polls). */
int pci_intx_bind(const struct pci_dev *dev, pci_irq_fn fn, void *arg);

#endif
