/* Host build: loopback by default, a file that is made if missing. */
#include <fcntl.h>
#include <signal.h>
#include "platform.h"

const char *const kv_default_bind = "127.0.0.1";
const char *const kv_default_disk = 0;

void kv_platform_init(void)
{
    signal(SIGPIPE, SIG_IGN); /* a peer gone mid-send is an EPIPE, not death */
}

int kv_open_disk(const char *path)
{
    return open(path, O_RDWR | O_CREAT, 0600);
}
