/* The machine state exactly as the loader left it at the PVH entry,
 * saved by arch/x86_64/pvh_entry.S before its first change.  Offsets are
 * shared with the assembly; apps/pvhcheck judges it against the ABI. */
#ifndef TERN_ENTRY_STATE_H
#define TERN_ENTRY_STATE_H

#define ES_EAX 0
#define ES_EBX 4
#define ES_ECX 8
#define ES_EDX 12
#define ES_ESI 16
#define ES_EDI 20
#define ES_EBP 24
#define ES_ESP 28
#define ES_EFLAGS 32
#define ES_CR0 36
#define ES_CR3 40
#define ES_CR4 44
#define ES_EFER 48 /* 8 bytes */
#define ES_SEL 56  /* 7 selectors, 2 bytes each: cs ds es ss fs gs tr */
#define ES_GDTR 72 /* limit (2), base (4) */
#define ES_IDTR 80
#define ES_SEGS 88 /* 7 x {access rights, limit, valid flags}: 12 bytes */
#define ES_SEG_SIZE 12
#define ES_DESC (ES_SEGS + 7 * ES_SEG_SIZE + 4) /* filled from C */
#define ES_TSC (ES_DESC + 7 * 8 + 8) /* rdtsc at the first instruction */
#define ES_SIZE (ES_TSC + 8)

#define ES_SEG_LAR_OK 1 /* lar succeeded: access rights valid */
#define ES_SEG_LSL_OK 2 /* lsl succeeded: limit valid */

#ifndef __ASSEMBLY__
#include <stdint.h>

enum entry_seg { SEG_CS, SEG_DS, SEG_ES, SEG_SS, SEG_FS, SEG_GS, SEG_TR,
                 SEG_COUNT };

struct entry_seg_state {
    uint32_t access; /* lar result: type, S, DPL, P, AVL, L, D/B, G */
    uint32_t limit;  /* lsl result, in bytes */
    uint32_t valid;  /* ES_SEG_* */
};

struct pvh_entry_state {
    uint32_t eax, ebx, ecx, edx, esi, edi, ebp, esp;
    uint32_t eflags, cr0, cr3, cr4;
    uint64_t efer;
    uint16_t sel[SEG_COUNT];
    uint16_t pad0;
    struct __attribute__((packed)) {
        uint16_t limit;
        uint32_t base;
        uint16_t pad;
    } gdtr, idtr;
    struct entry_seg_state seg[SEG_COUNT];
    uint32_t pad_seg;
    /* GDT descriptors of the selectors, copied by entry_state_finish()
     * before anything can reuse the loader's GDT memory. */
    uint64_t desc[SEG_COUNT];
    uint32_t desc_valid; /* bit per segment */
    uint32_t pad1;
    uint64_t tsc; /* the time stamp counter at entry, for tern.bootstats */
};

/* Copy the descriptors the saved selectors name out of the loader's GDT. */
void entry_state_finish(void);

_Static_assert(sizeof(struct pvh_entry_state) == ES_SIZE,
               "entry_state.h offsets and struct disagree");

extern struct pvh_entry_state pvh_entry_state;
#endif

#endif
