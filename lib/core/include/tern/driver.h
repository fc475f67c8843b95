/*
 * Drivers' start and their command-line parameters, without boot/ or
 * anything generic naming a driver: a driver says DRIVER_INIT(fn) and
 * its fn(bi) runs once, after the scheduler and the C library are up and
 * before main(), in link order.  Its parameters are the command line's
 * module.param=value words (virtio_mmio.device=...), which the runtime
 * takes wherever they stand and the app never sees.
 */
#ifndef TERN_DRIVER_H
#define TERN_DRIVER_H

struct boot_info;

typedef void (*driver_init_fn)(const struct boot_info *bi);

#define DRIVER_INIT(fn)                                                  \
    static const driver_init_fn driver_init_##fn                         \
        __attribute__((used, section(".tern_driver_init"), aligned(8))) = \
            fn

/* boot_main: the words, then every driver's start. */
void driver_params_set(char *const *words, unsigned n);
void drivers_init(const struct boot_info *bi);

/* The value of the next "key=value" word from *iter on (start at 0), or
 * NULL when there is none. */
const char *driver_param_next(const char *key, unsigned *iter);

#endif
