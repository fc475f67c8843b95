/*
 * gntmap DOMID REF DONE_FILE: dom0's side of a grant, for the domU boot
 * tests (the scripts in tests/dom0/).  Maps domain DOMID's grant REF read-only
 * through Linux's /dev/xen/gntdev, prints the string at the page's start,
 * creates /tmp/mapped, holds the mapping until DONE_FILE exists (at most
 * 60 s), then unmaps.  While it holds the mapping, Xen marks the domU's
 * grant entry GTF_reading: the domU's end of the grant must be refused.
 * Built statically for dom0's initramfs by scripts/run-xen-domu.
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>
#include <xen/sys/gntdev.h>

int main(int argc, char **argv)
{
    struct ioctl_gntdev_map_grant_ref map = {.count = 1};
    struct ioctl_gntdev_unmap_grant_ref unmap = {.count = 1};
    const char *page;
    int fd, i;

    if (argc != 4) {
        fprintf(stderr, "usage: gntmap DOMID REF DONE_FILE\n");
        return 2;
    }
    map.refs[0].domid = (uint32_t)strtoul(argv[1], 0, 0);
    map.refs[0].ref = (uint32_t)strtoul(argv[2], 0, 0);
    if ((fd = open("/dev/xen/gntdev", O_RDWR)) < 0 ||
        ioctl(fd, IOCTL_GNTDEV_MAP_GRANT_REF, &map) != 0) {
        perror("dom0: gntmap: /dev/xen/gntdev");
        return 1;
    }
    page = mmap(0, 4096, PROT_READ, MAP_SHARED, fd, (off_t)map.index);
    if (page == MAP_FAILED) {
        perror("dom0: gntmap: mmap of the grant");
        return 1;
    }
    printf("dom0: mapped d%s ref %s: \"%.63s\"\n", argv[1], argv[2], page);
    fflush(stdout);
    close(open("/tmp/mapped", O_CREAT | O_WRONLY, 0644));
    for (i = 0; i < 600 && access(argv[3], F_OK) != 0; i++)
        usleep(100000);
    munmap((void *)page, 4096);
    unmap.index = map.index;
    if (ioctl(fd, IOCTL_GNTDEV_UNMAP_GRANT_REF, &unmap) != 0)
        perror("dom0: gntmap: unmap");
    close(fd);
    printf("dom0: unmapped ref %s\n", argv[2]);
    return 0;
}
