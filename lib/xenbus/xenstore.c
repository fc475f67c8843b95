/*
 * The xenstore client over the ring page (xs_ring.c) with replies parsed
 * by xs_reply.c.  Several threads may have requests in flight (XS_SLOTS):
 * whichever of them runs takes everything off the response ring
 * (xs_pump) and hands each reply to its slot by request id, each watch
 * event to its watch by token.  A request is written whole before the
 * next one starts (the writing flag), so a full ring never interleaves
 * two requests' bytes.
 */
#include <errno.h>
#include <string.h>
#include <tern/format.h>
#include <tern/log.h>
#include <tern/xenstore.h>
#include <tern/xs_ring.h>

struct part {
    const void *p;
    size_t n;
};

void xs_client_init(struct xs_client *xs,
                    volatile struct xenstore_domain_interface *ring,
                    const struct xs_transport *t, uint64_t timeout_ns)
{
    memset(xs, 0, sizeof(*xs));
    xs->ring = ring;
    xs->t = *t;
    xs->timeout_ns = timeout_ns;
    xs->next_req_id = 1;
}

static uint64_t now(struct xs_client *xs)
{
    return xs->t.now(xs->t.ctx);
}

static unsigned ms(uint64_t ns)
{
    return (unsigned)(ns / 1000000);
}

static void lost(struct xs_client *xs, const char *which,
                 const struct xs_ring_fault *f)
{
    xs->broken = true;
    pr_err("xenstore: %s ring indices lie (prod %u, cons %u, more than "
           "%u apart): connection given up", which, f->prod, f->cons,
           XENSTORE_RING_SIZE);
}

/* ---- taking messages off the response ring ------------------------------- */

static void deliver_event(struct xs_client *xs)
{
    const char *path, *token;

    if (xs_watch_event_parse(xs->rx_body, xs->rx_hdr.len, &path, &token)) {
        xs->dropped_events++;
        pr_warn("xenstore: malformed watch event (%u bytes): dropped",
                xs->rx_hdr.len);
        return;
    }
    for (struct xs_watch *w = xs->watches; w; w = w->next) {
        if (strcmp(w->token, token) != 0)
            continue;
        w->pending++;
        if (strlen(path) < sizeof(w->last))
            strcpy(w->last, path);
        else
            w->last[0] = 0;
        if (w->fn)
            w->fn(w, path, w->arg);
        return;
    }
    xs->dropped_events++;
    pr_warn("xenstore: watch event for token \"%.16s\", which no watch "
            "holds: dropped", token);
}

static void dispatch(struct xs_client *xs)
{
    const struct xsd_sockmsg *h = &xs->rx_hdr;

    if (h->type == XS_WATCH_EVENT) {
        deliver_event(xs);
        return;
    }
    for (unsigned i = 0; i < XS_SLOTS; i++) {
        struct xs_slot *s = &xs->slot[i];

        if (s->used && !s->done && s->req_id == h->req_id) {
            s->type = h->type;
            s->len = h->len;
            memcpy(s->body, xs->rx_body, h->len + 1);
            s->done = true;
            return;
        }
    }
    xs->dropped_replies++;
    pr_warn("xenstore: %s reply for request %u, which is not in flight: "
            "dropped", xs_type_name(h->type), h->req_id);
}

/* Moves up to want - *have bytes into dst + *have: 1 when they are all
 * there, 0 when the ring ran dry first, -1 when the connection is lost. */
static int take(struct xs_client *xs, void *dst, uint32_t want, bool *took)
{
    uint32_t have = xs->rx_have < XS_HDR_SIZE ? xs->rx_have
                                              : xs->rx_have - XS_HDR_SIZE;
    struct xs_ring_fault f;
    long got;

    while (have < want) {
        got = xs_ring_read(xs->ring, (char *)dst + have, want - have, &f);
        if (got < 0) {
            lost(xs, "response", &f);
            return -1;
        }
        if (got == 0)
            return 0;
        *took = true;
        have += (uint32_t)got;
        xs->rx_have += (uint32_t)got;
    }
    return 1;
}

