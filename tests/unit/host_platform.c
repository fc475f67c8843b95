/* The platform table as lib/core's platform_init leaves it: all zero
 * (pc-like, no hooks) unless a test sets a field. */
#include <tern/platform.h>

struct platform platform;
