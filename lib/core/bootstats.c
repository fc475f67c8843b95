/* Boot phase marks (tern.bootstats).  Cheap enough to take always. */
#include <tern/bootstats.h>
#include <tern/console.h>
#include <tern/entry_state.h>
#include <tern/format.h>
#include <tern/io.h>

#define MAX_MARKS 16

static struct {
    const char *phase;
    uint64_t tsc;
} marks[MAX_MARKS];
static unsigned nmarks;
int boot_stats_enabled;
void (*boot_exit_report)(void);

void boot_mark(const char *phase)
{
    if (nmarks < MAX_MARKS)
        marks[nmarks++] = (typeof(marks[0])){phase, rdtsc()};
}

void boot_marks_print(void)
{
    char line[384];
    size_t n = (size_t)tern_snprintf(line, sizeof(line), "tern: bootstats:");

    for (unsigned i = 0; i < nmarks && n < sizeof(line); i++)
        n += (size_t)tern_snprintf(
            line + n, sizeof(line) - n, " %s %llu", marks[i].phase,
            (unsigned long long)(marks[i].tsc - pvh_entry_state.tsc));
    tern_printf("%s\n", line);
}
