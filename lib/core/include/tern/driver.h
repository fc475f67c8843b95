/*
 * Drivers' start and their command-line parameters, without boot/ or
 * anything generic naming a driver: a driver says DRIVER_INIT(fn) and
 * its fn(bi) runs once, after the scheduler and the C library are up and
 * before main().  Its parameters are the command line's
 * module.param=value words (virtio_mmio.device=...), which the runtime
 * takes wherever they stand and the app never sees.
 */
#ifndef TERN_DRIVER_H
#define TERN_DRIVER_H

#include <stdbool.h>

struct boot_info;

typedef void (*driver_init_fn)(const struct boot_info *bi);

/* Four rounds, each in link order: buses are enumerated (PCI; the
 * entropy sources are checked), device drivers register with their bus's
 * registry (virtio-blk, -net, -rng), transports find their devices and
 * the registry hands each to its driver (virtio over PCI and MMIO), then
 * the rest, which may use every device found (a network stack on the
 * cards). */
#define DRIVER_INIT_AT(fn, round)                                        \
    static const driver_init_fn driver_init_##fn __attribute__((         \
        used, section(".tern_driver_init." #round), aligned(8))) = fn
#define DRIVER_INIT_BUS(fn) DRIVER_INIT_AT(fn, 0)
#define DRIVER_INIT_REGISTER(fn) DRIVER_INIT_AT(fn, 1)
#define DRIVER_INIT_TRANSPORT(fn) DRIVER_INIT_AT(fn, 2)
#define DRIVER_INIT(fn) DRIVER_INIT_AT(fn, 3)

/* A driver's module name for its command-line words: only words of
 * modules some driver in the image names are taken from the app
 * ("user.name=bob" stays the app's). */
#define DRIVER_PARAMS(name, module)                                      \
    static const char *const driver_params_##name __attribute__((        \
        used, section(".tern_driver_params"), aligned(8))) = module

/* "module.param=value" of a module DRIVER_PARAMS names. */
bool driver_param_known(const char *word);

/* boot_main: the words, then every driver's start. */
void driver_params_set(char *const *words, unsigned n);
void drivers_init(const struct boot_info *bi);

/* fn runs once when the app exits normally (tern_exit, before the
 * status line), in the exiting thread with the scheduler still running,
 * so it may wait: for a driver that must leave its device tidy (Xen
 * front-ends closing so the backend lets go of our pages).  Never on a
 * fatal stop, which may come from inside a broken driver.  -1 when the
 * table (8) is full. */
int driver_at_exit(void (*fn)(void));
/* tern_exit: run them, last registered first. */
void drivers_exit(void);

/* The value of the next "key=value" word from *iter on (start at 0), or
 * NULL when there is none. */
const char *driver_param_next(const char *key, unsigned *iter);

#endif
