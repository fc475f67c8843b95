/* COM1, a 16550 UART at port 0x3f8: polled, 115200 8N1, no interrupts. */
#include <tern/console.h>
#include <tern/io.h>

#define COM1 0x3f8
#define THR 0 /* transmit holding register */
#define IER 1
#define FCR 2
#define LCR 3
#define MCR 4
#define LSR 5
#define SCR 7 /* scratch: reads back only on a real UART */
#define LSR_THRE 0x20
#define TX_SPIN_LIMIT 100000 /* give up on a wedged UART, never hang */
#define FIFO_SIZE 16         /* THRE set: the whole transmit FIFO is free */

static int uart_dead;
static unsigned fifo_room;

static void put_byte(char c)
{
    int spins = 0;

    while (!fifo_room) {
        if (inb(COM1 + LSR) & LSR_THRE) {
            fifo_room = FIFO_SIZE;
        } else if (++spins == TX_SPIN_LIMIT) {
            uart_dead = 1;
            return;
        } else {
            cpu_pause();
        }
    }
    outb(COM1 + THR, (uint8_t)c);
    fifo_room--;
}

static void uart_write(const char *s, size_t n)
{
    for (size_t i = 0; i < n && !uart_dead; i++) {
        if (s[i] == '\n')
            put_byte('\r');
        put_byte(s[i]);
    }
}

int uart16550_init(void)
{
    outb(COM1 + SCR, 0x5a);
    if (inb(COM1 + SCR) != 0x5a)
        return -1;
    outb(COM1 + IER, 0x00);
    outb(COM1 + LCR, 0x80); /* divisor latch: 115200 baud */
    outb(COM1 + 0, 0x01);
    outb(COM1 + 1, 0x00);
    outb(COM1 + LCR, 0x03); /* 8N1 */
    outb(COM1 + FCR, 0xc7);
    outb(COM1 + MCR, 0x03);
    console_register("com1", uart_write);
    return 0;
}
