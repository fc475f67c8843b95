/* The real grant table (v1): its frames placed with XENMEM_add_to_physmap
 * into free guest frames above RAM (mm_free_frames), which then get
 * mapped like RAM. */
#include <errno.h>
#include <tern/gnttab.h>
#include <tern/kalloc.h>
#include <tern/log.h>
#include <tern/mm.h>
#include <tern/xen.h>
#include <xen/memory.h>
#include <xen/xen.h>

/* 512 entries a frame: 2048 references, minus the toolstack's 8, is
 * plenty for a few rings and their buffers. */
#define FRAMES_WANTED 4u

static struct gnttab table;
static bool ready;

struct gnttab *gnttab_get(void)
{
    return ready ? &table : 0;
}

static int query_frames(uint32_t *frames)
{
    struct gnttab_query_size q = {.dom = DOMID_SELF};
    long rc = xen_grant_table_op(GNTTABOP_query_size, &q, 1);

    if (rc || q.status != GNTST_okay || q.max_nr_frames == 0) {
        pr_err("gnttab: GNTTABOP_query_size failed (%ld, status %d, max "
               "%u frames)", rc, q.status, q.max_nr_frames);
        return -EIO;
    }
    *frames = q.max_nr_frames < FRAMES_WANTED ? q.max_nr_frames
                                              : FRAMES_WANTED;
    return 0;
}

int gnttab_setup(void)
{
    uint32_t frames, nr;
    uint64_t base;
    uint32_t *free_store;
    struct mem_range r;
    long rc;

    if (ready)
        return 0;
    if (query_frames(&frames))
        return -EIO;
    if (!(base = mm_free_frames(frames))) {
        pr_err("gnttab: no free guest frames above RAM for %u frames",
               frames);
        return -ENOMEM;
    }
    for (uint32_t i = 0; i < frames; i++) {
        rc = xen_add_to_physmap(XENMAPSPACE_grant_table, i,
                                (base >> 12) + i);
        if (rc) {
            pr_err("gnttab: XENMEM_add_to_physmap of frame %u at 0x%llx "
                   "failed (%ld)", i,
                   (unsigned long long)(base + i * 4096ull), rc);
            return -EIO;
        }
    }
    r.start = base;
    r.end = base + frames * 4096ull;
    paging_map_ram(&r, 1);
    nr = frames * (4096 / sizeof(struct grant_entry_v1));
    if (!(free_store = kmalloc(nr * sizeof(uint32_t))))
        return -ENOMEM;
    gnttab_table_init(&table, (volatile struct grant_entry_v1 *)(uintptr_t)base,
                      nr, free_store);
    ready = true;
    pr_info("gnttab: v1, %u frames at 0x%llx, %u references", frames,
            (unsigned long long)base, nr - GNTTAB_NR_RESERVED_ENTRIES);
    return 0;
}
