/*
 * The machine state at entry, against docs/misc/pvh.pandoc:
 *   ebx: the physical address of the start info structure.
 *   cr0: bit 0 (PE) must be set.  All the other writeable bits are cleared.
 *   cr4: all bits are cleared.
 *   cs: a 32-bit read/execute code segment, base 0, limit 0xFFFFFFFF.
 *   ds, es: 32-bit read/write data segments, base 0, limit 0xFFFFFFFF.
 *   tr: a 32-bit TSS (active) with a base of 0 and a limit of 0x67.
 *   eflags: bit 17 (VM), bit 9 (IF), bit 8 (TF) must be cleared.
 * Everything else is unspecified and reported as INFO.
 */
#include <stdint.h>
#include <tern/entry_state.h>
#include <tern/tern.h>
#include "check.h"

#define CR0_PE (1u << 0)
#define CR0_ET (1u << 4) /* read-only 1 on every CPU since the 486 */
#define EFLAGS_TF (1u << 8)
#define EFLAGS_IF (1u << 9)
#define EFLAGS_VM (1u << 17)
#define AR_ACCESSED (1u << 8)
#define AR_RW (1u << 9)       /* readable code / writable data */
#define AR_CODE (1u << 11)
#define AR_S (1u << 12)       /* code or data, not system */
#define AR_P (1u << 15)
#define AR_L (1u << 21)
#define AR_DB (1u << 22)
#define TSS32_BUSY 0xb
#define TSS32_AVAILABLE 0x9

static const char *const seg_name[SEG_COUNT] = {"cs", "ds", "es", "ss",
                                                "fs", "gs", "tr"};

static uint32_t desc_base(uint64_t d)
{
    return (uint32_t)((d >> 16) & 0xffffff) | (uint32_t)((d >> 56) << 24);
}

/* The base from the GDT copy; -1 when the descriptor could not be read. */
static int64_t seg_base(int i)
{
    const struct pvh_entry_state *s = &pvh_entry_state;

    if (!(s->desc_valid & (1u << i)))
        return -1;
    return desc_base(s->desc[i]);
}

static void check_flat(int i, int code)
{
    const struct pvh_entry_state *s = &pvh_entry_state;
    const struct entry_seg_state *g = &s->seg[i];
    int64_t base = seg_base(i);
    uint32_t want = AR_S | AR_P | AR_DB | AR_RW | (code ? AR_CODE : 0u);
    uint32_t mask = AR_S | AR_P | AR_DB | AR_RW | AR_CODE | AR_L;

    const char *id = seg_name[i];

    if ((s->sel[i] & ~3u) == 0) {
        skip(id, "null selector: its hidden state cannot be read back (Xen "
                 "enters this way; the ABI leaves the selector unspecified)");
        return;
    }
    if (!(g->valid & ES_SEG_LAR_OK) || !(g->valid & ES_SEG_LSL_OK)) {
        check(0, id, "selector 0x%x does not name a usable segment "
                     "(lar/lsl failed)", s->sel[i]);
        return;
    }
    check((g->access & mask) == want && g->limit == 0xffffffffu &&
              base == 0,
          id,
          "32-bit %s segment, base 0, limit 0xffffffff (selector 0x%x, "
          "access 0x%x, limit 0x%x, base %s0x%llx)",
          code ? "read/execute code" : "read/write data", s->sel[i],
          g->access, g->limit, base < 0 ? "unreadable " : "",
          (unsigned long long)(base < 0 ? 0 : base));
}

static void check_tr(void)
{
    const struct pvh_entry_state *s = &pvh_entry_state;
    const struct entry_seg_state *g = &s->seg[SEG_TR];
    unsigned type = (g->access >> 8) & 0xf;
    int64_t base = seg_base(SEG_TR);

    if ((s->sel[SEG_TR] & ~3u) == 0) {
        skip("tr", "null selector: the TSS's hidden state cannot be read "
                   "back (Xen loads it this way; so does CPU reset)");
        return;
    }
    if (!(g->valid & ES_SEG_LAR_OK)) {
        check(0, "tr", "a 32-bit TSS, base 0, limit 0x67 (selector 0x%x "
                       "names no descriptor)", s->sel[SEG_TR]);
        return;
    }
    check((type == TSS32_BUSY || type == TSS32_AVAILABLE) &&
              g->limit == 0x67 && base == 0,
          "tr", "a 32-bit TSS, base 0, limit 0x67 (selector 0x%x, type "
                "0x%x, limit 0x%x, base 0x%llx)",
          s->sel[SEG_TR], type, g->limit,
          (unsigned long long)(base < 0 ? 0 : base));
}

void check_cpu_state(void)
{
    const struct pvh_entry_state *s = &pvh_entry_state;
    uint32_t other = s->cr0 & ~(CR0_PE | CR0_ET);

    check(s->ebx != 0 && s->ebx == tern_boot_info()->start_info_paddr, "ebx",
          "physical address of start_info (ebx=0x%x)", s->ebx);
    check(s->cr0 & CR0_PE, "cr0.pe", "protected mode on (cr0=0x%x)", s->cr0);
    check(other == 0, "cr0.other",
          "every writeable bit but PE clear (cr0=0x%x, extra 0x%x)", s->cr0,
          other);
    check(s->cr4 == 0, "cr4", "all bits clear (cr4=0x%x)", s->cr4);
    check(!(s->eflags & (EFLAGS_VM | EFLAGS_IF | EFLAGS_TF)), "eflags",
          "VM, IF and TF clear (eflags=0x%x)", s->eflags);
    check_flat(SEG_CS, 1);
    check_flat(SEG_DS, 0);
    check_flat(SEG_ES, 0);
    check_tr();
    for (int i = SEG_SS; i <= SEG_GS; i++)
        info(seg_name[i], "unspecified: selector 0x%x access 0x%x limit 0x%x",
             s->sel[i], s->seg[i].access, s->seg[i].limit);
    info("efer", "unspecified: 0x%llx", (unsigned long long)s->efer);
    info("gdtr", "base 0x%x limit 0x%x; idtr base 0x%x limit 0x%x",
         s->gdtr.base, s->gdtr.limit, s->idtr.base, s->idtr.limit);
    info("gprs", "eax 0x%x ecx 0x%x edx 0x%x esi 0x%x edi 0x%x ebp 0x%x "
                 "esp 0x%x",
         s->eax, s->ecx, s->edx, s->esi, s->edi, s->ebp, s->esp);
}
