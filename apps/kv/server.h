/* The network side: one poll() loop over a listening socket and its
 * clients, non-blocking sockets, no threads. */
#ifndef KV_SERVER_H
#define KV_SERVER_H

#include "commands.h"
#include "settings.h"

/* Serve until a fatal error; returns the exit status. */
int server_run(struct kv *kv, const struct kv_settings *set);
int64_t kv_now_ms(void);

#endif
