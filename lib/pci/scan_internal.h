/* Shared by lib/pci's pure files: config access for one function. */
#ifndef TERN_PCI_SCAN_INTERNAL_H
#define TERN_PCI_SCAN_INTERNAL_H

#include <tern/pci.h>

static inline uint32_t pci_cfg_read(const struct pci_config_access *acc,
                                    const struct pci_dev *d, unsigned off)
{
    return acc->read(acc->ctx, d->bus, d->dev, d->fn, off);
}

static inline void pci_cfg_write(const struct pci_config_access *acc,
                                 const struct pci_dev *d, unsigned off,
                                 uint32_t val)
{
    acc->write(acc->ctx, d->bus, d->dev, d->fn, off, val);
}

void pci_read_bars(const struct pci_config_access *acc, struct pci_scan *s,
                   struct pci_dev *d);
void pci_read_caps(const struct pci_config_access *acc, struct pci_scan *s,
                   struct pci_dev *d);
void pci_log_function(const struct pci_dev *d);

#endif
