/* Calendar arithmetic.  Pure. */
#ifndef TERN_CIVIL_H
#define TERN_CIVIL_H

#include <stdint.h>

/* Days since 1970-01-01 of a proleptic Gregorian date. */
int64_t days_from_civil(int64_t y, unsigned m, unsigned d);

#endif
