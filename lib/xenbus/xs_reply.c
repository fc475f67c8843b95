/* Parsing what the xenstore replies.  Nothing here trusts a length or a
 * terminator it did not check. */
#include <errno.h>
#include <string.h>
#include <tern/xs_reply.h>

static const char *const type_names[XS_TYPE_COUNT] = {
    [XS_CONTROL] = "XS_CONTROL",
    [XS_DIRECTORY] = "XS_DIRECTORY",
    [XS_READ] = "XS_READ",
    [XS_GET_PERMS] = "XS_GET_PERMS",
    [XS_WATCH] = "XS_WATCH",
    [XS_UNWATCH] = "XS_UNWATCH",
    [XS_TRANSACTION_START] = "XS_TRANSACTION_START",
    [XS_TRANSACTION_END] = "XS_TRANSACTION_END",
    [XS_INTRODUCE] = "XS_INTRODUCE",
    [XS_RELEASE] = "XS_RELEASE",
    [XS_GET_DOMAIN_PATH] = "XS_GET_DOMAIN_PATH",
    [XS_WRITE] = "XS_WRITE",
    [XS_MKDIR] = "XS_MKDIR",
    [XS_RM] = "XS_RM",
    [XS_SET_PERMS] = "XS_SET_PERMS",
    [XS_WATCH_EVENT] = "XS_WATCH_EVENT",
    [XS_ERROR] = "XS_ERROR",
    [XS_IS_DOMAIN_INTRODUCED] = "XS_IS_DOMAIN_INTRODUCED",
    [XS_RESUME] = "XS_RESUME",
    [XS_SET_TARGET] = "XS_SET_TARGET",
    [XS_RESET_WATCHES] = "XS_RESET_WATCHES",
    [XS_DIRECTORY_PART] = "XS_DIRECTORY_PART",
};

/* The store's error names (xs_wire.h's xsd_errors) with this C library's
 * numbers: the header's own table takes whatever errno.h came first. */
static const struct {
    const char *name;
    int err;
} errors[] = {
    {"EINVAL", EINVAL}, {"EACCES", EACCES},       {"EEXIST", EEXIST},
    {"EISDIR", EISDIR}, {"ENOENT", ENOENT},       {"ENOMEM", ENOMEM},
    {"ENOSPC", ENOSPC}, {"EIO", EIO},             {"ENOTEMPTY", ENOTEMPTY},
    {"ENOSYS", ENOSYS}, {"EROFS", EROFS},         {"EBUSY", EBUSY},
    {"EAGAIN", EAGAIN}, {"EISCONN", EISCONN},     {"E2BIG", E2BIG},
    {"EPERM", EPERM},
};

const char *xs_type_name(uint32_t type)
{
    return type < XS_TYPE_COUNT && type_names[type] ? type_names[type]
                                                    : "type?";
}

int xs_header_check(const struct xsd_sockmsg *h)
{
    if (h->len > XENSTORE_PAYLOAD_MAX)
        return -EPROTO;
    if (h->type >= XS_TYPE_COUNT || !type_names[h->type])
        return -EPROTO;
    return 0;
}

int xs_error_errno(const char *payload, size_t len)
{
    const char *end = memchr(payload, 0, len);
    size_t n;

    if (!end)
        return EIO;
    n = (size_t)(end - payload);
    for (size_t i = 0; i < sizeof(errors) / sizeof(errors[0]); i++)
        if (strlen(errors[i].name) == n && !memcmp(errors[i].name, payload, n))
            return errors[i].err;
    return EIO;
}

int xs_dir_split(const char *payload, size_t len, const char **names,
                 unsigned max)
{
    unsigned count = 0;
    size_t at = 0;

    while (at < len) {
        const char *end = memchr(payload + at, 0, len - at);

        if (!end)
            return -EPROTO;
        if (count == max)
            return -E2BIG;
        names[count++] = payload + at;
        at = (size_t)(end - payload) + 1;
    }
    return (int)count;
}

int xs_watch_event_parse(const char *payload, size_t len, const char **path,
                         const char **token)
{
    const char *names[2];

    /* Exactly two strings; some stores add nothing after the token. */
    if (xs_dir_split(payload, len, names, 2) != 2)
        return -EPROTO;
    *path = names[0];
    *token = names[1];
    return 0;
}

int xs_parse_u32(const char *s, size_t len, uint32_t *out)
{
    uint64_t v = 0;

    if (len && s[len - 1] == 0)
        len--;
    if (len == 0 || len > 10)
        return -EINVAL;
    for (size_t i = 0; i < len; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -EINVAL;
        v = v * 10 + (uint64_t)(s[i] - '0');
    }
    if (v > UINT32_MAX)
        return -EINVAL;
    *out = (uint32_t)v;
    return 0;
}

int xs_msg_parse(const void *buf, size_t n, struct xsd_sockmsg *h,
                 const char **payload)
{
    if (n < XS_HDR_SIZE)
        return -EPROTO;
    memcpy(h, buf, XS_HDR_SIZE);
    if (xs_header_check(h) || n - XS_HDR_SIZE != h->len)
        return -EPROTO;
    *payload = (const char *)buf + XS_HDR_SIZE;
    return 0;
}
