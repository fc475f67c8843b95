/* irq_bind: one registration for every kind of source; a failed route
 * gives its vector back; a kind this platform lacks is a reason, not a
 * crash.  Vectors and routes are host_irq.c's stand-ins. */
#include <string.h>
#include <tern/irq.h>
#include "host_irq.h"
#include "test.h"

static void handler(unsigned vector, void *arg)
{
    (void)vector, (void)arg;
}

TEST(irq_bind_msi_gives_the_message_for_its_vector)
{
    struct irq_source msi = {.kind = IRQ_SOURCE_MSI};
    struct irq_binding b;
    char why[80] = "";

    CHECK(irq_bind(&msi, handler, 0, &b, why, sizeof(why)) == 0);
    CHECK(b.vector == 0x30 && b.msi_addr == 0xfee00000ull &&
          (b.msi_data & 0xff) == 0x30);
    irq_unbind(&b);
}

TEST(irq_bind_failed_route_gives_the_vector_back)
{
    struct irq_source gsi = {.kind = IRQ_SOURCE_GSI, .number = 24,
                             .level = true}; /* host_irq refuses level */
    struct irq_source isa = {.kind = IRQ_SOURCE_ISA, .number = 8};
    struct irq_binding b;
    unsigned live = host_irq_vectors_live;
    char why[80] = "";

    CHECK(irq_bind(&gsi, handler, 0, &b, why, sizeof(why)) == -1);
    CHECK(host_irq_vectors_live == live && strstr(why, "GSI 24"));
    CHECK(irq_bind(&isa, handler, 0, &b, why, sizeof(why)) == -1);
    CHECK(host_irq_vectors_live == live && strstr(why, "ISA IRQ 8"));
}

TEST(irq_bind_kinds_the_platform_lacks_are_a_reason)
{
    struct irq_source ev = {.kind = IRQ_SOURCE_EVTCHN, .number = 3};
    struct irq_source bad = {.kind = (enum irq_source_kind)99};
    struct irq_binding b;
    char why[80] = "";

    CHECK(irq_bind(&ev, handler, 0, &b, why, sizeof(why)) == -1 &&
          strstr(why, "no event channels"));
    CHECK(irq_bind(&bad, handler, 0, &b, why, sizeof(why)) == -1 &&
          strstr(why, "unknown"));
}
