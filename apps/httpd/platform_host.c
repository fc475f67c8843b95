/* The host build (scripts/host-app httpd): an unprivileged port on the
 * loopback address only, the demo site as `make` packs it.  Linux sends
 * SIGPIPE for a write to a closed connection; Tern has no signals and
 * returns EPIPE, so the host build ignores the signal to behave alike. */
#include <signal.h>
#include "platform.h"

const int platform_default_port = 8080;
const char platform_default_site[] = "build/httpd/site.tar";
const char platform_default_bind[] = "127.0.0.1";

void httpd_platform_init(void)
{
    signal(SIGPIPE, SIG_IGN);
}
