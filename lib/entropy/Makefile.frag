obj-y += lib/entropy/blake2s.c lib/entropy/chacha20.c lib/entropy/pool.c \
         lib/entropy/health.c lib/entropy/uniform.c lib/entropy/cpu.c \
         lib/entropy/entropy.c
obj-$(CONFIG_LIBC_NEWLIB) += lib/entropy/getentropy.c
