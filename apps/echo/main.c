/*
 * echo: TCP and UDP echo (RFC 862) on one port, for tests and as the
 * smallest example of a server on Tern's sockets.  One poll() loop, no
 * threads; each TCP client has a buffer of what it sent and we have not
 * yet written back, and is not read from while that buffer is full.
 *
 * Settings (KEY=VALUE before -- on the command line): PORT (7),
 * CLIENTS (64 at most at once; more are accepted and closed at once).
 */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define BUF 4096
#define MAX_CLIENTS 1024

struct client {
    int fd;
    size_t len; /* bytes in buf not yet echoed */
    char buf[BUF];
};

static struct client *clients;
static struct pollfd *fds;
static int max_clients, nclients;

static int setting(const char *name, int def, int lo, int hi)
{
    const char *v = getenv(name);
    char *end;
    long n;

    if (!v)
        return def;
    n = strtol(v, &end, 10);
    if (*v == '\0' || *end != '\0' || n < lo || n > hi) {
        fprintf(stderr, "echo: %s=%s is not a number from %d to %d; using %d\n",
                name, v, lo, hi, def);
        return def;
    }
    return (int)n;
}

static int bound(int type, int port)
{
    struct sockaddr_in a;
    int one = 1, fd = socket(AF_INET, type, 0);

    if (fd < 0)
        return -1;
    memset(&a, 0, sizeof(a));
    a.sin_family = AF_INET;
    a.sin_port = htons((unsigned short)port);
    a.sin_addr.s_addr = htonl(INADDR_ANY);
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    if (bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0 ||
        (type == SOCK_STREAM && listen(fd, 128) < 0) ||
        fcntl(fd, F_SETFL, O_NONBLOCK) < 0) {
        close(fd);
        return -1;
    }
    return fd;
}

static void drop(int i)
{
    close(clients[i].fd);
    clients[i] = clients[--nclients];
}

static void take_new_clients(int listener)
{
    int fd;

    while ((fd = accept(listener, NULL, NULL)) >= 0) {
        if (nclients == max_clients) {
            close(fd); /* full: a clean close, not a hang */
            continue;
        }
        fcntl(fd, F_SETFL, O_NONBLOCK);
        clients[nclients].fd = fd;
        clients[nclients++].len = 0;
    }
}

static void echo_datagrams(int udp)
{
    char buf[2048];
    struct sockaddr_in from;
    socklen_t len = sizeof(from);
    ssize_t n;

    while ((n = recvfrom(udp, buf, sizeof(buf), 0, (struct sockaddr *)&from,
                         &len)) >= 0) {
        sendto(udp, buf, (size_t)n, 0, (struct sockaddr *)&from, len);
        len = sizeof(from);
    }
}

/* Write back what is pending, then read more if there is room: 0, or -1
 * when the client is gone. */
static int serve(struct client *c, short got)
{
    ssize_t n;

    if (c->len) {
        n = send(c->fd, c->buf, c->len, 0);
        if (n < 0)
            return errno == EAGAIN ? 0 : -1;
        memmove(c->buf, c->buf + n, c->len - (size_t)n);
        c->len -= (size_t)n;
    }
    if (!(got & (POLLIN | POLLHUP | POLLERR)) || c->len == BUF)
        return 0;
    n = recv(c->fd, c->buf + c->len, BUF - c->len, 0);
    if (n == 0 || (n < 0 && errno != EAGAIN))
        return -1;
    if (n > 0)
        c->len += (size_t)n;
    return 0;
}

int main(void)
{
    int port = setting("PORT", 7, 1, 65535);
    int tcp = bound(SOCK_STREAM, port), udp = bound(SOCK_DGRAM, port);

    max_clients = setting("CLIENTS", 64, 1, MAX_CLIENTS);
    clients = calloc((size_t)max_clients, sizeof(*clients));
    fds = calloc((size_t)max_clients + 2, sizeof(*fds));
    if (tcp < 0 || udp < 0 || !clients || !fds) {
        fprintf(stderr, "echo: cannot listen on port %d: %s\n", port,
                strerror(errno));
        return 1;
    }
    printf("echo: TCP and UDP on port %d\n", port);
    fflush(stdout);
    for (;;) {
        fds[0] = (struct pollfd){tcp, POLLIN, 0};
        fds[1] = (struct pollfd){udp, POLLIN, 0};
        for (int i = 0; i < nclients; i++)
            fds[i + 2] = (struct pollfd){
                clients[i].fd,
                (short)((clients[i].len < BUF ? POLLIN : 0) |
                        (clients[i].len ? POLLOUT : 0)), 0};
        if (poll(fds, (nfds_t)nclients + 2, -1) < 0)
            continue;
        for (int i = nclients - 1; i >= 0; i--)
            if (fds[i + 2].revents && serve(&clients[i], fds[i + 2].revents))
                drop(i);
        if (fds[1].revents)
            echo_datagrams(udp);
        if (fds[0].revents)
            take_new_clients(tcp);
    }
}
