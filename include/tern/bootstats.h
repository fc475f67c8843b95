/* Boot phase marks: the TSC at the end of each phase, printed with
 * tern.bootstats.  Under QEMU -icount shift=0 the TSC counts guest
 * instructions, which makes the figures repeatable (make bench). */
#ifndef TERN_BOOTSTATS_H
#define TERN_BOOTSTATS_H

void boot_mark(const char *phase);
/* "tern: bootstats: <phase> <ticks since entry> ..." on one line. */
void boot_marks_print(void);

#endif
