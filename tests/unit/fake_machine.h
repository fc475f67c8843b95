/* A fake physical memory for parser tests: 4 MiB at address 0, with
 * helpers to lay out a start_info the way a loader would. */
#ifndef TERN_FAKE_MACHINE_H
#define TERN_FAKE_MACHINE_H

#include <stdint.h>
#include <string.h>
#include <tern/phys.h>
#include <xen/arch-x86/hvm/start_info.h>

#define FAKE_MEM_SIZE (4u << 20)
#define SI_ADDR 0x2000
#define MEMMAP_ADDR 0x3000
#define CMDLINE_ADDR 0x4000
#define MODLIST_ADDR 0x5000
#define MODCMD_ADDR 0x6000
#define IMAGE_START 0x100000
#define IMAGE_END 0x120000

extern uint8_t fake_mem[FAKE_MEM_SIZE];
extern struct phys_window fake_window;

static inline void *at(uint64_t paddr)
{
    return fake_mem + paddr;
}

static inline void put32(uint64_t paddr, uint32_t v)
{
    memcpy(at(paddr), &v, 4);
}

static inline void put64(uint64_t paddr, uint64_t v)
{
    memcpy(at(paddr), &v, 8);
}

/* An ACPI table header at paddr: signature, length, and the checksum
 * byte at paddr + 9 set so the len bytes sum to 0 (set the body first). */
void fake_acpi_table(uint64_t paddr, const char *sig, uint32_t len);
/* Set the byte at sum_at so [paddr, paddr + len) sums to 0. */
void fake_acpi_checksum(uint64_t paddr, uint32_t len, uint64_t sum_at);

/* A well-formed version 1 start_info: map RAM 0-0x9fc00, reserved
 * 0xf0000-0x100000, RAM 0x100000-0x380000; cmdline; no modules. */
void fake_start_info(const char *cmdline);
struct hvm_start_info *fake_si(void);
void fake_add_module(uint64_t paddr, uint64_t size, const char *cmdline);

#endif
