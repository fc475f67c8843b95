/* Host stand-in for the kernel's page_alloc and page_free_run: whole
 * pages from the host heap, counted, with a limit a test may lower. */
#ifndef TERN_HOST_PAGES_H
#define TERN_HOST_PAGES_H

#include <stdint.h>

extern int pages_given;  /* runs handed out so far */
extern int pages_left;   /* runs still allowed: 0 makes page_alloc fail */
extern long pages_live;  /* pages handed out and not freed */

#endif
