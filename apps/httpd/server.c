/*
 * The event loop.  One thread and poll(): every socket is non-blocking,
 * every connection has fixed buffers (a request head of at most
 * HTTP_MAX_HEAD bytes in, a response head out; file bodies are sent
 * from the archive itself), so memory is bounded by the connection cap.
 *
 * A connection is in one of four states:
 *   READ    waiting for a whole request head; its deadline is fixed when
 *           the wait begins and is not moved by bytes that arrive, so a
 *           client sending a byte a second is dropped like a silent one
 *   WRITE   sending a response; resumed on POLLOUT; the deadline
 *           (SEND_TIMEOUT_MS, as nginx's send_timeout: a loaded link
 *           may stall a response for a retransmission's second or more,
 *           which IDLE_MS, a request's budget, would cut) moves with
 *           each send that makes progress
 *   BODY    discarding a request body (GET/HEAD bodies mean nothing)
 *   LINGER  after a response that closes: our side is shut, the peer's
 *           late bytes are read and dropped until it closes, so that
 *           closing with unread input does not reset the connection and
 *           destroy the response before the peer has read it
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include "access_log.h"
#include "http_date.h"
#include "http_parse.h"
#include "respond.h"
#include "server.h"

#define LINGER_MS 2000
#define ACCEPT_BATCH 16   /* accepts per loop turn: others get a turn too */
#define PAUSE_MS 100      /* listener rest after EMFILE or ENOMEM */

enum state { READ, WRITE, BODY, LINGER };

struct conn {
    int fd;
    enum state state;
    int close_after;
    int served;           /* requests answered on this connection */
    int64_t deadline;     /* monotonic ms */
    size_t in_len;
    uint32_t body_left;   /* Content-Length bytes still to discard */
    int chunked;
    struct http_chunked chunk;
    struct http_request req; /* the request being read or answered */
    size_t head_len;
    size_t out_len, out_sent;
    const uint8_t *body;
    uint64_t body_len, body_sent;
    char peer[INET_ADDRSTRLEN];
    char in[HTTP_MAX_HEAD];
    char out[REPLY_HEAD_MAX];
};

struct server {
    const struct server_config *cfg;
    struct conn **conns;
    struct pollfd *pfds;
    int nconns;
    int64_t now_ms, listen_paused_until;
    time_t date_second;
    char date[HTTP_DATE_BUF];
};

static int64_t monotonic_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The Date field, formatted once a second. */
static const char *date_now(struct server *s)
{
    time_t t = time(NULL);

    if (t != s->date_second) {
        http_date_format((int64_t)t, s->date);
        s->date_second = t;
    }
    return s->date;
}

static void log_request(struct server *s, const char *peer, const char *line,
                        size_t line_len, int status, uint64_t bytes)
{
    char buf[ACCESS_LOG_MAX];
    size_t n;

    if (!s->cfg->access_log)
        return;
    n = access_log_line(buf, peer, (int64_t)time(NULL), line, line_len,
                        status, bytes);
    fwrite(buf, 1, n, stdout);
}

static void conn_close(struct server *s, int i)
{
    close(s->conns[i]->fd);
    free(s->conns[i]);
    s->conns[i] = s->conns[--s->nconns];
    s->conns[s->nconns] = NULL;
}

/* Closing politely: no more from us, and the peer's late input read
 * and dropped until it closes or LINGER_MS pass. */
static void conn_linger(struct server *s, struct conn *c)
{
    shutdown(c->fd, SHUT_WR);
    c->state = LINGER;
    c->deadline = s->now_ms + LINGER_MS;
}

static void start_read(struct server *s, struct conn *c)
{
    c->state = READ;
    c->deadline = s->now_ms + s->cfg->idle_ms;
}

/* Takes a reply: the body goes into the out buffer behind the head when
 * it fits (one send for a small file), else it is sent from the site. */
