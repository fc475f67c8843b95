/* The simulated xenstore (xs_sim.h).  Trusts nothing of the client
 * either: a request longer than the protocol's limit fails the test. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "xs_sim.h"

static uint64_t sim_now(void *ctx)
{
    return ((struct xs_sim *)ctx)->clock;
}

static void queue(struct xs_sim *s, const void *p, uint32_t n)
{
    if (s->out_len + n > sizeof(s->out)) {
        fprintf(stderr, "xs_sim: output overflow\n");
        abort();
    }
    memcpy(s->out + s->out_len, p, n);
    s->out_len += n;
}

static void message(struct xs_sim *s, uint32_t type, uint32_t id, uint32_t tx,
                    const void *body, uint32_t len)
{
    struct xsd_sockmsg h = {type, id, tx, len};

    queue(s, &h, sizeof(h));
    queue(s, body, len);
}

static void reply(struct xs_sim *s, uint32_t type, const struct xsd_sockmsg *rq,
                  const void *body, uint32_t len)
{
    if (s->silent)
        return;
    if (s->bad_len) {
        struct xsd_sockmsg h = {type, rq->req_id, rq->tx_id, 5000};

        s->bad_len = false;
        queue(s, &h, sizeof(h));
        return;
    }
    if (s->wrong_type && type == XS_READ)
        type = XS_WRITE;
    if (s->unknown_id_first)
        message(s, type, rq->req_id + 1000, rq->tx_id, body, len);
    message(s, type, rq->req_id, rq->tx_id, body, len);
}

static void error(struct xs_sim *s, const struct xsd_sockmsg *rq,
                  const char *name)
{
    reply(s, XS_ERROR, rq, name, (uint32_t)strlen(name) + 1);
}

static void ok(struct xs_sim *s, const struct xsd_sockmsg *rq)
{
    reply(s, rq->type, rq, "OK", 3);
}

static int find(struct xs_sim *s, const char *path)
{
    for (int i = 0; i < SIM_KEYS; i++)
        if (s->key[i].path[0] && strcmp(s->key[i].path, path) == 0)
            return i;
    return -1;
}

static void event(struct xs_sim *s, const char *path, const char *token)
{
    char buf[256];
    uint32_t n = (uint32_t)snprintf(buf, sizeof(buf), "%s%c%s", path, 0,
                                    token);

    message(s, XS_WATCH_EVENT, 0, 0, buf, n + 1);
}

static void fire(struct xs_sim *s, const char *path)
{
    for (int i = 0; i < SIM_WATCHES; i++) {
        size_t n = strlen(s->watch[i].path);

        if (n && strncmp(path, s->watch[i].path, n) == 0 &&
            (path[n] == 0 || path[n] == '/'))
            event(s, path, s->watch[i].token);
    }
}

static void store(struct xs_sim *s, const char *path, const char *v,
                  uint32_t len)
{
    int i = find(s, path);

    for (int j = 0; i < 0 && j < SIM_KEYS; j++)
        if (!s->key[j].path[0])
            i = j;
    if (i < 0 || strlen(path) >= sizeof(s->key[i].path) ||
        len >= sizeof(s->key[i].value)) {
        fprintf(stderr, "xs_sim: store full\n");
        abort();
    }
    strcpy(s->key[i].path, path);
    memcpy(s->key[i].value, v, len);
    s->key[i].value[len] = 0;
    s->key[i].len = len;
    fire(s, path);
}

void xs_sim_set(struct xs_sim *s, const char *path, const char *value)
{
    store(s, path, value, (uint32_t)strlen(value));
}

const char *xs_sim_get(struct xs_sim *s, const char *path)
{
    int i = find(s, path);

    return i < 0 ? NULL : s->key[i].value;
}

static void directory(struct xs_sim *s, const struct xsd_sockmsg *rq,
                      const char *path)
{
    char buf[1024];
    uint32_t n = 0;
    size_t plen = strlen(path);

    for (int i = 0; i < SIM_KEYS; i++) {
        const char *k = s->key[i].path, *name, *slash;
        size_t len;

        if (!k[0] || strncmp(k, path, plen) || k[plen] != '/')
            continue;
        name = k + plen + 1;
        slash = strchr(name, '/');
        len = slash ? (size_t)(slash - name) : strlen(name);
        /* once per name */
        int dup = 0;
        for (uint32_t at = 0; at < n; at += (uint32_t)strlen(buf + at) + 1)
            dup |= strlen(buf + at) == len && !memcmp(buf + at, name, len);
        if (!dup) {
            memcpy(buf + n, name, len);
            buf[n + len] = 0;
            n += (uint32_t)len + 1;
        }
    }
    if (n == 0 && find(s, path) < 0) {
        error(s, rq, "ENOENT");
        return;
    }
    reply(s, XS_DIRECTORY, rq, buf, s->dir_no_nul && n ? n - 1 : n);
}

