/*
 * The xenstore client: requests over the ring page with request ids,
 * replies matched to them, watch events handed to their watchers, and
 * transactions retried on EAGAIN.  The store is untrusted: a reply for a
 * request we have not got in flight is dropped with a line, a store that
 * never answers costs a timeout with a line (-ETIMEDOUT), and one that
 * breaks the framing (bad length, lying indices) ends the connection
 * with a line: every later call fails with -EIO, nothing hangs.
 *
 * No hypercalls here: the ring and the waiting come in through struct
 * xs_transport, so host tests drive the client against simulated stores
 * (tests/unit/xs_sim.c).  xs_xen.c connects it to the real store.
 *
 * Paths without a leading '/' are relative to the domain's home,
 * /local/domain/<domid>/.  Errors are negative errno values.
 */
#ifndef TERN_XENSTORE_H
#define TERN_XENSTORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <tern/xs_reply.h>

/* How the client reaches the store. */
struct xs_transport {
    void (*notify)(void *ctx); /* the store has bytes, or room, from us */
    /* Block until the store signals or the deadline passes (now()'s
     * clock); may return early. */
    void (*wait)(void *ctx, uint64_t deadline);
    uint64_t (*now)(void *ctx); /* monotonic ns */
    void *ctx;
};

typedef uint32_t xs_tx; /* 0: no transaction */

#define XS_WATCH_PATH_MAX 256
#define XS_SLOTS 4          /* requests in flight at once */
#define XS_TX_RETRIES 8     /* EAGAIN commits before a transaction gives up */
#define XS_PUMP_MAX 32      /* messages taken off the ring per pump */

struct xs_client;

/* A watch.  Each event counts in pending (and calls fn if set); the
 * store sends one as soon as the watch is registered, so "register, then
 * wait for an event, then read" never misses a write made in between. */
struct xs_watch {
    char path[XS_WATCH_PATH_MAX];
    char token[16];
    unsigned pending;  /* events not yet taken by xs_watch_wait */
    char last[XS_WATCH_PATH_MAX]; /* the path of the last event ("" when
                                     it was too long to keep) */
    void (*fn)(struct xs_watch *w, const char *path, void *arg);
    void *arg;
    struct xs_watch *next;
};

struct xs_slot {
    bool used, done;
    uint32_t req_id, type; /* the request's; type becomes the reply's */
    uint32_t len;
    char body[XENSTORE_PAYLOAD_MAX + 1]; /* the reply, NUL added */
};

struct xs_client {
    volatile struct xenstore_domain_interface *ring;
    struct xs_transport t;
    uint64_t timeout_ns; /* for each request and each wait for ring room */
    bool broken;         /* framing lost: every call fails with -EIO */
    bool writing;        /* a request is half in the ring */
    uint32_t next_req_id, next_token;
    /* the message being taken off the ring */
    struct xsd_sockmsg rx_hdr;
    uint32_t rx_have;    /* bytes of header and payload so far */
    char rx_body[XENSTORE_PAYLOAD_MAX + 1];
    struct xs_slot slot[XS_SLOTS];
    struct xs_watch *watches;
    /* counts, for tests and lines */
    uint64_t dropped_replies, dropped_events, timeouts, tx_retries;
};

void xs_client_init(struct xs_client *xs,
                    volatile struct xenstore_domain_interface *ring,
                    const struct xs_transport *t, uint64_t timeout_ns);

/* The value at path into buf (NUL added): its length, -E2BIG when it
 * does not fit cap - 1 bytes, or the store's error (-ENOENT ...). */
int xs_read(struct xs_client *xs, xs_tx tx, const char *path, char *buf,
            size_t cap);
/* A decimal value that fits 32 bits: 0, or -EINVAL for anything else. */
int xs_read_u32(struct xs_client *xs, xs_tx tx, const char *path,
                uint32_t *out);
int xs_write(struct xs_client *xs, xs_tx tx, const char *path,
             const char *value);
int xs_rm(struct xs_client *xs, xs_tx tx, const char *path);
/* The names under path, into buf (cap bytes) with names[] pointing into
 * it: the count, -E2BIG when more than max or longer than cap. */
int xs_directory(struct xs_client *xs, xs_tx tx, const char *path,
                 char *buf, size_t cap, const char **names, unsigned max);

/* Register w on path (fn/arg set by the caller, or NULL). */
int xs_watch(struct xs_client *xs, struct xs_watch *w, const char *path);
int xs_unwatch(struct xs_client *xs, struct xs_watch *w);
/* Take one event of w, waiting up to timeout_ns for it: 0, -ETIMEDOUT
 * (no line: waiting for a key a backend has not written yet is normal),
 * or -EIO when the connection is gone. */
int xs_watch_wait(struct xs_client *xs, struct xs_watch *w,
                  uint64_t timeout_ns);

/* Read path once it exists: a watch on it (which fires at once), then
 * a read after each event, until the key is there or timeout_ns passed
 * (-ETIMEDOUT, no line: the caller names what it waited for). */
int xs_wait_read(struct xs_client *xs, const char *path, char *buf,
                 size_t cap, uint64_t timeout_ns);

int xs_transaction_start(struct xs_client *xs, xs_tx *tx);
/* commit false aborts.  -EAGAIN: another writer came first; retry. */
int xs_transaction_end(struct xs_client *xs, xs_tx tx, bool commit);
/* fn(xs, tx, arg) inside a transaction, committed; run again while the
 * commit (or fn) says -EAGAIN, at most XS_TX_RETRIES times, then -EAGAIN
 * with a line.  fn's other errors abort the transaction and return. */
int xs_transaction_run(struct xs_client *xs,
                       int (*fn)(struct xs_client *xs, xs_tx tx, void *arg),
                       void *arg, const char *what);

/* Take whatever the store has sent, replies and events (bounded work).
 * The waits call it; a driver's handler thread may too. */
void xs_pump(struct xs_client *xs);

/* The image's connection to the real store (xs_xen.c): NULL outside a
 * Xen domU (QEMU, a dom0) or when its HVM parameters were unusable. */
struct xs_client *xenstore(void);

#endif
