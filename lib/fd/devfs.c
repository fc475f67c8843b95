/* /dev/<name>: the devices drivers offer as files (disks: /dev/vda). */
#include <errno.h>
#include <string.h>
#include <tern/config.h>
#include <tern/file.h>

#define DEV_PREFIX "/dev/"
#define DEV_NAME_MAX 16

static struct {
    char name[DEV_NAME_MAX];
    const struct devfs_ops *ops;
    void *priv;
} nodes[CONFIG_DEVFS_MAX];
static unsigned nnodes;

bool devfs_path(const char *path)
{
    return !strncmp(path, DEV_PREFIX, strlen(DEV_PREFIX));
}

int devfs_register(const char *name, const struct devfs_ops *ops, void *priv)
{
    if (strlen(name) >= DEV_NAME_MAX)
        return -ENAMETOOLONG;
    for (unsigned i = 0; i < nnodes; i++)
        if (!strcmp(nodes[i].name, name))
            return -EEXIST;
    if (nnodes == CONFIG_DEVFS_MAX)
        return -ENOSPC;
    strcpy(nodes[nnodes].name, name);
    nodes[nnodes].ops = ops;
    nodes[nnodes].priv = priv;
    nnodes++;
    return 0;
}

int devfs_open(const char *path, int flags)
{
    const char *name = path + strlen(DEV_PREFIX);
    struct file *f;
    int err = -ENOMEM, fd;

    if (!devfs_path(path))
        return -ENOENT;
    for (unsigned i = 0; i < nnodes; i++) {
        if (strcmp(nodes[i].name, name))
            continue;
        if (!(f = nodes[i].ops->open(nodes[i].priv, flags, &err)))
            return err;
        if ((fd = fd_install(f)) < 0)
            file_put(f);
        return fd;
    }
    return -ENOENT;
}