void xs_pump(struct xs_client *xs)
{
    bool took = false;

    for (unsigned msgs = 0; !xs->broken && msgs < XS_PUMP_MAX; msgs++) {
        if (xs->rx_have < XS_HDR_SIZE) {
            if (take(xs, &xs->rx_hdr, XS_HDR_SIZE, &took) != 1)
                break;
            if (xs_header_check(&xs->rx_hdr)) {
                xs->broken = true;
                pr_err("xenstore: reply header says type %u, %u bytes "
                       "(at most %u): connection given up",
                       xs->rx_hdr.type, xs->rx_hdr.len,
                       XENSTORE_PAYLOAD_MAX);
                break;
            }
        }
        if (take(xs, xs->rx_body, xs->rx_hdr.len, &took) != 1)
            break;
        xs->rx_body[xs->rx_hdr.len] = 0;
        xs->rx_have = 0;
        dispatch(xs);
    }
    if (took)
        xs->t.notify(xs->t.ctx); /* room in the response ring again */
}

/* ---- requests --------------------------------------------------------------- */

/* One wait for the store, then whatever it sent: false at the deadline
 * (nothing waited) or when the connection is gone. */
static bool wait_once(struct xs_client *xs, uint64_t deadline)
{
    if (xs->broken || now(xs) >= deadline)
        return false;
    xs->t.wait(xs->t.ctx, deadline);
    xs_pump(xs);
    return true;
}

static int send_bytes(struct xs_client *xs, const void *p, size_t n,
                      uint64_t deadline)
{
    struct xs_ring_fault f;
    bool kicked = false;

    while (n) {
        long put = xs_ring_write(xs->ring, p, n, &f);

        if (put < 0) {
            lost(xs, "request", &f);
            return -EIO;
        }
        if (put > 0) {
            kicked = false;
            p = (const char *)p + put;
            n -= (size_t)put;
            continue;
        }
        if (!kicked) { /* full: let the store take some, then look again */
            xs->t.notify(xs->t.ctx);
            kicked = true;
            continue;
        }
        kicked = false;
        if (!wait_once(xs, deadline)) {
            if (xs->broken)
                return -EIO;
            /* Part of a request may be in the ring: framing is lost. */
            xs->broken = true;
            pr_err("xenstore: the store took no request bytes for %u ms: "
                   "connection given up", ms(xs->timeout_ns));
            return -ETIMEDOUT;
        }
    }
    return 0;
}

static struct xs_slot *claim_slot(struct xs_client *xs, uint32_t type,
                                  uint64_t deadline)
{
    do {
        for (unsigned i = 0; i < XS_SLOTS; i++) {
            struct xs_slot *s = &xs->slot[i];

            if (s->used)
                continue;
            s->used = true;
            s->done = false;
            s->type = type;
            s->req_id = xs->next_req_id++;
            return s;
        }
    } while (wait_once(xs, deadline));
    return 0;
}

static int write_request(struct xs_client *xs, struct xs_slot *s, xs_tx tx,
                         const struct part *parts, unsigned nparts,
                         uint32_t len, uint64_t deadline)
{
    struct xsd_sockmsg h = {s->type, s->req_id, tx, len};
    int rc;

    while (xs->writing)
        if (!wait_once(xs, deadline))
            return xs->broken ? -EIO : -ETIMEDOUT;
    xs->writing = true;
    rc = send_bytes(xs, &h, sizeof(h), deadline);
    for (unsigned i = 0; rc == 0 && i < nparts; i++)
        rc = send_bytes(xs, parts[i].p, parts[i].n, deadline);
    xs->writing = false;
    if (rc == 0)
        xs->t.notify(xs->t.ctx);
    return rc;
}

