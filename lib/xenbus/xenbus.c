/* The xenbus front-end handshake over the xenstore client.  No
 * hypercalls: host tests run it against simulated backends that stall,
 * lie about their state or close half-way. */
#include <errno.h>
#include <string.h>
#include <tern/format.h>
#include <tern/log.h>
#include <tern/xenbus.h>

static struct xenbus_front *connected;

static const char *const names[] = {
    "Unknown",   "Initialising", "InitWait", "Initialised",   "Connected",
    "Closing",   "Closed",       "Reconfiguring", "Reconfigured",
};

const char *xenbus_state_name(int state)
{
    return state >= 0 && state <= XenbusStateReconfigured ? names[state]
                                                          : "invalid";
}

int xenbus_parse_state(const char *s, size_t len)
{
    uint32_t v;

    if (xs_parse_u32(s, len, &v) || v > XenbusStateReconfigured)
        return -EINVAL;
    return (int)v;
}

static int read_backend(struct xenbus_front *fe)
{
    char path[XENBUS_NODE_MAX + 16], want[40];
    int n;

    tern_snprintf(path, sizeof(path), "%s/backend-id", fe->node);
    if ((n = xs_read_u32(fe->xs, 0, path, &fe->backend_id)) ||
        fe->backend_id >= DOMID_FIRST_RESERVED) {
        pr_err("xenbus: %s: backend-id unreadable or out of range (%d)",
               fe->node, n);
        return n ? n : -EINVAL;
    }
    tern_snprintf(path, sizeof(path), "%s/backend", fe->node);
    n = xs_read(fe->xs, 0, path, fe->backend, sizeof(fe->backend));
    tern_snprintf(want, sizeof(want), "/local/domain/%u/backend/",
                  fe->backend_id);
    if (n < 0 || strncmp(fe->backend, want, strlen(want)) != 0 ||
        strlen(fe->backend) != (size_t)n) {
        pr_err("xenbus: %s: backend path unreadable or not under %s (%d)",
               fe->node, want, n);
        return n < 0 ? n : -EINVAL;
    }
    return 0;
}

int xenbus_front_init(struct xenbus_front *fe, struct xs_client *xs,
                      const char *node, uint64_t timeout_ns)
{
    int rc;

    memset(fe, 0, sizeof(*fe));
    if (strlen(node) >= sizeof(fe->node))
        return -ENAMETOOLONG;
    strcpy(fe->node, node);
    fe->xs = xs;
    fe->timeout_ns = timeout_ns;
    fe->state = XenbusStateUnknown;
    if ((rc = read_backend(fe)))
        return rc;
    return xenbus_switch_state(fe, XenbusStateInitialising);
}

int xenbus_switch_state(struct xenbus_front *fe, int state)
{
    char path[XENBUS_NODE_MAX + 8], value[4];
    int rc;

    tern_snprintf(path, sizeof(path), "%s/state", fe->node);
    tern_snprintf(value, sizeof(value), "%d", state);
    if ((rc = xs_write(fe->xs, 0, path, value))) {
        pr_err("xenbus: %s: writing state %s failed (%d)", fe->node,
               xenbus_state_name(state), rc);
        return rc;
    }
    fe->state = state;
    return 0;
}

int xenbus_backend_state(struct xenbus_front *fe)
{
    char path[XENBUS_BACKEND_MAX + 8], value[16];
    int n, state;

    tern_snprintf(path, sizeof(path), "%s/state", fe->backend);
    n = xs_read(fe->xs, 0, path, value, sizeof(value));
    if (n == -ENOENT)
        return XenbusStateUnknown; /* not written yet */
    if (n == -E2BIG)
        n = 0; /* too long to be a state: invalid below */
    if (n < 0)
        return n;
    if ((state = xenbus_parse_state(value, (size_t)n)) < 0)
        pr_err("xenbus: %s: backend state \"%.15s\" is not a state",
               fe->node, value);
    return state;
}

