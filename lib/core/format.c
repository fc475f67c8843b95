/* A small vsnprintf: enough for the runtime's own lines, no floats. */
#include <stdint.h>
#include <tern/format.h>

struct out {
    char *buf;
    size_t size;
    size_t len; /* characters the full output has so far */
};

static void put(struct out *o, char c)
{
    if (o->len + 1 < o->size)
        o->buf[o->len] = c;
    o->len++;
}

static void pad(struct out *o, int n, char c)
{
    while (n-- > 0)
        put(o, c);
}

struct spec {
    int left, zero, width, precision;
};

static void put_str(struct out *o, const char *s, const struct spec *sp)
{
    int n = 0;

    if (!s)
        s = "(null)";
    while (s[n] && (sp->precision < 0 || n < sp->precision))
        n++;
    if (!sp->left)
        pad(o, sp->width - n, ' ');
    for (int i = 0; i < n; i++)
        put(o, s[i]);
    if (sp->left)
        pad(o, sp->width - n, ' ');
}

static void put_num(struct out *o, uint64_t v, int neg, unsigned base,
                    int upper, const struct spec *sp)
{
    const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    char tmp[24];
    int n = 0, len;

    do {
        tmp[n++] = digits[v % base];
        v /= base;
    } while (v);
    len = n + neg;
    if (!sp->left && !sp->zero)
        pad(o, sp->width - len, ' ');
    if (neg)
        put(o, '-');
    if (!sp->left && sp->zero)
        pad(o, sp->width - len, '0');
    while (n)
        put(o, tmp[--n]);
    if (sp->left)
        pad(o, sp->width - len, ' ');
}

/* Fetch an integer argument of the size the length modifier names:
 * longs counts l/ll/z (all 64-bit here), shorts counts h. */
static uint64_t get_arg(va_list *ap, int longs, int shorts, int is_signed,
                        int *neg)
{
    int64_t s;

    *neg = 0;
    if (!is_signed) {
        if (longs)
            return va_arg(*ap, unsigned long);
        if (shorts)
            return shorts == 1 ? (uint16_t)va_arg(*ap, unsigned)
                               : (uint8_t)va_arg(*ap, unsigned);
        return va_arg(*ap, unsigned);
    }
    s = longs ? va_arg(*ap, long) : va_arg(*ap, int);
    if (!longs && shorts)
        s = shorts == 1 ? (int16_t)s : (int8_t)s;
    if (s < 0) {
        *neg = 1;
        return (uint64_t)0 - (uint64_t)s;
    }
    return (uint64_t)s;
}

static const char *parse_spec(const char *f, struct spec *sp, va_list *ap)
{
    *sp = (struct spec){0, 0, 0, -1};
    for (;; f++) {
        if (*f == '-')
            sp->left = 1;
        else if (*f == '0')
            sp->zero = 1;
        else
            break;
    }
    if (*f == '*') {
        sp->width = va_arg(*ap, int);
        f++;
    }
    while (*f >= '0' && *f <= '9')
        sp->width = sp->width * 10 + (*f++ - '0');
    if (*f == '.') {
        sp->precision = 0;
        if (*++f == '*') {
            sp->precision = va_arg(*ap, int);
            f++;
        }
        while (*f >= '0' && *f <= '9')
            sp->precision = sp->precision * 10 + (*f++ - '0');
    }
    return f;
}

int tern_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap_in)
{
    struct out o = {buf, size, 0};
    va_list ap;

    va_copy(ap, ap_in);
    for (const char *f = fmt; *f; f++) {
        struct spec sp;
        int longs = 0, shorts = 0, neg;
        uint64_t v;

        if (*f != '%') {
            put(&o, *f);
            continue;
        }
        f = parse_spec(f + 1, &sp, &ap);
        for (; *f == 'l' || *f == 'z' || *f == 'h'; f++) {
            longs += *f != 'h';
            shorts += *f == 'h';
        }
        switch (*f) {
        case 'c':
            put(&o, (char)va_arg(ap, int));
            break;
        case 's':
            put_str(&o, va_arg(ap, const char *), &sp);
            break;
        case 'd':
        case 'i':
            v = get_arg(&ap, longs, shorts, 1, &neg);
            put_num(&o, v, neg, 10, 0, &sp);
            break;
        case 'u':
        case 'x':
        case 'X':
            v = get_arg(&ap, longs, shorts, 0, &neg);
            put_num(&o, v, 0, *f == 'u' ? 10 : 16, *f == 'X', &sp);
            break;
        case 'p':
            put(&o, '0');
            put(&o, 'x');
            put_num(&o, (uintptr_t)va_arg(ap, void *), 0, 16, 0, &sp);
            break;
        case '%':
            put(&o, '%');
            break;
        default: /* unknown conversion or a lone '%' at the end */
            put(&o, '%');
            if (!*f)
                f--;
            else
                put(&o, *f);
        }
    }
    va_end(ap);
    if (size)
        buf[o.len < size ? o.len : size - 1] = 0;
    return (int)o.len;
}

int tern_snprintf(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = tern_vsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return n;
}
