/* Kconfig values for the host unit tests (the kernel's come from
 * build/<app>/include/tern/config.h). */
#define CONFIG_FD_MAX 32
#define CONFIG_DEVFS_MAX 4
#define CONFIG_BLK_TIMEOUT_MS 1000
#define CONFIG_BLK_MAX_DISKS 6
#define CONFIG_NETDEV_MAX 2
#define CONFIG_NETDEV_RX_QUEUE 4