static void start_write(struct server *s, struct conn *c,
                        const struct reply *rep)
{
    c->out_len = rep->head_len;
    c->out_sent = 0;
    c->body = rep->body;
    c->body_len = rep->body_len;
    c->body_sent = 0;
    if (c->body_len && c->body_len <= sizeof c->out - c->out_len) {
        memcpy(c->out + c->out_len, c->body, c->body_len);
        c->out_len += c->body_len;
        c->body_len = 0;
    }
    c->close_after = !rep->keep_alive;
    c->state = WRITE;
    c->deadline = s->now_ms + s->cfg->send_ms;
    c->served++;
}

static void drop_input(struct conn *c, size_t n)
{
    memmove(c->in, c->in + n, c->in_len - n);
    c->in_len -= n;
}

static void refuse(struct server *s, struct conn *c, int status,
                   const struct http_request *req)
{
    struct reply rep;

    respond_error(status, date_now(s), req->line.len &&
                req->method == HTTP_HEAD, c->out, &rep);
    log_request(s, c->peer, c->in + req->line.off, req->line.len, status,
                rep.bytes);
    start_write(s, c, &rep);
}

/* The answer to the request whose head is at the start of the buffer
 * (its body, if any, is gone). */
static void answer(struct server *s, struct conn *c)
{
    struct reply rep;

    reply_request(s->cfg->site, c->in, &c->req, date_now(s), c->out, &rep);
    log_request(s, c->peer, c->in + c->req.line.off, c->req.line.len,
                rep.status, rep.bytes);
    drop_input(c, c->head_len);
    start_write(s, c, &rep);
}

/* Drops request body bytes that follow the head in the buffer; 0 when
 * the body is done, 1 for more, -status for a bad chunked body. */
static int discard_body(struct conn *c)
{
    char *data = c->in + c->head_len;
    size_t have = c->in_len - c->head_len, used;
    int st = 0;

    if (!c->chunked) {
        used = have < c->body_left ? have : c->body_left;
        c->body_left -= (uint32_t)used;
    } else {
        st = http_chunked_feed(&c->chunk, data, have, &used, HTTP_MAX_BODY);
    }
    memmove(data, data + used, have - used);
    c->in_len -= used;
    if (st < 0)
        return st;
    return c->chunked ? st != 1 : c->body_left != 0;
}

/* Runs the connection's state machine as far as its bytes allow: a
 * request answered (WRITE), or more bytes needed. */
static void advance(struct server *s, struct conn *c)
{
    long n;

    if (c->state == READ) {
        n = http_parse_head(c->in, c->in_len, sizeof c->in, &c->req);
        if (n == 0)
            return;
        if (n < 0) {
            refuse(s, c, (int)-n, &c->req);
            return;
        }
        c->head_len = (size_t)n;
        c->body_left = c->req.content_length;
        c->chunked = c->req.chunked;
        memset(&c->chunk, 0, sizeof c->chunk);
        if (!c->body_left && !c->chunked) {
            answer(s, c);
            return;
        }
        if (c->head_len == sizeof c->in) { /* no room left to read a body */
            refuse(s, c, 431, &c->req);
            return;
        }
        c->state = BODY; /* the READ deadline covers the body too */
    }
    if (c->state == BODY) {
        int st = discard_body(c);

        if (st < 0)
            refuse(s, c, -st, &c->req);
        else if (st == 0)
            answer(s, c);
    }
}

/* Sends what is pending; returns -1 when the connection is to be closed. */
static int send_pending(struct server *s, struct conn *c)
{
    while (c->out_sent < c->out_len || c->body_sent < c->body_len) {
        const void *p;
        size_t n;
        ssize_t w;

        if (c->out_sent < c->out_len) {
            p = c->out + c->out_sent;
            n = c->out_len - c->out_sent;
        } else {
            p = c->body + c->body_sent;
            n = (size_t)(c->body_len - c->body_sent);
        }
        w = send(c->fd, p, n, 0);
        if (w < 0)
            return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR
                       ? 0 : -1;
        if (c->out_sent < c->out_len)
            c->out_sent += (size_t)w;
        else
            c->body_sent += (uint64_t)w;
        c->deadline = s->now_ms + s->cfg->send_ms;
    }
    return 1;
}

