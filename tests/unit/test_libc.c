/* The libc glue's pure parts: the module file layer, heap bounds, dates. */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <tern/modfs.h>
#include <tern/pc.h>
#include <tern/time.h>
#include <unistd.h>
#include "test.h"

static struct modfs fs;
static const uint8_t data[] = "0123456789";

static void setup(void)
{
    modfs_init(&fs);
    CHECK(modfs_add(&fs, "/modules/0", data, 10) == 0);
    CHECK(modfs_add(&fs, "app.cfg", data + 5, 5) == 0);
}

TEST(modfs_open_read_seek_close)
{
    char buf[16] = {0};
    int fd;

    setup();
    fd = modfs_open(&fs, "/modules/0", O_RDONLY);
    CHECK(fd >= 0);
    CHECK(modfs_read(&fs, fd, buf, 4) == 4 && !memcmp(buf, "0123", 4));
    CHECK(modfs_lseek(&fs, fd, -2, SEEK_END) == 8);
    CHECK(modfs_read(&fs, fd, buf, 16) == 2 && !memcmp(buf, "89", 2));
    CHECK(modfs_read(&fs, fd, buf, 16) == 0);
    CHECK(modfs_lseek(&fs, fd, 100, SEEK_SET) == 100);
    CHECK(modfs_read(&fs, fd, buf, 16) == 0); /* past the end: EOF */
    CHECK(modfs_lseek(&fs, fd, -1, SEEK_SET) == -EINVAL);
    CHECK(modfs_lseek(&fs, fd, 1, 42) == -EINVAL);
    CHECK(modfs_lseek(&fs, fd, 0x7fffffffffffffffLL, SEEK_CUR) == -EINVAL);
    CHECK(modfs_close(&fs, fd) == 0);
    CHECK(modfs_close(&fs, fd) == -EBADF);
    CHECK(modfs_read(&fs, fd, buf, 1) == -EBADF);
}

TEST(modfs_names_sizes_and_errors)
{
    uint64_t size = 0;

    setup();
    CHECK(modfs_size(&fs, "app.cfg", &size) == 0 && size == 5);
    CHECK(modfs_size(&fs, "nope", &size) == -ENOENT);
    CHECK(modfs_open(&fs, "nope", O_RDONLY) == -ENOENT);
    CHECK(modfs_open(&fs, "app.cfg", O_WRONLY) == -EROFS);
    CHECK(modfs_open(&fs, "app.cfg", O_RDWR) == -EROFS);
    CHECK(modfs_open(&fs, "new", O_WRONLY | O_CREAT) == -EROFS);
    CHECK(modfs_open(&fs, "app.cfg", O_RDONLY | O_TRUNC) == -EROFS);
    CHECK(modfs_add(&fs, "app.cfg", data, 1) == -1); /* taken */
    CHECK(modfs_add(&fs, "", data, 1) == -1);
    CHECK(modfs_read(&fs, -1, NULL, 0) == -EBADF);
    CHECK(modfs_fsize(&fs, MODFS_MAX_FDS, &size) == -EBADF);
}

TEST(modfs_runs_out_of_descriptors_cleanly)
{
    int fd = 0;

    setup();
    for (int i = 0; i < MODFS_MAX_FDS; i++)
        CHECK((fd = modfs_open(&fs, "app.cfg", O_RDONLY)) == i);
    CHECK(modfs_open(&fs, "app.cfg", O_RDONLY) == -EMFILE);
    CHECK(modfs_close(&fs, 3) == 0);
    CHECK(modfs_open(&fs, "app.cfg", O_RDONLY) == 3);
}


TEST(days_from_civil_known_dates)
{
    CHECK(days_from_civil(1970, 1, 1) == 0);
    CHECK(days_from_civil(2000, 3, 1) == 11017);
    CHECK(days_from_civil(2026, 11, 25) == 20782);
    CHECK(days_from_civil(1969, 12, 31) == -1);
    CHECK(days_from_civil(2024, 2, 29) + 1 == days_from_civil(2024, 3, 1));
}

TEST(rtc_hours_in_every_format)
{
    CHECK(rtc_decode_hour(0x23, 0x02) == 23);        /* BCD, 24-hour */
    CHECK(rtc_decode_hour(23, 0x06) == 23);          /* binary, 24-hour */
    CHECK(rtc_decode_hour(0x12, 0x00) == 0);         /* BCD 12 AM */
    CHECK(rtc_decode_hour(0x92, 0x00) == 12);        /* BCD 12 PM */
    CHECK(rtc_decode_hour(0x81, 0x00) == 13);        /* BCD 1 PM */
    CHECK(rtc_decode_hour(0x80 | 11, 0x04) == 23);   /* binary 11 PM */
    CHECK(rtc_decode_hour(0x00, 0x00) >= 24);        /* 12-hour has no 0 */
    CHECK(rtc_decode_hour(0x13, 0x00) >= 24);
    CHECK(rtc_decode_hour(0x81, 0x02) >= 24);        /* PM bit in 24-hour */
    CHECK(rtc_decode_hour(0x24, 0x02) >= 24);
}
