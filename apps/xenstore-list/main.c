/*
 * xenstore-list: the xenstore client, grant table and xenbus front-end
 * against the real Xen, as a PVH domU (tests/run.py, "xen domU
 * xenstore-list").  TAP lines.  dom0's side of the test (scripts/
 * run-xen-domu's DOM0_CHECK) reads what we write, answers in data/, and
 * plays the backend of a device "tern/0" that only it and this app know:
 * the front-end handshake runs against real xenstored, with a backend
 * in another domain that really maps the grant we publish.  Without a xenstore (QEMU, a dom0) every check skips.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <tern/gnttab.h>
#include <tern/kalloc.h>
#include <tern/tap.h>
#include <tern/thread.h>
#include <tern/xenbus.h>
#include <tern/xenstore.h>

#define SECONDS(n) ((uint64_t)(n) * 1000000000ull)

static struct xs_client *xs;
static uint32_t domid;
static char value[256];

static void identity(void)
{
    int n = xs_read(xs, 0, "name", value, sizeof(value));

    printf("# name = \"%s\" (%d)\n", n >= 0 ? value : "", n);
    tap_ok(n > 0, "read name");
    n = xs_read_u32(xs, 0, "domid", &domid);
    printf("# domid = %u (%d)\n", domid, n);
    tap_ok(n == 0 && domid > 0 && domid < DOMID_FIRST_RESERVED,
           "read domid: a domU's");
}

static void list_devices(void)
{
    char buf[512];
    const char *names[32];
    int n = xs_directory(xs, 0, "device", buf, sizeof(buf), names, 32);

    for (int i = 0; i < n; i++)
        printf("# device/%s\n", names[i]);
    printf("# device: %d entries\n", n);
    tap_ok(n >= 0 || n == -ENOENT, "list device");
    /* Our own home: elsewhere the store says EACCES before ENOENT. */
    n = xs_directory(xs, 0, "data/no-such-dir", buf, sizeof(buf), names, 32);
    tap_ok(n == -ENOENT, "a missing directory is ENOENT");
}

static void write_read_back(void)
{
    char want[32];
    int n;

    snprintf(want, sizeof(want), "hello-%u", domid);
    n = xs_write(xs, 0, "data/tern-test", want);
    tap_ok(n == 0, "write data/tern-test");
    n = xs_read(xs, 0, "data/tern-test", value, sizeof(value));
    tap_ok(n == (int)strlen(want) && strcmp(value, want) == 0,
           "read data/tern-test back");
    tap_ok(xs_write(xs, 0, "/local/domain/0/tern-forbidden", "x") == -EACCES,
           "writing into dom0's home is EACCES");
}

static int bump(struct xs_client *c, xs_tx tx, void *arg)
{
    uint32_t n = 0;
    char buf[16];
    int rc = xs_read_u32(c, tx, "data/counter", &n);

    (void)arg;
    if (rc && rc != -ENOENT)
        return rc;
    snprintf(buf, sizeof(buf), "%u", n + 1);
    return xs_write(c, tx, "data/counter", buf);
}

static void transaction(void)
{
    uint32_t n = 0;

    tap_ok(xs_transaction_run(xs, bump, 0, "counter") == 0 &&
               xs_transaction_run(xs, bump, 0, "counter") == 0,
           "two transactions committed");
    tap_ok(xs_read_u32(xs, 0, "data/counter", &n) == 0 && n == 2,
           "the counter they bumped is 2");
}

static void watch(void)
{
    struct xs_watch w = {0};
    int rc = xs_watch(xs, &w, "data/tern-test");

    tap_ok(rc == 0, "watch data/tern-test");
    rc = xs_watch_wait(xs, &w, SECONDS(10));
    tap_ok(rc == 0 && strcmp(w.last, "data/tern-test") == 0,
           "the watch fires once on registration, with its path");
    tap_ok(xs_watch_wait(xs, &w, SECONDS(1) / 2) == -ETIMEDOUT,
           "and not again without a write");
    xs_write(xs, 0, "data/tern-test", "changed");
    tap_ok(xs_watch_wait(xs, &w, SECONDS(10)) == 0, "a write fires it");
    tap_ok(xs_unwatch(xs, &w) == 0, "unwatch");
}

/* dom0 polls data/ready, reads data/tern-test with xenstore-read and
 * writes what it read to data/dom0-saw. */
