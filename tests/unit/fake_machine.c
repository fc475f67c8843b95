#include "fake_machine.h"

uint8_t fake_mem[FAKE_MEM_SIZE];
struct phys_window fake_window = {0, FAKE_MEM_SIZE, 0};

struct hvm_start_info *fake_si(void)
{
    return at(SI_ADDR);
}

void fake_start_info(const char *cmdline)
{
    struct hvm_start_info *si = fake_si();
    struct hvm_memmap_table_entry *map = at(MEMMAP_ADDR);

    memset(fake_mem, 0, sizeof(fake_mem));
    fake_window.host_base = (uintptr_t)fake_mem;
    si->magic = XEN_HVM_START_MAGIC_VALUE;
    si->version = 1;
    si->memmap_paddr = MEMMAP_ADDR;
    si->memmap_entries = 3;
    map[0] = (struct hvm_memmap_table_entry){0, 0x9fc00, 1, 0};
    map[1] = (struct hvm_memmap_table_entry){0xf0000, 0x10000, 2, 0};
    map[2] = (struct hvm_memmap_table_entry){0x100000, 0x280000, 1, 0};
    if (cmdline) {
        si->cmdline_paddr = CMDLINE_ADDR;
        strcpy(at(CMDLINE_ADDR), cmdline);
    }
}

void fake_add_module(uint64_t paddr, uint64_t size, const char *cmdline)
{
    struct hvm_start_info *si = fake_si();
    struct hvm_modlist_entry *m = at(MODLIST_ADDR);
    unsigned i = si->nr_modules++;

    si->modlist_paddr = MODLIST_ADDR;
    m[i].paddr = paddr;
    m[i].size = size;
    if (cmdline) {
        m[i].cmdline_paddr = MODCMD_ADDR + i * 0x100;
        strcpy(at(m[i].cmdline_paddr), cmdline);
    }
}

void fake_acpi_checksum(uint64_t paddr, uint32_t len, uint64_t sum_at)
{
    uint8_t sum = 0;

    *(uint8_t *)at(sum_at) = 0;
    for (uint32_t i = 0; i < len; i++)
        sum = (uint8_t)(sum + *(uint8_t *)at(paddr + i));
    *(uint8_t *)at(sum_at) = (uint8_t)-sum;
}

void fake_acpi_table(uint64_t paddr, const char *sig, uint32_t len)
{
    memcpy(at(paddr), sig, 4);
    put32(paddr + 4, len);
    fake_acpi_checksum(paddr, len, paddr + 9);
}
