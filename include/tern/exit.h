/* Exit statuses and shutdown.  Apps use 0..111; the runtime's own failures
 * use the distinct values below.  isa-debug-exit passes 7 bits, so every
 * status stays below 128. */
#ifndef TERN_EXIT_H
#define TERN_EXIT_H

/* Reported by the 32-bit entry (arch/x86_64/cpu_check.S) before any C
 * runs, so a plain number the assembly can use: the CPU lacks long mode or
 * another feature Tern needs. */
#define TERN_EXIT_CPU_UNSUPPORTED 119
/* Also from the entry (image_check): no usable RAM, the image not in RAM,
 * or the image overwritten after loading. */
#define TERN_EXIT_NO_RAM_STATUS 116

#ifndef __ASSEMBLY__
enum tern_exit_status {
    TERN_EXIT_PANIC = 112,           /* runtime invariant broken */
    TERN_EXIT_FAULT = 113,           /* CPU exception */
    TERN_EXIT_BAD_START_INFO = 114,  /* start_info missing, bad magic */
    TERN_EXIT_BAD_MEMMAP = 115,      /* memory map absurd or too large */
    TERN_EXIT_NO_RAM = TERN_EXIT_NO_RAM_STATUS,
    TERN_EXIT_BAD_CMDLINE = 117,     /* cmdline outside memory, unterminated */
    TERN_EXIT_BAD_MODULE = 118,      /* module list, module or its cmdline */
    TERN_EXIT_NO_ENTROPY = 120,      /* arc4random with no strong source */
};

enum tern_exit_mode {
    TERN_EXIT_MODE_POWEROFF = 0, /* ACPI S5: QEMU exits with status 0 */
    TERN_EXIT_MODE_DEBUGEXIT,    /* isa-debug-exit: QEMU exits (s<<1)|1 */
    TERN_EXIT_MODE_HALT,         /* stop the CPU and leave the VM up */
};

extern int tern_exit_mode;

/* Report the status, then shut down as tern.exit says. */
__attribute__((noreturn)) void tern_exit(int status);

/* One "tern: fatal: ..." line on every console, then shut down with status,
 * trying isa-debug-exit first so a harness sees the status. */
__attribute__((noreturn, format(printf, 2, 3))) void
tern_fatal(int status, const char *fmt, ...);

/* Every fatal path begins here (tern_fatal and the CPU exception report
 * call it).  Entered again before the VM has stopped, a fault inside
 * fatal handling, it prints nothing more: isa-debug-exit with the status,
 * then a silent power-off, then halt, one step further each time. */
void tern_fatal_enter(int status);

/* The end of every fatal path, after tern_fatal_enter: isa-debug-exit with the status (so a test
 * harness sees it), then ACPI power-off, then halt, as tern.exit allows. */
__attribute__((noreturn)) void tern_fatal_shutdown(int status);

#endif /* __ASSEMBLY__ */
#endif