/* After a response: close, or the next request (pipelined bytes may
 * be waiting in the buffer already). */
static void response_done(struct server *s, struct conn *c)
{
    if (c->close_after) {
        conn_linger(s, c);
        return;
    }
    start_read(s, c);
    advance(s, c);
}

/* Returns -1 when the connection is finished. */
static int on_writable(struct server *s, struct conn *c)
{
    for (int turns = 0; c->state == WRITE; turns++) {
        int st = send_pending(s, c);

        if (st <= 0)
            return st;
        /* Pipelined requests: several answers per turn, not unboundedly;
         * the next POLLOUT (at once: nothing is pending) goes on. */
        if (turns == 8)
            return 0;
        response_done(s, c);
    }
    return 0;
}

static int on_readable(struct server *s, struct conn *c)
{
    char drop[512];
    ssize_t r;

    if (c->state == LINGER) {
        r = recv(c->fd, drop, sizeof drop, 0);
        return r > 0 || (r < 0 && (errno == EAGAIN || errno == EINTR)) ? 0 : -1;
    }
    if (c->in_len == sizeof c->in)
        return 0; /* full: the parser has answered 431 or 414 already */
    r = recv(c->fd, c->in + c->in_len, sizeof c->in - c->in_len, 0);
    if (r == 0)
        return -1;
    if (r < 0)
        return errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR
                   ? 0 : -1;
    c->in_len += (size_t)r;
    advance(s, c);
    return on_writable(s, c);
}

/* The deadline passed: 408 for a request that did not come whole (or
 * at all on a new connection); a quiet close for an idle keep-alive
 * connection or one stuck in any other state. */
static void on_timeout(struct server *s, struct conn *c)
{
    static const char msg[] = "HTTP/1.1 408 Request Timeout\r\n"
                              "Content-Length: 0\r\nConnection: close\r\n\r\n";

    if (c->state == READ && (c->in_len || !c->served)) {
        /* Best effort, one send: this peer has had its chance. */
        if (send(c->fd, msg, sizeof msg - 1, 0) > 0)
            log_request(s, c->peer, c->in, 0, 408, 0);
    }
}

static void set_nonblocking_opts(int fd)
{
    int one = 1;

    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL, 0) | O_NONBLOCK);
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

/* Beyond the cap (or out of memory): 503 and close, never a hang. */
static void refuse_busy(struct server *s, int fd, const char *peer)
{
    static const char msg[] =
        "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n"
        "Retry-After: 1\r\nConnection: close\r\n\r\n";
    char drop[512];

    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL, 0) | O_NONBLOCK);
    if (send(fd, msg, sizeof msg - 1, 0) > 0)
        log_request(s, peer, "", 0, 503, 0);
    shutdown(fd, SHUT_WR);
    /* Input already here would turn the close into a reset that could
     * destroy the 503 before the peer reads it: read it first. */
    for (int i = 0; i < 8 && recv(fd, drop, sizeof drop, 0) > 0; i++)
        ;
    close(fd);
}