static void handle(struct xs_sim *s)
{
    struct xsd_sockmsg rq;
    char *body = (char *)s->rq + sizeof(rq);
    char txt[32];

    memcpy(&rq, s->rq, sizeof(rq));
    body[rq.len] = 0;
    s->requests++;
    if (s->bogus_event) {
        s->bogus_event = false;
        event(s, "x", "nobody's");
    }
    switch (rq.type) {
    case XS_READ: {
        int i = find(s, body);

        if (s->error)
            error(s, &rq, s->error);
        else if (i < 0)
            error(s, &rq, "ENOENT");
        else
            reply(s, XS_READ, &rq, s->key[i].value, s->key[i].len);
        break;
    }
    case XS_WRITE: {
        size_t n = strlen(body);

        ok(s, &rq);
        store(s, body, body + n + 1, rq.len - (uint32_t)n - 1);
        if (s->on_write)
            s->on_write(s, body, body + n + 1);
        break;
    }
    case XS_RM: {
        int i = find(s, body);

        if (i < 0) {
            error(s, &rq, "ENOENT");
            break;
        }
        s->key[i].path[0] = 0;
        ok(s, &rq);
        break;
    }
    case XS_DIRECTORY:
        directory(s, &rq, body);
        break;
    case XS_WATCH:
    case XS_UNWATCH: {
        const char *token = body + strlen(body) + 1;

        for (int i = 0; i < SIM_WATCHES; i++) {
            if (rq.type == XS_WATCH && !s->watch[i].path[0]) {
                strcpy(s->watch[i].path, body);
                strcpy(s->watch[i].token, token);
                break;
            }
            if (rq.type == XS_UNWATCH && !strcmp(s->watch[i].token, token)) {
                s->watch[i].path[0] = 0;
                s->watch[i].token[0] = 0;
            }
        }
        ok(s, &rq);
        if (rq.type == XS_WATCH && !s->silent)
            event(s, body, token); /* fires once on registration */
        break;
    }
    case XS_TRANSACTION_START:
        snprintf(txt, sizeof(txt), "%u", ++s->next_tx);
        reply(s, rq.type, &rq, txt, (uint32_t)strlen(txt) + 1);
        break;
    case XS_TRANSACTION_END:
        if (body[0] == 'T' && s->eagain_commits) {
            s->eagain_commits--;
            error(s, &rq, "EAGAIN");
        } else {
            ok(s, &rq);
        }
        break;
    default:
        error(s, &rq, "ENOSYS");
    }
}

/* Requests in, replies out: whether anything moved. */
static bool run(struct xs_sim *s)
{
    struct xenstore_domain_interface *x = &s->page;
    bool moved = false;

    if (s->later_at && s->clock >= s->later_at) {
        s->later_at = 0;
        xs_sim_set(s, s->later_path, s->later_value);
    }
    while (!s->deaf && x->req_cons != x->req_prod) {
        s->rq[s->rq_have++] = (unsigned char)x->req[MASK_XENSTORE_IDX(x->req_cons)];
        x->req_cons++;
        moved = true;
        if (s->rq_have >= 16) {
            struct xsd_sockmsg h;

            memcpy(&h, s->rq, sizeof(h));
            if (h.len > XENSTORE_PAYLOAD_MAX) {
                fprintf(stderr, "xs_sim: client sent %u bytes\n", h.len);
                abort();
            }
            if (s->rq_have == 16 + h.len) {
                handle(s);
                s->rq_have = 0;
            }
        }
    }
    if (s->idx_jump && s->out_sent < s->out_len) {
        s->idx_jump = false;
        x->rsp_prod += 5000;
        return true;
    }
    while (s->out_sent < s->out_len &&
           x->rsp_prod - x->rsp_cons < XENSTORE_RING_SIZE) {
        x->rsp[MASK_XENSTORE_IDX(x->rsp_prod)] = (char)s->out[s->out_sent++];
        x->rsp_prod++;
        moved = true;
    }
    if (s->out_sent == s->out_len)
        s->out_sent = s->out_len = 0;
    return moved;
}

static void sim_notify(void *ctx)
{
    struct xs_sim *s = ctx;

    s->notifies++;
    run(s);
}

static void sim_wait(void *ctx, uint64_t deadline)
{
    struct xs_sim *s = ctx;

    if (run(s)) {
        s->clock += 1000000; /* 1 ms of the store's work */
        return;
    }
    if (s->later_at && s->later_at < deadline) {
        s->clock = s->later_at;
        run(s);
        return;
    }
    if (s->clock < deadline)
        s->clock = deadline;
}

void xs_sim_init(struct xs_sim *s)
{
    memset(s, 0, sizeof(*s));
    s->clock = 1000000000ull;
}

struct xs_transport xs_sim_transport(struct xs_sim *s)
{
    struct xs_transport t = {sim_notify, sim_wait, sim_now, s};

    return t;
}

void xs_sim_fresh(struct xs_sim **sim, struct xs_client **xs,
                  uint64_t timeout)
{
    struct xs_transport t;

    free(*sim);
    free(*xs);
    *sim = aligned_alloc(4096, sizeof(**sim) + 4096 - sizeof(**sim) % 4096);
    *xs = calloc(1, sizeof(**xs));
    xs_sim_init(*sim);
    t = xs_sim_transport(*sim);
    xs_client_init(*xs, &(*sim)->page, &t, timeout);
}
