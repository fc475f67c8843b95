/* A simulated xenstore on the host, for the xenstore client and xenbus
 * tests: a key-value store with watches and transactions behind a real
 * ring page, and switches that make it hostile (silent, lying lengths
 * and indices, unknown request ids, wrong reply types, EAGAIN commits).
 * It runs when the client notifies or waits; a wait in which nothing
 * moves jumps the clock to the deadline. */
#ifndef TERN_XS_SIM_H
#define TERN_XS_SIM_H

#include <stdbool.h>
#include <stdint.h>
#include <tern/xenstore.h>

#define SIM_KEYS 64
#define SIM_WATCHES 8

struct xs_sim {
    struct xenstore_domain_interface page __attribute__((aligned(4096)));
    uint64_t clock;
    struct { char path[160]; char value[4200]; uint32_t len; } key[SIM_KEYS];
    struct { char path[160]; char token[32]; } watch[SIM_WATCHES];
    /* a request being read, and replies not yet in the ring */
    unsigned char rq[16 + 4200];
    uint32_t rq_have;
    unsigned char out[1 << 16];
    uint32_t out_len, out_sent;
    uint32_t next_tx;
    /* hostility */
    bool silent;          /* takes requests, never answers */
    bool deaf;            /* never takes request bytes */
    bool unknown_id_first;/* a copy of each reply with another id first */
    bool bad_len;         /* the next reply's header says 5000 bytes */
    bool idx_jump;        /* rsp_prod jumps 5000 ahead on the next push */
    bool wrong_type;      /* replies to reads come back as XS_WRITE */
    bool dir_no_nul;      /* directory listings lose their last NUL */
    bool bogus_event;     /* a watch event for an unknown token first */
    const char *error;    /* answer every read with this XS_ERROR */
    unsigned eagain_commits; /* this many commits fail with EAGAIN */
    /* a backend reacting to the client's writes */
    void (*on_write)(struct xs_sim *s, const char *path, const char *value);
    /* one write the sim makes itself once the clock passes at */
    uint64_t later_at;
    char later_path[160], later_value[64];
    unsigned requests, notifies;
};

void xs_sim_init(struct xs_sim *s);
struct xs_transport xs_sim_transport(struct xs_sim *s);
/* A fresh store in *sim and a client of it in *xs (what was there is
 * freed), with the client's timeout. */
void xs_sim_fresh(struct xs_sim **sim, struct xs_client **xs,
                  uint64_t timeout);
/* A write as another domain would make it: watches fire. */
void xs_sim_set(struct xs_sim *s, const char *path, const char *value);
/* The value, or NULL. */
const char *xs_sim_get(struct xs_sim *s, const char *path);

#endif
