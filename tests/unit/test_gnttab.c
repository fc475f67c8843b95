/* Grant table v1 logic (lib/xenbus/gnttab.c) with a simulated backend
 * that maps grants the way Xen marks them: GTF_reading / GTF_writing. */
#include <errno.h>
#include <string.h>
#include <tern/gnttab.h>
#include "test.h"

#define NR 16

static struct grant_entry_v1 e[NR];
static uint32_t store[NR];
static struct gnttab g;

static void setup(void)
{
    memset(e, 0, sizeof(e));
    CHECK(gnttab_table_init(&g, e, NR, store) == 0);
    log_clear();
}

TEST(gnttab_grant_fills_the_entry)
{
    int ref;

    setup();
    CHECK(gnttab_free_count(&g) == NR - GNTTAB_NR_RESERVED_ENTRIES);
    ref = gnttab_grant(&g, 0, 0x1234, true);
    CHECK(ref == GNTTAB_NR_RESERVED_ENTRIES);
    CHECK(e[ref].frame == 0x1234 && e[ref].domid == 0);
    CHECK(e[ref].flags == (GTF_permit_access | GTF_readonly));
    ref = gnttab_grant(&g, 5, 0x99, false);
    CHECK(ref == GNTTAB_NR_RESERVED_ENTRIES + 1);
    CHECK(e[ref].flags == GTF_permit_access && e[ref].domid == 5);
    for (int i = 0; i < GNTTAB_NR_RESERVED_ENTRIES; i++)
        CHECK(e[i].flags == 0); /* the toolstack's entries untouched */
}

TEST(gnttab_end_refuses_while_the_backend_maps)
{
    int ref;

    setup();
    ref = gnttab_grant(&g, 0, 0x42, false);
    e[ref].flags |= GTF_reading; /* the backend mapped it */
    CHECK(gnttab_end(&g, (grant_ref)ref) == -EBUSY);
    CHECK(e[ref].flags == (GTF_permit_access | GTF_reading));
    CHECK(gnttab_free_count(&g) == NR - GNTTAB_NR_RESERVED_ENTRIES - 1);
    CHECK(log_contains("still mapped by domain 0"));
    e[ref].flags = GTF_permit_access | GTF_writing;
    CHECK(gnttab_end(&g, (grant_ref)ref) == -EBUSY && g.refused == 2);
    e[ref].flags = GTF_permit_access; /* unmapped */
    CHECK(gnttab_end(&g, (grant_ref)ref) == 0 && e[ref].flags == 0);
    CHECK(gnttab_free_count(&g) == NR - GNTTAB_NR_RESERVED_ENTRIES);
}

TEST(gnttab_bad_refs_and_arguments)
{
    int ref;

    setup();
    CHECK(gnttab_grant(&g, DOMID_FIRST_RESERVED, 1, true) == -EINVAL);
    CHECK(gnttab_grant(&g, 0, 1ull << 32, true) == -EINVAL);
    CHECK(gnttab_end(&g, 1) == -EINVAL);  /* the toolstack's xenstore ref */
    CHECK(gnttab_end(&g, NR) == -EINVAL); /* past the table */
    CHECK(gnttab_end(&g, 9) == -EINVAL);  /* never granted */
    ref = gnttab_grant(&g, 0, 1, true);
    CHECK(gnttab_end(&g, (grant_ref)ref) == 0);
    CHECK(gnttab_end(&g, (grant_ref)ref) == -EINVAL); /* twice */
    CHECK(gnttab_free_count(&g) == NR - GNTTAB_NR_RESERVED_ENTRIES);
    CHECK(gnttab_table_init(&g, e, GNTTAB_NR_RESERVED_ENTRIES, store) ==
          -EINVAL);
}

TEST(gnttab_exhaustion_is_an_error_once)
{
    int seen[NR] = {0};

    setup();
    for (int i = GNTTAB_NR_RESERVED_ENTRIES; i < NR; i++) {
        int ref = gnttab_grant(&g, 0, (uint64_t)i, true);

        CHECK(ref >= GNTTAB_NR_RESERVED_ENTRIES && ref < NR && !seen[ref]);
        if (ref >= 0 && ref < NR)
            seen[ref] = 1;
    }
    CHECK(gnttab_grant(&g, 0, 1, true) == -ENOSPC);
    CHECK(log_contains("all 8 grant references in use"));
    log_clear();
    CHECK(gnttab_grant(&g, 0, 1, true) == -ENOSPC);
    CHECK(!log_contains("grant references")); /* said once */
    CHECK(gnttab_end(&g, 12) == 0);
    CHECK(gnttab_grant(&g, 0, 1, true) == 12);
}