/* The reply, in *out (release it with put_slot), or a negative errno. */
static int request(struct xs_client *xs, uint32_t type, xs_tx tx,
                   const struct part *parts, unsigned nparts,
                   const char *what, struct xs_slot **out)
{
    uint64_t deadline = now(xs) + xs->timeout_ns;
    struct xs_slot *s;
    uint32_t len = 0;
    int rc;

    if (xs->broken)
        return -EIO;
    for (unsigned i = 0; i < nparts; i++)
        len += (uint32_t)parts[i].n;
    if (len > XENSTORE_PAYLOAD_MAX)
        return -E2BIG;
    if (!(s = claim_slot(xs, type, deadline))) {
        if (xs->broken)
            return -EIO;
        pr_err("xenstore: %u requests still in flight after %u ms: %s "
               "%.64s not sent", XS_SLOTS, ms(xs->timeout_ns),
               xs_type_name(type), what);
        return -ETIMEDOUT;
    }
    rc = write_request(xs, s, tx, parts, nparts, len, deadline);
    while (rc == 0 && !s->done) {
        xs_pump(xs);
        if (s->done)
            break;
        if (!wait_once(xs, deadline)) {
            if (xs->broken) {
                rc = -EIO;
                break;
            }
            xs->timeouts++;
            pr_err("xenstore: no reply to %s %.64s (request %u) in %u ms",
                   xs_type_name(type), what, s->req_id,
                   ms(xs->timeout_ns));
            rc = -ETIMEDOUT;
        }
    }
    if (rc == 0 && s->type == XS_ERROR)
        rc = -xs_error_errno(s->body, s->len);
    else if (rc == 0 && s->type != type) {
        pr_err("xenstore: %s reply to %s %.64s (request %u): ignored",
               xs_type_name(s->type), xs_type_name(type), what, s->req_id);
        rc = -EPROTO;
    }
    if (rc == 0) {
        *out = s;
        return 0;
    }
    s->used = false; /* a late reply for it will be dropped */
    return rc;
}

static void put_slot(struct xs_slot *s)
{
    s->used = false;
}

/* A request whose reply is only "OK" (or an error). */
static int simple(struct xs_client *xs, uint32_t type, xs_tx tx,
                  const struct part *parts, unsigned nparts, const char *what)
{
    struct xs_slot *s;
    int rc = request(xs, type, tx, parts, nparts, what, &s);

    if (rc == 0)
        put_slot(s);
    return rc;
}

static int path_part(const char *path, struct part *p)
{
    size_t n = strnlen(path, XENSTORE_ABS_PATH_MAX);

    if (n == XENSTORE_ABS_PATH_MAX || n == 0)
        return -ENAMETOOLONG;
    p->p = path;
    p->n = n + 1; /* with its NUL */
    return 0;
}

/* ---- the calls --------------------------------------------------------------- */

int xs_read(struct xs_client *xs, xs_tx tx, const char *path, char *buf,
            size_t cap)
{
    struct part p;
    struct xs_slot *s;
    int rc;

    if ((rc = path_part(path, &p)) ||
        (rc = request(xs, XS_READ, tx, &p, 1, path, &s)))
        return rc;
    if (s->len >= cap) {
        rc = -E2BIG;
    } else {
        memcpy(buf, s->body, s->len);
        buf[s->len] = 0;
        rc = (int)s->len;
    }
    put_slot(s);
    return rc;
}

int xs_read_u32(struct xs_client *xs, xs_tx tx, const char *path,
                uint32_t *out)
{
    char buf[16];
    int n = xs_read(xs, tx, path, buf, sizeof(buf));

    if (n == -E2BIG)
        return -EINVAL;
    if (n < 0)
        return n;
    return xs_parse_u32(buf, (size_t)n, out);
}

int xs_write(struct xs_client *xs, xs_tx tx, const char *path,
             const char *value)
{
    struct part p[2] = {{0, 0}, {value, strlen(value)}};
    int rc = path_part(path, &p[0]);

    return rc ? rc : simple(xs, XS_WRITE, tx, p, 2, path);
}

int xs_rm(struct xs_client *xs, xs_tx tx, const char *path)
{
    struct part p;
    int rc = path_part(path, &p);

    return rc ? rc : simple(xs, XS_RM, tx, &p, 1, path);
}

int xs_directory(struct xs_client *xs, xs_tx tx, const char *path,
                 char *buf, size_t cap, const char **names, unsigned max)
{
    struct part p;
    struct xs_slot *s;
    int rc;

    if ((rc = path_part(path, &p)) ||
        (rc = request(xs, XS_DIRECTORY, tx, &p, 1, path, &s)))
        return rc;
    if (s->len > cap) {
        rc = -E2BIG;
    } else {
        memcpy(buf, s->body, s->len);
        rc = xs_dir_split(buf, s->len, names, max);
        if (rc == -EPROTO)
            pr_err("xenstore: directory %.64s: listing does not end in a "
                   "NUL", path);
    }
    put_slot(s);
    return rc;
}

