/*
 * The legacy 8259 PICs: moved off the exception vectors, then masked.
 *
 * Tern takes device interrupts through the I/O APIC only.  Masking the
 * 8259s is not enough on its own: firmware leaves them at vectors 0x08 and
 * 0x70 (microvm's at 0), so one spurious IRQ 7 or 15, which an 8259 raises
 * even when masked, would arrive as CPU exception 15 or 0x77 (or #DF for
 * IRQ 0).  At PIC_VECTOR_BASE they land on vectors no handler claims and
 * are counted as spurious.  On a machine without 8259s the port writes go
 * nowhere.
 */
#include <tern/arch.h>
#include <tern/io.h>

#define MASTER_CMD 0x20
#define MASTER_DATA 0x21
#define SLAVE_CMD 0xa0
#define SLAVE_DATA 0xa1
#define ICW1_INIT_ICW4 0x11 /* edge-triggered, cascaded, ICW4 follows */
#define ICW3_SLAVE_ON_IRQ2 0x04
#define ICW3_SLAVE_ID 0x02
#define ICW4_8086 0x01

void pic_remap_and_mask(void)
{
    /* ICW1 starts the initialisation sequence and clears the mask: the
     * caller keeps interrupts off until OCW1 below masks every line. */
    outb(MASTER_CMD, ICW1_INIT_ICW4);
    outb(SLAVE_CMD, ICW1_INIT_ICW4);
    outb(MASTER_DATA, PIC_VECTOR_BASE);     /* ICW2: IRQ 0-7 */
    outb(SLAVE_DATA, PIC_VECTOR_BASE + 8);  /* ICW2: IRQ 8-15 */
    outb(MASTER_DATA, ICW3_SLAVE_ON_IRQ2);
    outb(SLAVE_DATA, ICW3_SLAVE_ID);
    outb(MASTER_DATA, ICW4_8086);
    outb(SLAVE_DATA, ICW4_8086);
    outb(SLAVE_DATA, 0xff); /* OCW1: every line masked */
    outb(MASTER_DATA, 0xff);
}
