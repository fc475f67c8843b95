/*
 * Grant tables, version 1 (xen/grant_table.h): granting another domain
 * (a backend) access to one of our frames, and taking it back.  Xen sets
 * GTF_reading/GTF_writing in an entry while the grantee has the frame
 * mapped; ending such a grant is refused (-EBUSY), the entry stays and
 * the caller must keep the page: reusing it would hand whatever we put
 * there next to the backend (XSA-396).
 *
 * gnttab.c is the table logic over any array of entries (host-tested with
 * a simulated backend); gnttab_xen.c maps the real table.
 */
#ifndef TERN_GNTTAB_H
#define TERN_GNTTAB_H

#include <stdbool.h>
#include <stdint.h>
#include <xen/grant_table.h>

typedef uint32_t grant_ref;

struct gnttab {
    volatile struct grant_entry_v1 *e;
    uint32_t nr;         /* entries */
    uint32_t *free;      /* stack of free refs, nr - 8 of them */
    uint32_t nfree;
    uint64_t refused;    /* ends refused: the grantee still mapped it */
    bool exhausted_said; /* the "no grant references left" line, once */
};

/* e: nr entries (the first GNTTAB_NR_RESERVED_ENTRIES are the toolstack's
 * and never handed out); free_store: room for nr refs.  -EINVAL when nr
 * leaves none. */
int gnttab_table_init(struct gnttab *g, volatile struct grant_entry_v1 *e,
                      uint32_t nr, uint32_t *free_store);

/* Let domid map frame (a guest frame number), read-only if ro: the
 * reference, -ENOSPC when every one is in use (a line, once), -EINVAL
 * for a domid Xen reserves or a frame that does not fit 32 bits. */
int gnttab_grant(struct gnttab *g, uint16_t domid, uint64_t frame, bool ro);

/* Take the grant back: 0 (ref free again), -EBUSY when the grantee still
 * has it mapped (entry untouched; try again later, keep the page), or
 * -EINVAL for a ref that is not granted. */
int gnttab_end(struct gnttab *g, grant_ref ref);

/* References free now. */
uint32_t gnttab_free_count(const struct gnttab *g);

/* The image's table, from gnttab_xen.c: NULL outside a Xen domU or when
 * setting it up failed (reported). */
struct gnttab *gnttab_get(void);
int gnttab_setup(void);

#endif
