/*
 * The xenbus front-end: one device's side of the state handshake in
 * xenstore (xen/io/xenbus.h).  Our state is <node>/state, the backend's
 * <backend>/state, each a decimal XenbusState.  The backend's values are
 * untrusted: a state that is not a number of the protocol, a backend path
 * that is not a backend's, a backend that never gets where it should
 * (timeout with a line naming the device) all end the handshake with an
 * error, never a hang.
 *
 *   connect: wait for the backend's InitWait (or later), publish (the
 *   driver's ring refs and event channel, in a transaction), Initialised,
 *   wait for the backend's Connected, Connected.
 *   close:   Closing, wait for the backend's Closing or Closed, Closed.
 *
 * Every front-end that connected is closed by xenbus_close_all() (run
 * when the image exits).
 */
#ifndef TERN_XENBUS_H
#define TERN_XENBUS_H

#include <stdint.h>
#include <tern/xenstore.h>
#include <xen/xen.h>
#include <xen/io/xenbus.h>

#define XENBUS_NODE_MAX 64
#define XENBUS_BACKEND_MAX 128

struct xenbus_front {
    struct xs_client *xs;
    char node[XENBUS_NODE_MAX];       /* "device/vif/0" */
    char backend[XENBUS_BACKEND_MAX]; /* "/local/domain/0/backend/vif/3/0" */
    uint32_t backend_id;
    int state;                        /* ours, as last written */
    uint64_t timeout_ns;              /* each wait for the backend */
    struct xenbus_front *next;        /* the list xenbus_close_all walks */
    int listed;
};

/* A state as the store gives it ("4", "4\0"): the state, or -EINVAL. */
int xenbus_parse_state(const char *s, size_t len);
const char *xenbus_state_name(int state);

/* Reads <node>/backend and <node>/backend-id and checks them (a path
 * under /local/domain/<backend-id>/backend/, a domain id below
 * DOMID_FIRST_RESERVED); writes Initialising.  0 or a negative errno,
 * with a line. */
int xenbus_front_init(struct xenbus_front *fe, struct xs_client *xs,
                      const char *node, uint64_t timeout_ns);

int xenbus_switch_state(struct xenbus_front *fe, int state);
/* The backend's state now: the state, or a negative errno. */
int xenbus_backend_state(struct xenbus_front *fe);
/* Wait until the backend's state is in mask (1 << state): the state,
 * -ETIMEDOUT (a line naming the device and the state it stayed in), or
 * -EPIPE when it reached a state in fail_mask (a line). */
int xenbus_wait_backend(struct xenbus_front *fe, unsigned mask,
                        unsigned fail_mask);

int xenbus_connect(struct xenbus_front *fe,
                   int (*publish)(struct xs_client *xs, xs_tx tx, void *arg),
                   void *arg);
int xenbus_close(struct xenbus_front *fe);
/* Closes every connected front-end; returns how many failed. */
int xenbus_close_all(void);

#define XENBUS_MASK(s) (1u << (s))

#endif