static void dom0_reads(void)
{
    char want[48];
    int n;

    xs_write(xs, 0, "data/tern-test", "hello-from-tern");
    xs_write(xs, 0, "data/ready", "1");
    n = xs_wait_read(xs, "data/dom0-saw", value, sizeof(value),
                     SECONDS(90));
    printf("# data/dom0-saw = \"%s\" (%d)\n", n >= 0 ? value : "", n);
    snprintf(want, sizeof(want), "hello-from-tern");
    tap_ok(n >= 0 && strcmp(value, want) == 0,
           "dom0 read our key with xenstore-read (its answer, by watch)");
}

static void grant(uint32_t *ref_out, void **page_out)
{
    struct gnttab *g = gnttab_get();
    char *page = kmalloc_aligned(4096, 4096);
    uint32_t before;
    int ref;

    *ref_out = 0;
    *page_out = page;
    tap_ok(g != 0 && page != 0, "grant table set up");
    if (!g || !page)
        return;
    before = gnttab_free_count(g);
    strcpy(page, "tern grant page");
    ref = gnttab_grant(g, 0, (uintptr_t)page >> 12, true);
    printf("# granted frame 0x%lx to dom0 as ref %d\n",
           (unsigned long)((uintptr_t)page >> 12), ref);
    tap_ok(ref >= 8 && gnttab_free_count(g) == before - 1,
           "grant a page to dom0");
    tap_ok(ref >= 8 && gnttab_end(g, (grant_ref)ref) == 0 &&
               gnttab_free_count(g) == before,
           "end the grant");
    tap_ok(ref >= 8 && gnttab_end(g, (grant_ref)ref) == -EINVAL,
           "ending it twice is refused");
    ref = gnttab_grant(g, 0, (uintptr_t)page >> 12, true);
    *ref_out = ref > 0 ? (uint32_t)ref : 0;
}

static int publish(struct xs_client *c, xs_tx tx, void *arg)
{
    char buf[16];

    snprintf(buf, sizeof(buf), "%u", *(uint32_t *)arg);
    return xs_write(c, tx, "device/tern/0/ring-ref", buf);
}

/* dom0 made device/tern/0 and plays its backend from a shell loop; on
 * our Initialised it maps the ring-ref we published (tests/dom0/gntmap.c)
 * before it says Connected, and holds the mapping until data/unmap. */
static void handshake(uint32_t ref)
{
    static struct xenbus_front fe; /* stays listed for the exit hook */
    struct gnttab *g = gnttab_get();
    int rc, tries;

    rc = xs_wait_read(xs, "device/tern/0/backend-id", value, sizeof(value),
                      SECONDS(90));
    tap_ok(rc > 0, "dom0 created device/tern/0");
    rc = xenbus_front_init(&fe, xs, "device/tern/0", SECONDS(60));
    printf("# device/tern/0: backend %s (domain %u): %d\n", fe.backend,
           fe.backend_id, rc);
    tap_ok(rc == 0, "front-end init: backend path and id checked");
    if (rc || !g)
        return;
    rc = xenbus_connect(&fe, publish, &ref);
    tap_ok(rc == 0, "connected: InitWait, published, Initialised, "
                    "Connected");
    rc = gnttab_end(g, ref);
    tap_ok(rc == -EBUSY, "ending the grant dom0 has mapped is refused");
    xs_write(xs, 0, "data/unmap", "1");
    rc = xs_wait_read(xs, "data/unmapped", value, sizeof(value),
                      SECONDS(90));
    tap_ok(rc > 0, "dom0 unmapped it");
    /* Xen clears GTF_reading when dom0's unmap reaches it */
    for (tries = 0; (rc = gnttab_end(g, ref)) == -EBUSY && tries < 50;
         tries++)
        thread_sleep_ns(SECONDS(1) / 10);
    tap_ok(rc == 0, "then the grant ends");
    /* Left connected: the exit hook closes it (Closing, backend Closed,
     * Closed) and says so. */
}

int main(void)
{
    uint32_t ref;
    void *page;

    if (!(xs = xenstore())) {
        tap_skip("xenstore", "no xenstore ring (not a Xen domU)");
        return tap_done();
    }
    identity();
    list_devices();
    write_read_back();
    transaction();
    watch();
    dom0_reads();
    grant(&ref, &page);
    handshake(ref);
    return tap_done();
}
