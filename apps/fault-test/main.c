/*
 * fault-test: fault on purpose so the boot tests can check the fault
 * report and its exit status.  argv[1]:
 *   null          read address 0
 *   ud, div0      invalid opcode, divide by zero
 *   stack         recurse until main's stack overflows
 *   thread-stack  the same in a thread of its own
 *   big-frame     one frame far larger than main's stack and its guard
 *   thread-big-frame  the same in a thread
 *   thread-vla    a variable-length array larger than a thread's stack
 *   vla N         a variable-length array of N bytes on main's stack
 *   ist-guard     read the guard page under the double-fault stack
 *   console-fault a console that faults, then a NULL dereference: the
 *                 report itself faults
 *   acpi-fault    ACPI tables that fault when read, then return 0: the
 *                 power-off at exit faults
 *   bad-free      give back a page the allocator never handed out
 *   double-free   give back a page twice
 *   pic-spurious  raise what a spurious IRQ 7 and 15 of the 8259s would:
 *                 counted, not fatal
 * and the paging modes of paging.c (write-text, exec-data, mmio-high...).
 */
#include <stdlib.h>
#include <string.h>
#include <tern/acpi.h>
#include <tern/arch.h>
#include <tern/console.h>
#include <tern/mm.h>
#include <tern/tern.h>
#include <tern/thread.h>
#include "paging.h"

#define BIG_FRAME (256 * 1024) /* above any default stack, guard included */

static volatile int zero;
extern char df_stack_guard[]; /* arch/x86_64/stacks.S */

/* Deep on purpose: a depth that can never be reached in any stack. */
static int __attribute__((noinline)) recurse(int depth)
{
    volatile char frame[256];

    frame[0] = (char)depth;
    if (depth > 1000000)
        return frame[0];
    return recurse(depth + 1) + frame[0];
}

/* Written from its lowest byte up, as memset does: without probes the
 * first store lands far below the guard page. */
static int __attribute__((noinline)) big_frame(void)
{
    volatile char frame[BIG_FRAME];

    for (size_t i = 0; i < sizeof(frame); i += 4096)
        frame[i] = 1;
    return frame[4096];
}

static int __attribute__((noinline)) vla(size_t n)
{
    volatile char buf[n];

    for (size_t i = 0; i < n; i += 4096)
        buf[i] = 1;
    return buf[0];
}

static void *in_thread(void *arg)
{
    if (arg == (void *)2)
        return (void *)(intptr_t)vla(BIG_FRAME);
    return (void *)(intptr_t)(arg ? big_frame() : recurse(0));
}

static void faulting_console(const char *s, size_t n)
{
    (void)s;
    (void)n;
    *(volatile char *)(uintptr_t)zero = 1; /* page 0 is unmapped */
}

static int run_thread(const char *name, void *arg)
{
    thread_join(thread_create(name, in_thread, arg, 0), 0);
    return 0;
}

static int __attribute__((noinline)) fault(const char *how, const char *arg)
{
    if (!strcmp(how, "null"))
        return *(volatile int *)(uintptr_t)zero;
    if (!strcmp(how, "ud"))
        __asm__ volatile("ud2");
    if (!strcmp(how, "stack"))
        return recurse(0);
    if (!strcmp(how, "thread-stack"))
        return run_thread("overflow", 0);
    if (!strcmp(how, "big-frame"))
        return big_frame();
    if (!strcmp(how, "thread-big-frame"))
        return run_thread("bigframe", (void *)1);
    if (!strcmp(how, "thread-vla"))
        return run_thread("vla", (void *)2);
    if (!strcmp(how, "vla"))
        return vla(arg ? strtoul(arg, 0, 0) : BIG_FRAME);
    if (!strcmp(how, "ist-guard"))
        return *(volatile char *)df_stack_guard;
    if (!strcmp(how, "console-fault")) {
        console_register("faulty", faulting_console);
        return *(volatile int *)(uintptr_t)zero;
    }
    if (!strcmp(how, "acpi-fault")) {
        uint64_t page = page_alloc(1);

        paging_set_present(page, false);
        acpi_set_rsdp_hint(page); /* in RAM, where no table can be read */
        return 0;
    }
    if (!strcmp(how, "bad-free")) { /* the page holding this code */
        page_free_run((uintptr_t)fault & ~(uintptr_t)0xfff, 1);
        return 0;
    }
    if (!strcmp(how, "double-free")) {
        uint64_t page = page_alloc(1);

        page_free_run(page, 1);
        page_free_run(page, 1);
        return 0;
    }
    if (!strcmp(how, "pic-spurious")) {
        uint64_t before = irq_spurious_count();

        __asm__ volatile("int %0" : : "i"(PIC_VECTOR_BASE + 7));
        __asm__ volatile("int %0" : : "i"(PIC_VECTOR_BASE + 15));
        tern_printf("fault-test: 8259 spurious vectors 0x%x 0x%x: %llu counted\n",
                    PIC_VECTOR_BASE + 7, PIC_VECTOR_BASE + 15,
                    (unsigned long long)(irq_spurious_count() - before));
        return 0;
    }
    if (!strcmp(how, "div0")) { /* asm: gcc turns 1/x into a compare */
        unsigned q, r, d = (unsigned)zero;
        __asm__ volatile("div %2" : "=a"(q), "=d"(r) : "r"(d), "a"(1), "d"(0));
        return (int)q;
    }
    return -1;
}

int main(int argc, char **argv)
{
    int r;

    if (argc < 2) {
        tern_printf("usage: fault-test null|ud|div0|stack|thread-stack|"
                    "big-frame|thread-big-frame|vla N|ist-guard|"
                    "console-fault|acpi-fault|bad-free|double-free|"
                    "pic-spurious\n");
        return 2;
    }
    tern_printf("fault-test: %s\n", argv[1]);
    if ((r = paging_fault(argv[1])) != -1) /* the modes that may return */
        return r;
    r = fault(argv[1], argc > 2 ? argv[2] : 0);
    if (r == -1)
        tern_printf("fault-test: unknown fault '%s'\n", argv[1]);
    return !strcmp(argv[1], "acpi-fault") ? 0 : 2;
}