static void unlink_watch(struct xs_client *xs, struct xs_watch *w)
{
    for (struct xs_watch **pp = &xs->watches; *pp; pp = &(*pp)->next) {
        if (*pp == w) {
            *pp = w->next;
            return;
        }
    }
}

static int watch_request(struct xs_client *xs, uint32_t type,
                         struct xs_watch *w)
{
    struct part p[2] = {{w->path, strlen(w->path) + 1},
                        {w->token, strlen(w->token) + 1}};

    return simple(xs, type, 0, p, 2, w->path);
}

int xs_watch(struct xs_client *xs, struct xs_watch *w, const char *path)
{
    int rc;

    if (strnlen(path, sizeof(w->path)) == sizeof(w->path) || !*path)
        return -ENAMETOOLONG;
    strcpy(w->path, path);
    tern_snprintf(w->token, sizeof(w->token), "tern%u", xs->next_token++);
    w->pending = 0;
    w->last[0] = 0;
    /* Listed before the request goes out: the first event may come
     * before the reply. */
    w->next = xs->watches;
    xs->watches = w;
    if ((rc = watch_request(xs, XS_WATCH, w)))
        unlink_watch(xs, w);
    return rc;
}

int xs_unwatch(struct xs_client *xs, struct xs_watch *w)
{
    unlink_watch(xs, w);
    return watch_request(xs, XS_UNWATCH, w);
}

int xs_watch_wait(struct xs_client *xs, struct xs_watch *w,
                  uint64_t timeout_ns)
{
    uint64_t deadline = now(xs) + timeout_ns;

    do {
        xs_pump(xs);
        if (w->pending) {
            w->pending--;
            return 0;
        }
    } while (wait_once(xs, deadline));
    return xs->broken ? -EIO : -ETIMEDOUT;
}

int xs_wait_read(struct xs_client *xs, const char *path, char *buf,
                 size_t cap, uint64_t timeout_ns)
{
    uint64_t deadline = now(xs) + timeout_ns, t;
    struct xs_watch w = {0};
    int rc;

    if ((rc = xs_watch(xs, &w, path)))
        return rc;
    do {
        t = now(xs);
        rc = xs_watch_wait(xs, &w, t < deadline ? deadline - t : 0);
        if (rc == 0)
            rc = xs_read(xs, 0, path, buf, cap);
    } while (rc == -ENOENT);
    xs_unwatch(xs, &w);
    return rc;
}

int xs_transaction_start(struct xs_client *xs, xs_tx *tx)
{
    struct part p = {"", 1};
    struct xs_slot *s;
    uint32_t id;
    int rc = request(xs, XS_TRANSACTION_START, 0, &p, 1, "", &s);

    if (rc)
        return rc;
    if (xs_parse_u32(s->body, s->len, &id) || id == 0) {
        pr_err("xenstore: transaction id \"%.16s\" is not a number",
               s->body);
        rc = -EPROTO;
    } else {
        *tx = id;
    }
    put_slot(s);
    return rc;
}

int xs_transaction_end(struct xs_client *xs, xs_tx tx, bool commit)
{
    struct part p = {commit ? "T" : "F", 2};

    return simple(xs, XS_TRANSACTION_END, tx, &p, 1, commit ? "T" : "F");
}

int xs_transaction_run(struct xs_client *xs,
                       int (*fn)(struct xs_client *xs, xs_tx tx, void *arg),
                       void *arg, const char *what)
{
    for (unsigned tries = 0; tries <= XS_TX_RETRIES; tries++) {
        xs_tx tx;
        int rc = xs_transaction_start(xs, &tx);

        if (rc)
            return rc;
        rc = fn(xs, tx, arg);
        if (rc == 0)
            rc = xs_transaction_end(xs, tx, true);
        else
            xs_transaction_end(xs, tx, false);
        if (rc != -EAGAIN)
            return rc;
        xs->tx_retries++;
    }
    pr_err("xenstore: transaction %.64s still conflicting after %u tries: "
           "giving up", what, XS_TX_RETRIES + 1);
    return -EAGAIN;
}
