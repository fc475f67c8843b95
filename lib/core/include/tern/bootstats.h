/* Boot phase marks: the TSC at the end of each phase, printed with
 * tern.bootstats.  Under QEMU -icount shift=0 the TSC counts guest
 * instructions, which makes the figures repeatable (make bench). */
#ifndef TERN_BOOTSTATS_H
#define TERN_BOOTSTATS_H

void boot_mark(const char *phase);
/* "tern: bootstats: <phase> <ticks since entry> ..." on one line. */
void boot_marks_print(void);

/* Set from tern.bootstats; tern_exit then reports memory use. */
extern int boot_stats_enabled;
/* Set by boot_main: "tern: bootstats: exit pages_used N of M heap_peak B"
 * from tern_exit with tern.bootstats. */
extern void (*boot_exit_report)(void);

#endif
