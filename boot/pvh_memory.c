/*
 * Where a loader's data may lie.  The parser reads start_info, the command
 * line, the module list and module command lines, and the C library
 * serves modules as files: none of them may sit on a device, or reading
 * them would read device registers.  What loaders actually use (measured,
 * docs/boot-protocol.md): SeaBIOS (pc, q35) puts everything but the module
 * in RAM in the first pages; qboot (microvm) puts start_info in the BIOS
 * segment (reserved) and the command line and memory map at 0xefxxx
 * (NVS); Xen puts everything in RAM; every loader puts modules in RAM.
 * Pure logic over boot_info's map.
 */
#include <tern/format.h>
#include <tern/memmap.h>
#include <tern/pvh.h>
#include <xen/arch-x86/hvm/start_info.h>

#define LOW_MEMORY_END 0x100000ull /* legacy area: often absent from maps */
#define VGA_START 0xa0000ull       /* VGA frame buffer: a device */
#define VGA_END 0xc0000ull

/* Boot data: RAM, and the RAM the firmware keeps for itself (ACPI
 * tables, NVS), which holds no device.  Reserved entries are where maps
 * put MMIO (q35's MMCONFIG, the flash), so they count only in the legacy
 * area.  Modules: RAM only, as Linux requires of an initrd. */
static bool type_allowed(uint32_t type, bool module)
{
    if (module)
        return type == XEN_HVM_MEMMAP_TYPE_RAM;
    return type == XEN_HVM_MEMMAP_TYPE_RAM ||
           type == XEN_HVM_MEMMAP_TYPE_ACPI ||
           type == XEN_HVM_MEMMAP_TYPE_NVS;
}

/* The furthest end of an allowed entry holding cur, or cur if none. */
static uint64_t allowed_entry_end(const struct boot_info *bi, uint64_t cur,
                                  bool module)
{
    uint64_t next = cur;

    for (unsigned i = 0; i < bi->memmap_count; i++) {
        const struct mem_region *r = &bi->memmap[i];

        if (r->size && type_allowed(r->type, module) && cur >= r->addr &&
            cur - r->addr < r->size && r->addr + r->size > next)
            next = r->addr + r->size;
    }
    return next;
}

/* The legacy area (RAM, EBDA, option and BIOS ROMs) holds boot data
 * whatever the map says of it, except the VGA window: the end of the
 * legacy stretch holding cur, or cur. */
static uint64_t legacy_end(uint64_t cur)
{
    if (cur < VGA_START)
        return VGA_START;
    if (cur >= VGA_END && cur < LOW_MEMORY_END)
        return LOW_MEMORY_END;
    return cur;
}

/* True when [addr, addr + len) may hold this kind of data; else false
 * with *bad the first address that may not (addr itself on a wrap). */
static bool placed_well(const struct boot_info *bi, uint64_t addr,
                        uint64_t len, bool module, uint64_t *bad)
{
    uint64_t end = addr + len, cur = addr;

    *bad = addr;
    if (end < addr)
        return false;
    while (cur < end) {
        uint64_t next = allowed_entry_end(bi, cur, module);

        if (!module && legacy_end(cur) > next)
            next = legacy_end(cur);
        if (next == cur) {
            *bad = cur;
            return false;
        }
        cur = next;
    }
    return true;
}

bool pvh_in_memory(const struct boot_info *bi, uint64_t addr, uint64_t len)
{
    uint64_t bad;

    return placed_well(bi, addr, len, false, &bad);
}

bool pvh_module_in_ram(const struct boot_info *bi, uint64_t addr,
                       uint64_t len)
{
    uint64_t bad;

    return placed_well(bi, addr, len, true, &bad);
}

/* The type of the first map entry holding a, or -1. */
static int type_at(const struct boot_info *bi, uint64_t a)
{
    for (unsigned i = 0; i < bi->memmap_count; i++) {
        const struct mem_region *r = &bi->memmap[i];

        if (r->size && a >= r->addr && a - r->addr < r->size)
            return (int)r->type;
    }
    return -1;
}

void pvh_explain_place(const struct boot_info *bi, uint64_t addr,
                       uint64_t len, bool module, char *buf, unsigned cap)
{
    uint64_t bad;
    int type;

    buf[0] = 0;
    if (placed_well(bi, addr, len, module, &bad))
        return;
    type = type_at(bi, bad);
    if (addr + len < addr)
        tern_snprintf(buf, cap, "it wraps past 2^64");
    else if (!module && bad >= VGA_START && bad < VGA_END)
        tern_snprintf(buf, cap, "0x%llx is in the VGA window 0xa0000-0xbffff, "
                      "a device", (unsigned long long)bad);
    else if (type < 0)
        tern_snprintf(buf, cap, "0x%llx is in no memory-map entry",
                      (unsigned long long)bad);
    else if (type < XEN_HVM_MEMMAP_TYPE_RAM || type > XEN_HVM_MEMMAP_TYPE_PMEM)
        tern_snprintf(buf, cap, "0x%llx is of unknown type %d in the memory "
                      "map", (unsigned long long)bad, type);
    else
        tern_snprintf(buf, cap, "0x%llx is %s in the memory map%s",
                      (unsigned long long)bad, mem_type_name((uint32_t)type),
                      type == XEN_HVM_MEMMAP_TYPE_RESERVED
                          ? ", a device or firmware range"
                          : module ? ", not RAM" : "");
}