int xenbus_wait_backend(struct xenbus_front *fe, unsigned mask,
                        unsigned fail_mask)
{
    char path[XENBUS_BACKEND_MAX + 8];
    uint64_t deadline, t;
    struct xs_watch w = {0};
    int state = XenbusStateUnknown, rc;

    tern_snprintf(path, sizeof(path), "%s/state", fe->backend);
    /* The watch fires once on registration: no write between a first
     * read and the watch can be missed. */
    if ((rc = xs_watch(fe->xs, &w, path)))
        return rc;
    deadline = fe->xs->t.now(fe->xs->t.ctx) + fe->timeout_ns;
    for (;;) {
        t = fe->xs->t.now(fe->xs->t.ctx);
        rc = xs_watch_wait(fe->xs, &w, t < deadline ? deadline - t : 0);
        if (rc == -ETIMEDOUT) {
            pr_err("xenbus: %s: backend %s stayed %s for %u ms (waiting "
                   "for mask 0x%x): giving up", fe->node, fe->backend,
                   xenbus_state_name(state),
                   (unsigned)(fe->timeout_ns / 1000000), mask);
            break;
        }
        if (rc)
            break;
        if ((state = xenbus_backend_state(fe)) < 0) {
            rc = state;
            break;
        }
        if (mask & XENBUS_MASK(state)) {
            rc = state;
            break;
        }
        if (fail_mask & XENBUS_MASK(state)) {
            pr_err("xenbus: %s: backend went %s while we were %s",
                   fe->node, xenbus_state_name(state),
                   xenbus_state_name(fe->state));
            rc = -EPIPE;
            break;
        }
    }
    xs_unwatch(fe->xs, &w);
    return rc;
}

int xenbus_connect(struct xenbus_front *fe,
                   int (*publish)(struct xs_client *xs, xs_tx tx, void *arg),
                   void *arg)
{
    const unsigned gone = XENBUS_MASK(XenbusStateClosing) |
                          XENBUS_MASK(XenbusStateClosed);
    int rc;

    rc = xenbus_wait_backend(fe, XENBUS_MASK(XenbusStateInitWait) |
                                     XENBUS_MASK(XenbusStateInitialised) |
                                     XENBUS_MASK(XenbusStateConnected),
                             gone);
    if (rc < 0)
        return rc;
    if (publish &&
        (rc = xs_transaction_run(fe->xs, publish, arg, fe->node))) {
        pr_err("xenbus: %s: publishing failed (%d)", fe->node, rc);
        return rc;
    }
    if ((rc = xenbus_switch_state(fe, XenbusStateInitialised)))
        return rc;
    rc = xenbus_wait_backend(fe, XENBUS_MASK(XenbusStateConnected), gone);
    if (rc < 0)
        return rc;
    if ((rc = xenbus_switch_state(fe, XenbusStateConnected)))
        return rc;
    if (!fe->listed) {
        fe->next = connected;
        connected = fe;
        fe->listed = 1;
    }
    return 0;
}

static void unlist(struct xenbus_front *fe)
{
    for (struct xenbus_front **pp = &connected; *pp; pp = &(*pp)->next) {
        if (*pp == fe) {
            *pp = fe->next;
            fe->listed = 0;
            return;
        }
    }
}

int xenbus_close(struct xenbus_front *fe)
{
    int rc;

    unlist(fe);
    if ((rc = xenbus_switch_state(fe, XenbusStateClosing)))
        return rc;
    rc = xenbus_wait_backend(fe, XENBUS_MASK(XenbusStateClosing) |
                                     XENBUS_MASK(XenbusStateClosed) |
                                     XENBUS_MASK(XenbusStateUnknown),
                             0);
    if (rc < 0)
        return rc;
    return xenbus_switch_state(fe, XenbusStateClosed);
}

int xenbus_close_all(void)
{
    int failed = 0;

    while (connected) {
        struct xenbus_front *fe = connected;
        int rc = xenbus_close(fe);

        failed += rc != 0;
        if (rc == 0)
            pr_info("xenbus: %s closed", fe->node);
    }
    return failed;
}
