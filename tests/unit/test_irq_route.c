/* Interrupt routing logic: GSIs across several I/O APICs, redirection
 * entries, MSI messages, the vector allocator. */
#include <tern/irq_route.h>
#include "test.h"

TEST(ioapic_for_gsi_finds_the_chip_and_pin_across_two_ioapics)
{
    /* microvm's shape: 24 pins from GSI 0, a second chip from GSI 24 */
    struct ioapic_span s[2] = {{0, 24}, {24, 24}};
    uint32_t pin = 99;

    CHECK(ioapic_for_gsi(s, 2, 0, &pin) == 0 && pin == 0);
    CHECK(ioapic_for_gsi(s, 2, 23, &pin) == 0 && pin == 23);
    CHECK(ioapic_for_gsi(s, 2, 24, &pin) == 1 && pin == 0);
    CHECK(ioapic_for_gsi(s, 2, 47, &pin) == 1 && pin == 23);
    CHECK(ioapic_for_gsi(s, 2, 48, &pin) == -1);
    CHECK(ioapic_for_gsi(s, 0, 0, &pin) == -1);
    CHECK(ioapic_for_gsi(s, 2, UINT32_MAX, &pin) == -1);
}

TEST(ioapic_for_gsi_with_a_gap_and_a_base_near_the_top)
{
    struct ioapic_span s[2] = {{100, 8}, {UINT32_MAX - 3, 24}};
    uint32_t pin;

    CHECK(ioapic_for_gsi(s, 2, 99, &pin) == -1);
    CHECK(ioapic_for_gsi(s, 2, 107, &pin) == 0 && pin == 7);
    CHECK(ioapic_for_gsi(s, 2, UINT32_MAX, &pin) == 1 && pin == 3);
}

TEST(ioapic_rte_encodes_vector_trigger_polarity_and_destination)
{
    CHECK(ioapic_rte(0x31, false, false, 0) == 0x31);
    CHECK(ioapic_rte(0x40, true, true, 3) == (3ull << 56 | 1u << 15 | 1u << 13 | 0x40));
    CHECK((ioapic_rte(0x40, false, false, 0x1ff) >> 56) == 0xff);
}

TEST(msi_compose_gives_the_fee_address_and_the_vector)
{
    uint64_t addr;
    uint32_t data;

    CHECK(msi_compose(0x41, 0, &addr, &data) == 0 && addr == 0xfee00000 &&
          data == 0x41);
    CHECK(msi_compose(0x41, 5, &addr, &data) == 0 && addr == 0xfee05000);
    CHECK(msi_compose(0x41, 256, &addr, &data) == -1); /* needs remapping */
    CHECK(msi_compose(0x05, 0, &addr, &data) == -1);
    /* 16-31 are exception vectors here (0x12 would be a #MC report) */
    CHECK(msi_compose(0x12, 0, &addr, &data) == -1);
    CHECK(msi_compose(0x1f, 0, &addr, &data) == -1);
    CHECK(msi_compose(0x20, 0, &addr, &data) == 0);
    CHECK(msi_compose(0xff + 1, 0, &addr, &data) == -1);
}

TEST(vector_pick_hands_out_each_vector_once_in_range)
{
    uint64_t used[4] = {0, 0, 0, 0};
    int first = vector_pick(used), n = 1, last = first, v;

    CHECK(first == IRQ_VECTOR_FIRST);
    while ((v = vector_pick(used)) >= 0) {
        CHECK(v == last + 1);
        last = v;
        n++;
    }
    CHECK(last == IRQ_VECTOR_LAST);
    CHECK(n == IRQ_VECTOR_LAST - IRQ_VECTOR_FIRST + 1);
    used[0x45 / 64] &= ~(1ull << (0x45 % 64)); /* one freed */
    CHECK(vector_pick(used) == 0x45 && vector_pick(used) == -1);
}
