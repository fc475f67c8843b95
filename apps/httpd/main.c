/*
 * httpd: a static web server for a site packed in a tar archive.
 * Settings are KEY=VALUE words (Tern: before "--" on the command line;
 * host build: the environment): PORT, BIND, SITE, MAX_CONNS, IDLE_MS,
 * SEND_TIMEOUT_MS,
 * ACCESS_LOG.  docs/httpd.md describes them.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>
#include "platform.h"
#include "server.h"
#include "site.h"

/* A decimal setting in [lo, hi], or the default when unset; a bad value
 * stops the server with a line naming it rather than guessing. */
static long setting(const char *key, long def, long lo, long hi)
{
    const char *v = getenv(key);
    char *end;
    long x;

    if (!v || !*v)
        return def;
    errno = 0;
    x = strtol(v, &end, 10);
    if (errno || *end || x < lo || x > hi) {
        fprintf(stderr, "httpd: bad %s=%s (want %ld..%ld)\n", key, v, lo, hi);
        exit(2);
    }
    return x;
}

static const char *setting_str(const char *key, const char *def)
{
    const char *v = getenv(key);

    return v && *v ? v : def;
}

/* The whole archive, read once into memory: the site is served from it. */
static void *read_file(const char *path, size_t *len)
{
    struct stat st;
    char *buf;
    size_t got = 0;
    int fd = open(path, O_RDONLY);

    if (fd < 0 || fstat(fd, &st) < 0) {
        fprintf(stderr, "httpd: %s: %s\n", path, strerror(errno));
        exit(1);
    }
    buf = malloc(st.st_size ? (size_t)st.st_size : 1);
    if (!buf) {
        fprintf(stderr, "httpd: %s: no memory for %lld bytes\n", path,
                (long long)st.st_size);
        exit(1);
    }
    while (got < (size_t)st.st_size) {
        ssize_t r = read(fd, buf + got, (size_t)st.st_size - got);

        if (r <= 0) {
            fprintf(stderr, "httpd: %s: read: %s\n", path,
                    r ? strerror(errno) : "short file");
            exit(1);
        }
        got += (size_t)r;
    }
    close(fd);
    *len = got;
    return buf;
}

static int listen_on(const char *addr, int port)
{
    struct sockaddr_in sa;
    int one = 1, fd = socket(AF_INET, SOCK_STREAM, 0);

    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_port = htons((uint16_t)port);
    if (inet_pton(AF_INET, addr, &sa.sin_addr) != 1) {
        fprintf(stderr, "httpd: bad BIND=%s (want an IPv4 address)\n", addr);
        exit(2);
    }
    if (fd < 0 ||
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) < 0 ||
        bind(fd, (struct sockaddr *)&sa, sizeof sa) < 0 ||
        listen(fd, 128) < 0 ||
        fcntl(fd, F_SETFL, fcntl(fd, F_GETFL, 0) | O_NONBLOCK) < 0) {
        fprintf(stderr, "httpd: listen on %s:%d: %s\n", addr, port,
                strerror(errno));
        exit(1);
    }
    return fd;
}

int main(void)
{
    struct server_config cfg;
    struct site site;
    char err[160];
    size_t len;
    const char *path = setting_str("SITE", platform_default_site);
    const char *addr = setting_str("BIND", platform_default_bind);
    int port = (int)setting("PORT", platform_default_port, 1, 65535);
    void *archive;

    httpd_platform_init();
    cfg.max_conns = (int)setting("MAX_CONNS", 64, 1, 4096);
    cfg.idle_ms = setting("IDLE_MS", 10000, 10, 3600000);
    cfg.send_ms = setting("SEND_TIMEOUT_MS", 60000, 10, 3600000);
    cfg.access_log = (int)setting("ACCESS_LOG", 1, 0, 1);
    archive = read_file(path, &len);
    if (site_build(&site, archive, len, err, sizeof err)) {
        fprintf(stderr, "httpd: %s: not a usable tar archive: %s\n", path,
                err);
        return 1;
    }
    cfg.site = &site;
    cfg.listen_fd = listen_on(addr, port);
    /* The access log goes out once per poll turn, not once per line. */
    setvbuf(stdout, NULL, _IOFBF, 4096);
    printf("httpd: serving %zu files on port %d\n", site.nfiles, port);
    fflush(stdout);
    return server_run(&cfg);
}
