/* The poll() loop: one thread, non-blocking sockets, bounded memory. */
#ifndef HTTPD_SERVER_H
#define HTTPD_SERVER_H

#include <stdint.h>
#include "site.h"

struct server_config {
    const struct site *site;
    int listen_fd;    /* bound, listening, non-blocking */
    int max_conns;    /* beyond it: 503 and close */
    int64_t idle_ms;  /* a request must arrive whole within this */
    int64_t send_ms;  /* a response stalled this long is dropped */
    int access_log;   /* one line per request on stdout */
};

/* Serves until a fatal error; returns nonzero then. */
int server_run(const struct server_config *cfg);

#endif
