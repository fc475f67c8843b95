/* Grant table v1 entries: handing out references and taking them back.
 * The entry's flags are shared with Xen, which sets GTF_reading and
 * GTF_writing while the grantee maps the frame: ending a grant is one
 * compare-and-exchange from flags without them to 0, so a mapping that
 * starts at the same moment either sees the entry gone or keeps it. */
#include <errno.h>
#include <tern/gnttab.h>
#include <tern/log.h>

int gnttab_table_init(struct gnttab *g, volatile struct grant_entry_v1 *e,
                      uint32_t nr, uint32_t *free_store)
{
    if (nr <= GNTTAB_NR_RESERVED_ENTRIES)
        return -EINVAL;
    g->e = e;
    g->nr = nr;
    g->free = free_store;
    g->nfree = 0;
    g->refused = 0;
    g->exhausted_said = false;
    /* Lowest refs on top: handed out first. */
    for (uint32_t ref = nr - 1; ref >= GNTTAB_NR_RESERVED_ENTRIES; ref--)
        g->free[g->nfree++] = ref;
    return 0;
}

int gnttab_grant(struct gnttab *g, uint16_t domid, uint64_t frame, bool ro)
{
    volatile struct grant_entry_v1 *ent;
    uint32_t ref;

    if (domid >= DOMID_FIRST_RESERVED || frame > UINT32_MAX)
        return -EINVAL;
    if (g->nfree == 0) {
        if (!g->exhausted_said)
            pr_err("gnttab: all %u grant references in use",
                   g->nr - GNTTAB_NR_RESERVED_ENTRIES);
        g->exhausted_said = true;
        return -ENOSPC;
    }
    ref = g->free[--g->nfree];
    ent = &g->e[ref];
    ent->frame = (uint32_t)frame;
    ent->domid = domid;
    /* The frame and domain are in place before the flags make the entry
     * valid for Xen. */
    __atomic_store_n(&ent->flags,
                     (uint16_t)(GTF_permit_access | (ro ? GTF_readonly : 0)),
                     __ATOMIC_RELEASE);
    return (int)ref;
}

int gnttab_end(struct gnttab *g, grant_ref ref)
{
    volatile struct grant_entry_v1 *ent;
    uint16_t flags;

    if (ref < GNTTAB_NR_RESERVED_ENTRIES || ref >= g->nr)
        return -EINVAL;
    ent = &g->e[ref];
    flags = __atomic_load_n(&ent->flags, __ATOMIC_ACQUIRE);
    do {
        if ((flags & GTF_type_mask) != GTF_permit_access)
            return -EINVAL;
        if (flags & (GTF_reading | GTF_writing)) {
            g->refused++;
            pr_warn("gnttab: ref %u still mapped by domain %u (flags "
                    "0x%x): kept", ref, ent->domid, flags);
            return -EBUSY;
        }
    } while (!__atomic_compare_exchange_n(&ent->flags, &flags, 0, false,
                                          __ATOMIC_SEQ_CST,
                                          __ATOMIC_ACQUIRE));
    g->free[g->nfree++] = ref;
    return 0;
}

uint32_t gnttab_free_count(const struct gnttab *g)
{
    return g->nfree;
}
