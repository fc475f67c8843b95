/* sleep: an appliance that waits, e.g. "-- 10" sleeps ten seconds.  The
 * VM should cost the host nearly nothing meanwhile (make bench measures
 * it). */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    unsigned seconds = argc > 1 ? (unsigned)strtoul(argv[1], NULL, 10) : 1;

    printf("sleeping %u s\n", seconds);
    sleep(seconds);
    printf("awake\n");
    return 0;
}