static void accept_some(struct server *s)
{
    for (int k = 0; k < ACCEPT_BATCH; k++) {
        struct sockaddr_in a;
        socklen_t alen = sizeof a;
        char peer[INET_ADDRSTRLEN] = "-";
        struct conn *c;
        int fd;

        memset(&a, 0, sizeof a);
        fd = accept(s->cfg->listen_fd, (struct sockaddr *)&a, &alen);
        if (fd < 0) {
            if (errno == EINTR || errno == ECONNABORTED)
                continue;
            if (errno != EAGAIN && errno != EWOULDBLOCK) {
                /* EMFILE, ENOMEM, ENOBUFS: rest, then try again. */
                fprintf(stderr, "httpd: accept: %s\n", strerror(errno));
                s->listen_paused_until = s->now_ms + PAUSE_MS;
            }
            return;
        }
        if (a.sin_family == AF_INET)
            inet_ntop(AF_INET, &a.sin_addr, peer, sizeof peer);
        c = s->nconns < s->cfg->max_conns ? malloc(sizeof *c) : NULL;
        if (!c) {
            refuse_busy(s, fd, peer);
            continue;
        }
        memset(c, 0, offsetof(struct conn, in));
        c->fd = fd;
        memcpy(c->peer, peer, sizeof peer);
        set_nonblocking_opts(fd);
        start_read(s, c);
        s->conns[s->nconns++] = c;
    }
}

/* Milliseconds until the earliest deadline (at most a second). */
static int poll_timeout(struct server *s)
{
    int64_t t = 1000;

    for (int i = 0; i < s->nconns; i++)
        if (s->conns[i]->deadline - s->now_ms < t)
            t = s->conns[i]->deadline - s->now_ms;
    if (s->listen_paused_until > s->now_ms &&
        s->listen_paused_until - s->now_ms < t)
        t = s->listen_paused_until - s->now_ms;
    return t < 0 ? 0 : (int)t;
}

static int fill_pollfds(struct server *s)
{
    int paused = s->listen_paused_until > s->now_ms;

    s->pfds[0].fd = paused ? -1 : s->cfg->listen_fd;
    s->pfds[0].events = POLLIN;
    s->pfds[0].revents = 0;
    for (int i = 0; i < s->nconns; i++) {
        s->pfds[i + 1].fd = s->conns[i]->fd;
        s->pfds[i + 1].events = s->conns[i]->state == WRITE ? POLLOUT : POLLIN;
        s->pfds[i + 1].revents = 0;
    }
    return s->nconns + 1;
}

/* One connection after poll: its events, then its deadline. */
static void service(struct server *s, int i, short re)
{
    struct conn *c = s->conns[i];
    int st = 0;

    if (re & (POLLERR | POLLNVAL))
        st = -1;
    else if (c->state == WRITE && (re & (POLLOUT | POLLHUP)))
        st = on_writable(s, c);
    else if (c->state != WRITE && (re & (POLLIN | POLLHUP)))
        st = on_readable(s, c);
    if (st == 0 && s->now_ms >= c->deadline) {
        on_timeout(s, c);
        st = -1;
    }
    if (st < 0)
        conn_close(s, i);
}

int server_run(const struct server_config *cfg)
{
    struct server s;

    memset(&s, 0, sizeof s);
    s.cfg = cfg;
    s.conns = calloc((size_t)cfg->max_conns, sizeof *s.conns);
    s.pfds = calloc((size_t)cfg->max_conns + 1, sizeof *s.pfds);
    if (!s.conns || !s.pfds) {
        fprintf(stderr, "httpd: no memory for %d connections\n",
                cfg->max_conns);
        return 1;
    }
    for (;;) {
        int n, count;

        s.now_ms = monotonic_ms();
        count = fill_pollfds(&s);
        n = poll(s.pfds, count, poll_timeout(&s));
        if (n < 0 && errno != EINTR) {
            fprintf(stderr, "httpd: poll: %s\n", strerror(errno));
            return 1;
        }
        s.now_ms = monotonic_ms();
        /* Backwards: closing swaps the last connection into the slot,
         * and that one has had its turn already. */
        for (int i = count - 2; i >= 0; i--)
            service(&s, i, n > 0 ? s.pfds[i + 1].revents : 0);
        if (n > 0 && (s.pfds[0].revents & POLLIN))
            accept_some(&s);
        fflush(stdout);
    }
}
