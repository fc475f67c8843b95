/* The checks lib/blk makes on every request before a driver sees it.
 * Pure (unit-tested on the host). */
#ifndef TERN_BLK_CHECK_H
#define TERN_BLK_CHECK_H

#include <tern/blk.h>

/* 0, or the -errno the request fails with (tern/blk.h lists them). */
int blk_check_request(const struct blk_info *info, const struct blk_request *r);
/* 0 when the driver's description of a disk is usable, else -EINVAL. */
int blk_check_info(const struct blk_info *info);

#endif
