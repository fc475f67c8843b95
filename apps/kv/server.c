/* Clients are read into a buffer that the RESP parser works through in
 * place; replies collect in an output buffer sent as the socket takes it.
 * Back-pressure: a client whose unsent output passes OUT_SOFT is not read
 * from, and its buffered commands wait, until the output drains, so a
 * client that pipelines and never reads holds at most OUT_SOFT plus one
 * reply.  Input is bounded by the longest argument plus a line. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include "mem.h"
#include "server.h"

#define IN_START 4096
#define OUT_SOFT (64 * 1024)
#define SWEEP_MS 100    /* expiry sweep period */
#define SWEEP_BUCKETS 64 /* buckets looked at per sweep */
/* Arguments in one request: Redis takes up to INT_MAX; 16,384 bounds the
 * parser's argument table at 256 KiB for a 4 MiB appliance and is still
 * far beyond what redis-cli and redis-benchmark send. */
#define MAX_ARGS 16384

struct client {
    int fd;
    int closing; /* send what is queued, then close */
    char *in;    /* kvmem */
    size_t in_start, in_len, in_cap;
    size_t out_sent;
    struct resp_parser p;
    struct reply out;
};

struct server {
    struct kv *kv;
    const struct kv_settings *set;
    int listener;
    size_t in_max;
    struct client **clients; /* kvmem, maxclients slots */
    struct pollfd *fds;      /* kvmem, maxclients + 1 */
};

int64_t kv_now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int nonblocking(int fd)
{
    int fl = fcntl(fd, F_GETFL, 0);

    return fl < 0 ? -1 : fcntl(fd, F_SETFL, fl | O_NONBLOCK);
}

static int listen_on(const struct kv_settings *set)
{
    struct sockaddr_in a;
    int one = 1, fd;

    memset(&a, 0, sizeof(a));
    a.sin_family = AF_INET;
    a.sin_port = htons(set->port);
    if (inet_pton(AF_INET, set->bind, &a.sin_addr) != 1) {
        printf("kv: BIND=%s is not an IPv4 address\n", set->bind);
        return -1;
    }
    fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) {
        printf("kv: socket: %s\n", strerror(errno));
        return -1;
    }
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    if (bind(fd, (struct sockaddr *)&a, sizeof(a)) || listen(fd, 128) ||
        nonblocking(fd)) {
        printf("kv: listening on %s:%u: %s\n", set->bind, set->port,
               strerror(errno));
        close(fd);
        return -1;
    }
    return fd;
}

static void drop_client(struct server *s, size_t i)
{
    struct client *c = s->clients[i];

    close(c->fd);
    resp_free(&c->p);
    reply_free(&c->out);
    kvmem_free(c->in);
    kvmem_free(c);
    s->clients[i] = NULL;
    s->kv->clients--;
}

/* Refuse politely: Redis's words, then close. */
static void refuse(int fd, const char *msg)
{
    ssize_t n = send(fd, msg, strlen(msg), 0);

    (void)n;
    close(fd);
}

static void accept_clients(struct server *s)
{
    for (;;) {
        int fd = accept(s->listener, NULL, NULL), one = 1;
        struct client *c;
        size_t i;

        if (fd < 0)
            return; /* EAGAIN, or an error the next poll will show again */
        if (s->kv->clients >= s->set->maxclients) {
            refuse(fd, "-ERR max number of clients reached\r\n");
            continue;
        }
        c = kvmem_alloc(sizeof(*c));
        if (!c || nonblocking(fd)) {
            kvmem_free(c);
            refuse(fd, "-OOM command not allowed when used memory > "
                       "'maxmemory'.\r\n");
            continue;
        }
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
        memset(c, 0, sizeof(*c));
        c->fd = fd;
        resp_init(&c->p, MAX_ARGS, s->set->max_bulk);
        for (i = 0; s->clients[i]; i++)
            ;
        s->clients[i] = c;
        s->kv->clients++;
    }
}

/* Room to read into: compact first, then grow up to in_max. */
static int make_room(struct server *s, struct client *c)
{
    size_t cap;
    char *in;

    if (c->in_len < c->in_cap)
        return 0;
    if (c->in_start) {
        memmove(c->in, c->in + c->in_start, c->in_len - c->in_start);
        c->in_len -= c->in_start;
        c->in_start = 0;
        return 0;
    }
    cap = c->in_cap ? 2 * c->in_cap : IN_START;
    if (cap > s->in_max)
        cap = s->in_max;
    if (cap <= c->in_cap)
        return -1;
    in = kvmem_realloc(c->in, cap);
    if (!in)
        return -1;
    c->in = in;
    c->in_cap = cap;
    return 0;
}

static void run_commands(struct server *s, struct client *c)
{
    if (c->out_sent) {
        reply_consume(&c->out, c->out_sent);
        c->out_sent = 0;
    }
    while (!c->closing && c->out.len < OUT_SOFT) {
        char *cmd = c->in + c->in_start;
        enum resp_status st = resp_parse(&c->p, cmd, c->in_len - c->in_start);

        if (st == RESP_MORE)
            break;
        if (st == RESP_ERROR) {
            reply_error(&c->out, c->p.error);
            c->closing = 1;
            break;
        }
        if (c->p.argc) {
            struct cmd_args a = {cmd, c->p.argv, c->p.argc};

            if (kv_execute(s->kv, &c->out, &a, kv_now_ms()) == KV_CLOSE)
                c->closing = 1;
        }
        c->in_start += c->p.pos;
        resp_next(&c->p);
    }
    if (c->in_start == c->in_len) {
        c->in_start = c->in_len = 0;
        if (c->in_cap > IN_START) { /* a big argument came and went */
            kvmem_free(c->in);
            c->in = NULL;
            c->in_cap = 0;
        }
    }
}

