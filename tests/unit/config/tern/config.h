/* Kconfig values for the host unit tests (the kernel's come from
 * build/<app>/include/tern/config.h). */
#define CONFIG_FD_MAX 32
