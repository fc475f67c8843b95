/* A snap_io over a descriptor (a disk or a file): lseek, read, write and
 * fsync only, which is what Tern's /dev/vda offers. */
#ifndef KV_DISK_H
#define KV_DISK_H

#include "snapshot.h"

struct disk {
    int fd;
    int error; /* errno of the last failure */
};

void disk_io(struct disk *d, struct snap_io *io);

#endif