/* 0, or -1 when the client is to be dropped. */
static int read_client(struct server *s, struct client *c)
{
    ssize_t n;

    if (make_room(s, c)) {
        printf("kv: client %d: query buffer limit (%zu bytes) or no memory: "
               "closed\n", c->fd, s->in_max);
        return -1;
    }
    n = recv(c->fd, c->in + c->in_len, c->in_cap - c->in_len, 0);
    if (n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK &&
                   errno != EINTR))
        return -1;
    if (n > 0) {
        c->in_len += n;
        run_commands(s, c);
    }
    return 0;
}

static int write_client(struct client *c)
{
    while (c->out_sent < c->out.len) {
        ssize_t n = send(c->fd, c->out.data + c->out_sent,
                         c->out.len - c->out_sent, 0);

        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            return 0;
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        c->out_sent += n;
    }
    c->out.len = c->out_sent = 0;
    if (c->out.cap > OUT_SOFT) /* a big reply came and went */
        reply_free(&c->out);
    return c->closing ? -1 : 0;
}

/* Send what the socket takes and, each time the output drains, run the
 * commands still buffered: a client that sent everything and now only
 * reads gets no more POLLIN, so nothing else would run them.  0 to keep
 * the client, -1 to drop it. */
static int pump(struct server *s, struct client *c)
{
    for (;;) {
        size_t before;

        if (c->out.failed) {
            printf("kv: client %d: no memory for a reply: closed\n", c->fd);
            return -1;
        }
        if (write_client(c))
            return -1;
        if (c->out.len || c->closing || c->in_len == c->in_start)
            return 0; /* output pending (POLLOUT), or nothing to run */
        before = c->in_start;
        run_commands(s, c);
        if (c->in_start == before && !c->out.len)
            return 0; /* the rest of a command has not come */
    }
}

/* One client after poll: 0 to keep it, -1 to drop it. */
static int serve_client(struct server *s, struct client *c, short revents)
{
    if (revents & (POLLIN | POLLHUP | POLLERR)) {
        run_commands(s, c); /* what waited for output room: frees input */
        if (read_client(s, c))
            return -1;
    }
    return pump(s, c);
}

static size_t fill_pollfds(struct server *s, size_t *map)
{
    size_t n = 0;

    /* the listener always: past the cap, clients get a refusal, not a
     * connection left hanging in the backlog */
    s->fds[n].fd = s->listener;
    s->fds[n].events = POLLIN;
    map[n++] = (size_t)-1;
    for (size_t i = 0; i < s->set->maxclients; i++) {
        struct client *c = s->clients[i];

        if (!c)
            continue;
        s->fds[n].fd = c->fd;
        s->fds[n].events = 0;
        if (!c->closing && c->out.len - c->out_sent < OUT_SOFT)
            s->fds[n].events |= POLLIN;
        if (c->out.len > c->out_sent)
            s->fds[n].events |= POLLOUT;
        map[n++] = i;
    }
    return n;
}

static void sweep(struct kv *kv, int64_t *next)
{
    int64_t now = kv_now_ms();

    if (now < *next)
        return;
    kv->expired += store_sweep(&kv->db, now, SWEEP_BUCKETS);
    *next = now + SWEEP_MS;
}

int server_run(struct kv *kv, const struct kv_settings *set)
{
    struct server s = {.kv = kv, .set = set};
    size_t *map;
    int64_t next_sweep = 0;

    s.in_max = set->max_bulk + 2 * RESP_INLINE_MAX;
    s.listener = listen_on(set);
    if (s.listener < 0)
        return 1;
    s.clients = kvmem_alloc(set->maxclients * sizeof(*s.clients));
    s.fds = kvmem_alloc((set->maxclients + 1) * sizeof(*s.fds));
    map = kvmem_alloc((set->maxclients + 1) * sizeof(*map));
    if (!s.clients || !s.fds || !map) {
        printf("kv: no memory for %zu clients\n", set->maxclients);
        return 1;
    }
    memset(s.clients, 0, set->maxclients * sizeof(*s.clients));
    printf("kv: listening on %s:%u, maxmemory %zu bytes, maxclients %zu\n",
           set->bind, set->port, kv->maxmemory, set->maxclients);
    fflush(stdout);
    for (;;) {
        size_t n = fill_pollfds(&s, map);
        int ready = poll(s.fds, n, SWEEP_MS);

        if (ready < 0 && errno != EINTR) {
            printf("kv: poll: %s\n", strerror(errno));
            return 1;
        }
        for (size_t k = 0; ready > 0 && k < n; k++) {
            if (!s.fds[k].revents)
                continue;
            if (map[k] == (size_t)-1)
                accept_clients(&s);
            else if (serve_client(&s, s.clients[map[k]], s.fds[k].revents))
                drop_client(&s, map[k]);
        }
        sweep(kv, &next_sweep);
    }
}
