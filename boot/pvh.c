/*
 * PVH start_info parser.  The loader is outside our trust: every address
 * it gives is checked against the memory map before it is read, every
 * string must end within its bound, every count must fit.  Layout and
 * rules: the comment atop xen/arch-x86/hvm/start_info.h.
 */
#include <stddef.h>
#include <string.h>
#include <tern/exit.h>
#include <tern/format.h>
#include <tern/log.h>
#include <tern/memmap.h>
#include <tern/pvh.h>
#include <xen/arch-x86/hvm/start_info.h>

static int fail(struct pvh_error *err, int status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int fail(struct pvh_error *err, int status, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    tern_vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
    va_end(ap);
    err->status = status;
    return -1;
}

static bool range_end(uint64_t addr, uint64_t len, uint64_t *end)
{
    *end = addr + len;
    return *end >= addr;
}

/* Copy a NUL-terminated string of at most cap-1 characters.  Returns its
 * length, -1 when it leaves memory (why[] says where), -2 when no NUL
 * comes within cap. */
static int copy_string(const struct phys_window *w, const struct boot_info *bi,
                       uint64_t paddr, char *dst, size_t cap, char *why,
                       unsigned whylen)
{
    for (size_t i = 0; i < cap; i++) {
        uint8_t c;

        if (!pvh_in_memory(bi, paddr + i, 1)) {
            pvh_explain_place(bi, paddr + i, 1, false, why, whylen);
            return -1;
        }
        if (!phys_read_u8(w, paddr + i, &c)) {
            tern_snprintf(why, whylen, "0x%llx is above the 4 GiB the boot "
                          "code reads", (unsigned long long)(paddr + i));
            return -1;
        }
        dst[i] = (char)c;
        if (c == 0)
            return (int)i;
    }
    dst[cap - 1] = 0;
    return -2;
}

static int read_memmap(const struct phys_window *w, struct boot_info *bi,
                       struct pvh_error *err)
{
    if (bi->memmap_entries == 0)
        return 0;
    if (bi->memmap_paddr == 0) {
        pr_warn("start_info: memmap_entries=%u but memmap_paddr is 0: "
                "treating the map as absent", bi->memmap_entries);
        return 0;
    }
    if (bi->memmap_entries > BOOT_MAX_MEMMAP)
        return fail(err, TERN_EXIT_BAD_MEMMAP,
                    "start_info: memmap_entries=%u exceeds the maximum %u",
                    bi->memmap_entries, BOOT_MAX_MEMMAP);
    for (unsigned i = 0; i < bi->memmap_entries; i++) {
        struct hvm_memmap_table_entry e;
        uint64_t end;

        if (!phys_read(w, bi->memmap_paddr + i * sizeof(e), &e, sizeof(e)))
            return fail(err, TERN_EXIT_BAD_MEMMAP,
                        "start_info: memmap_paddr=0x%llx entry %u is outside "
                        "addressable memory",
                        (unsigned long long)bi->memmap_paddr, i);
        if (!range_end(e.addr, e.size, &end))
            return fail(err, TERN_EXIT_BAD_MEMMAP,
                        "start_info: memmap entry %u (addr 0x%llx size "
                        "0x%llx) wraps past 2^64",
                        i, (unsigned long long)e.addr,
                        (unsigned long long)e.size);
        bi->memmap[i] = (struct mem_region){e.addr, e.size, e.type};
        bi->memmap_reserved_nonzero += e.reserved != 0;
    }
    bi->memmap_count = bi->memmap_entries;
    bi->memmap_source = "start_info";
    return 0;
}

int pvh_read_header(const struct phys_window *w, uint64_t start_info_paddr,
                    struct boot_info *bi, struct pvh_error *err)
{
    struct hvm_start_info si;
    size_t len = offsetof(struct hvm_start_info, memmap_paddr);
    uint64_t image_start = bi->image_start, image_end = bi->image_end;

    memset(bi, 0, sizeof(*bi));
    bi->image_start = image_start;
    bi->image_end = image_end;
    err->status = 0;
    err->msg[0] = 0;
    bi->start_info_paddr = start_info_paddr;
    /* Checked before the magic: the entry code has zeroed .bss, so a
     * start_info placed inside the image would only look like bad magic. */
    if (ranges_overlap(start_info_paddr, sizeof(si), image_start,
                 image_end - image_start))
        return fail(err, TERN_EXIT_BAD_START_INFO,
                    "start_info at 0x%llx lies inside the kernel image "
                    "0x%llx-0x%llx",
                    (unsigned long long)start_info_paddr,
                    (unsigned long long)image_start,
                    (unsigned long long)image_end);
    if (start_info_paddr == 0 || !phys_read(w, start_info_paddr, &si, len))
        return fail(err, TERN_EXIT_BAD_START_INFO,
                    "start_info: address 0x%llx (%%ebx) is outside "
                    "addressable memory",
                    (unsigned long long)start_info_paddr);
    if (si.magic != XEN_HVM_START_MAGIC_VALUE)
        return fail(err, TERN_EXIT_BAD_START_INFO,
                    "start_info: bad magic 0x%08x (expected 0x%08x)",
                    si.magic, XEN_HVM_START_MAGIC_VALUE);
    if (si.version >= 1 && !phys_read(w, start_info_paddr, &si, sizeof(si)))
        return fail(err, TERN_EXIT_BAD_START_INFO,
                    "start_info: version %u structure at 0x%llx runs "
                    "outside addressable memory",
                    si.version, (unsigned long long)start_info_paddr);
    if (si.version > 1)
        pr_info("start_info version %u is newer than 1: reading it as "
                "version 1 (later versions are backwards compatible)",
                si.version);
    bi->magic = si.magic;
    bi->version = si.version;
    bi->flags = si.flags;
    bi->nr_modules = si.nr_modules;
    bi->modlist_paddr = si.modlist_paddr;
    bi->cmdline_paddr = si.cmdline_paddr;
    bi->rsdp_paddr = si.rsdp_paddr;
    if (si.version >= 1) {
        bi->memmap_paddr = si.memmap_paddr;
        bi->memmap_entries = si.memmap_entries;
        bi->si_reserved = si.reserved;
    }
    return read_memmap(w, bi, err);
}

static int copy_cmdline(const struct phys_window *w, struct boot_info *bi,
                        struct pvh_error *err)
{
    char why[96];
    int n;

    if (bi->cmdline_paddr == 0)
        return 0;
    n = copy_string(w, bi, bi->cmdline_paddr, bi->cmdline,
                    sizeof(bi->cmdline), why, sizeof(why));
    if (n == -1)
        return fail(err, TERN_EXIT_BAD_CMDLINE,
                    "start_info: cmdline_paddr=0x%llx is outside memory (%s)",
                    (unsigned long long)bi->cmdline_paddr, why);
    if (n == -2)
        return fail(err, TERN_EXIT_BAD_CMDLINE,
                    "start_info: cmdline at 0x%llx is unterminated within "
                    "%u bytes",
                    (unsigned long long)bi->cmdline_paddr,
                    (unsigned)sizeof(bi->cmdline));
    return 0;
}

static int copy_module(const struct phys_window *w, struct boot_info *bi,
                       unsigned i, struct pvh_error *err)
{
    struct hvm_modlist_entry e;
    struct boot_module *m = &bi->modules[i];
    uint64_t at = bi->modlist_paddr + i * sizeof(e);
    char why[96];
    int n;

    pvh_explain_place(bi, at, sizeof(e), false, why, sizeof(why));
    if (why[0] || !phys_read(w, at, &e, sizeof(e)))
        return fail(err, TERN_EXIT_BAD_MODULE,
                    "start_info: modlist entry %u at 0x%llx is outside "
                    "memory (%s)",
                    i, (unsigned long long)at,
                    why[0] ? why : "above the 4 GiB the boot code reads");
    m->paddr = e.paddr;
    m->size = e.size;
    bi->modlist_reserved_nonzero += e.reserved != 0;
    m->cmdline_paddr = e.cmdline_paddr;
    m->present = e.paddr != 0;
    if (!m->present) {
        pr_warn("start_info: module %u has address 0: treated as absent", i);
        return 0;
    }
    if (!pvh_module_in_ram(bi, e.paddr, e.size)) {
        pvh_explain_place(bi, e.paddr, e.size, true, why, sizeof(why));
        return fail(err, TERN_EXIT_BAD_MODULE,
                    "start_info: module %u (0x%llx, %llu bytes) is not in "
                    "RAM (%s)",
                    i, (unsigned long long)e.paddr,
                    (unsigned long long)e.size, why);
    }
    if (ranges_overlap(e.paddr, e.size, bi->image_start,
                 bi->image_end - bi->image_start))
        return fail(err, TERN_EXIT_BAD_MODULE,
                    "start_info: module %u (0x%llx, %llu bytes) overlaps the "
                    "kernel image",
                    i, (unsigned long long)e.paddr,
                    (unsigned long long)e.size);
    if (e.cmdline_paddr == 0)
        return 0;
    n = copy_string(w, bi, e.cmdline_paddr, m->cmdline, sizeof(m->cmdline),
                    why, sizeof(why));
    if (n == -1)
        return fail(err, TERN_EXIT_BAD_MODULE,
                    "start_info: module %u cmdline at 0x%llx is outside "
                    "memory (%s)",
                    i, (unsigned long long)e.cmdline_paddr, why);
    if (n < 0)
        return fail(err, TERN_EXIT_BAD_MODULE,
                    "start_info: module %u cmdline at 0x%llx is unterminated",
                    i, (unsigned long long)e.cmdline_paddr);
    return 0;
}

static int copy_modules(const struct phys_window *w, struct boot_info *bi,
                        struct pvh_error *err)
{
    if (bi->nr_modules == 0)
        return 0;
    if (bi->modlist_paddr == 0)
        return fail(err, TERN_EXIT_BAD_MODULE,
                    "start_info: nr_modules=%u but modlist_paddr is 0",
                    bi->nr_modules);
    if (bi->nr_modules > BOOT_MAX_MODULES)
        return fail(err, TERN_EXIT_BAD_MODULE,
                    "start_info: nr_modules=%u exceeds the maximum %u",
                    bi->nr_modules, BOOT_MAX_MODULES);
    for (unsigned i = 0; i < bi->nr_modules; i++)
        if (copy_module(w, bi, i, err))
            return -1;
    return 0;
}

int pvh_copy_payload(const struct phys_window *w, struct boot_info *bi,
                     struct pvh_error *err)
{
    uint64_t si_len = bi->version >= 1 ? sizeof(struct hvm_start_info)
                          : offsetof(struct hvm_start_info, memmap_paddr);
    char why[96];

    pvh_explain_place(bi, bi->start_info_paddr, si_len, false, why,
                      sizeof(why));
    if (why[0])
        return fail(err, TERN_EXIT_BAD_START_INFO,
                    "start_info at 0x%llx is outside memory (%s)",
                    (unsigned long long)bi->start_info_paddr, why);
    if (copy_cmdline(w, bi, err))
        return -1;
    return copy_modules(w, bi, err);
}

static void add_range(struct mem_range *out, unsigned cap, unsigned *n,
                      uint64_t addr, uint64_t len)
{
    uint64_t end;

    if (*n < cap && len && range_end(addr, len, &end))
        out[(*n)++] = (struct mem_range){addr, end};
}

unsigned pvh_reserved_ranges(const struct boot_info *bi,
                             struct mem_range *out, unsigned cap)
{
    unsigned n = 0;

    add_range(out, cap, &n, bi->image_start, bi->image_end - bi->image_start);
    add_range(out, cap, &n, bi->start_info_paddr,
              sizeof(struct hvm_start_info));
    add_range(out, cap, &n, bi->memmap_paddr,
              (uint64_t)bi->memmap_entries *
                  sizeof(struct hvm_memmap_table_entry));
    if (bi->cmdline_paddr)
        add_range(out, cap, &n, bi->cmdline_paddr, strlen(bi->cmdline) + 1);
    if (bi->nr_modules <= BOOT_MAX_MODULES) {
        add_range(out, cap, &n, bi->modlist_paddr,
                  (uint64_t)bi->nr_modules * sizeof(struct hvm_modlist_entry));
        for (unsigned i = 0; i < bi->nr_modules; i++) {
            const struct boot_module *m = &bi->modules[i];

            if (!m->present)
                continue;
            add_range(out, cap, &n, m->paddr, m->size);
            if (m->cmdline_paddr)
                add_range(out, cap, &n, m->cmdline_paddr,
                          strlen(m->cmdline) + 1);
        }
    }
    return n;
}
