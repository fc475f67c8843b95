/* Request and device checks.  Pure. */
#include <errno.h>
#include <tern/blk_check.h>

static bool power_of_two(uint64_t v)
{
    return v && !(v & (v - 1));
}

int blk_check_info(const struct blk_info *info)
{
    if (!power_of_two(info->sector_size) || info->sector_size < 512 ||
        info->sector_size > 4096 || info->sectors == 0 ||
        info->max_in_flight == 0 || info->max_bytes < info->sector_size ||
        (info->can_discard && info->max_discard == 0) ||
        (info->can_write_zeroes && info->max_write_zeroes == 0))
        return -EINVAL;
    return 0;
}

/* [sector, sector + count) inside the disk, without overflow. */
static bool in_range(const struct blk_info *info, uint64_t sector,
                     uint64_t count)
{
    return sector < info->sectors && count <= info->sectors - sector;
}

static int check_transfer(const struct blk_info *info,
                          const struct blk_request *r)
{
    if (!r->buf || r->bytes == 0 || r->bytes % info->sector_size ||
        r->bytes > info->max_bytes ||
        !in_range(info, r->sector, r->bytes / info->sector_size))
        return -EINVAL;
    return 0;
}

static int check_range_op(const struct blk_info *info,
                          const struct blk_request *r, bool offered,
                          uint32_t max)
{
    if (!offered)
        return -EOPNOTSUPP;
    if (info->read_only)
        return -EROFS;
    if (r->count == 0 || r->count > max ||
        !in_range(info, r->sector, r->count))
        return -EINVAL;
    return 0;
}

int blk_check_request(const struct blk_info *info, const struct blk_request *r)
{
    switch (r->op) {
    case BLK_READ:
        return check_transfer(info, r);
    case BLK_WRITE:
        return info->read_only ? -EROFS : check_transfer(info, r);
    case BLK_FLUSH: /* without a write cache: nothing to do, not an error */
        return 0;
    case BLK_DISCARD:
        return check_range_op(info, r, info->can_discard, info->max_discard);
    case BLK_WRITE_ZEROES:
        return check_range_op(info, r, info->can_write_zeroes,
                              info->max_write_zeroes);
    }
    return -EINVAL;
}
