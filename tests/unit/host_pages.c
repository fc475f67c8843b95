/* page_alloc and page_free_run for host builds (host_pages.h).  Runs stay
 * reachable through a table, so pools that keep their pages are not
 * reported as leaks; a free of a run never handed out ends the test. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <tern/memmap.h>
#include <tern/mm.h>
#include "host_pages.h"

#define MAX_RUNS 4096

int pages_given, pages_left = 100000;
long pages_live;
static struct {
    void *p;
    uint64_t n;
} runs[MAX_RUNS];

uint64_t page_alloc(uint64_t npages)
{
    void *p;
    int slot = -1;

    for (int i = 0; i < MAX_RUNS && slot < 0; i++)
        if (!runs[i].p)
            slot = i;
    if (!npages || npages > (1u << 20) || pages_left <= 0 || slot < 0)
        return 0;
    p = aligned_alloc(PAGE_SIZE, npages * PAGE_SIZE);
    if (!p)
        return 0;
    memset(p, 0xa5, npages * PAGE_SIZE); /* dirty, as reused RAM would be */
    runs[slot].p = p;
    runs[slot].n = npages;
    pages_given++;
    pages_left--;
    pages_live += (long)npages;
    return (uintptr_t)p;
}

void page_free_run(uint64_t paddr, uint64_t npages)
{
    for (int i = 0; i < MAX_RUNS; i++) {
        if (runs[i].p == (void *)(uintptr_t)paddr && runs[i].n == npages) {
            free(runs[i].p);
            runs[i].p = NULL;
            pages_live -= (long)npages;
            return;
        }
    }
    printf("# page_free_run(0x%llx, %llu): not a run page_alloc gave\n",
           (unsigned long long)paddr, (unsigned long long)npages);
    exit(2);
}
