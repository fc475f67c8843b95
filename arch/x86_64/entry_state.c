/* Completes the entry-state capture: segment descriptors live in the
 * loader's GDT, somewhere in memory Tern may reuse, so they are copied
 * first thing in C, while that memory is still the loader's. */
#include <string.h>
#include <tern/entry_state.h>

void entry_state_finish(void)
{
    struct pvh_entry_state *s = &pvh_entry_state;

    for (int i = 0; i < SEG_COUNT; i++) {
        uint16_t sel = s->sel[i];

        if ((sel & 4) || (sel & ~7u) == 0 ||
            (uint32_t)(sel | 7) > s->gdtr.limit)
            continue; /* LDT, null, or past the GDT's limit */
        memcpy(&s->desc[i],
               (const void *)(uintptr_t)(s->gdtr.base + (sel & ~7u)), 8);
        s->desc_valid |= 1u << i;
    }
}
