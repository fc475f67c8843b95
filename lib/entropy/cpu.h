/* lib/entropy's CPU instructions (cpu.c). */
#ifndef TERN_ENTROPY_CPU_H
#define TERN_ENTROPY_CPU_H

#include <stdbool.h>
#include <stdint.h>

bool cpu_has_rdrand(void);
bool cpu_has_rdseed(void);
bool rdrand64(uint64_t *v);
bool rdseed64(uint64_t *v);
void jitter_deltas(uint64_t *deltas, unsigned n);

#endif
