/*
 * The runtime's own GDT, with a 64-bit TSS whose interrupt stack table
 * gives double faults and NMIs stacks of their own: a stack overflow ends
 * in a double fault, which must not need the stack that overflowed.
 */
#include <stdint.h>
#include <tern/arch.h>

struct tss64 {
    uint32_t reserved0;
    uint64_t rsp[3];
    uint64_t reserved1;
    uint64_t ist[7];
    uint64_t reserved2;
    uint16_t reserved3;
    uint16_t iomap_base;
} __attribute__((packed));

static struct tss64 tss;
static uint64_t gdt[5]; /* in .bss: ltr writes the busy bit */
/* In arch/x86_64/stacks.S, above guard pages of their own. */
extern char df_stack_top[], nmi_stack_top[];

static void set_tss_descriptor(void)
{
    uint64_t base = (uintptr_t)&tss, limit = sizeof(tss) - 1;

    gdt[GDT_TSS / 8] = (limit & 0xffff) | (base & 0xffffff) << 16 |
                       0x89ull << 40 | ((limit >> 16) & 0xf) << 48 |
                       ((base >> 24) & 0xff) << 56;
    gdt[GDT_TSS / 8 + 1] = base >> 32;
}

void gdt_init(void)
{
    struct {
        uint16_t limit;
        uint64_t base;
    } __attribute__((packed)) desc = {sizeof(gdt) - 1, (uintptr_t)gdt};

    gdt[GDT_CODE / 8] = 0x00af9a000000ffffull;
    gdt[GDT_DATA / 8] = 0x00cf92000000ffffull;
    tss.ist[IST_DOUBLE_FAULT - 1] = (uintptr_t)df_stack_top;
    tss.ist[IST_NMI - 1] = (uintptr_t)nmi_stack_top;
    tss.iomap_base = sizeof(tss);
    set_tss_descriptor();
    __asm__ volatile("lgdt %0\n\t"
                     "pushq %1\n\t"
                     "leaq 1f(%%rip), %%rax\n\t"
                     "pushq %%rax\n\t"
                     "lretq\n"
                     "1:\n\t"
                     "movl %2, %%eax\n\t"
                     "movl %%eax, %%ds\n\t"
                     "movl %%eax, %%es\n\t"
                     "movl %%eax, %%ss\n\t"
                     "ltr %w3"
                     :
                     : "m"(desc), "i"(GDT_CODE), "i"(GDT_DATA), "r"(GDT_TSS)
                     : "rax", "memory");
}
