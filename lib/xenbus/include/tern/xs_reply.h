/* What the xenstore sends back, checked before anything uses it: the
 * header (type, request id, transaction id, length), XS_ERROR strings,
 * directory listings and watch events.  The store is untrusted: every
 * length is bounded and every string must end inside its payload.  Pure
 * logic, unit-tested and fuzzed (tests/fuzz/fuzz_xs_reply.c). */
#ifndef TERN_XS_REPLY_H
#define TERN_XS_REPLY_H

#include <stddef.h>
#include <stdint.h>
#include <xen/io/xs_wire.h>

#define XS_HDR_SIZE sizeof(struct xsd_sockmsg)

/* 0 when a header read off the ring can be followed: a type the
 * protocol has and a length of at most XENSTORE_PAYLOAD_MAX.  -EPROTO
 * otherwise: the stream cannot be framed any more. */
int xs_header_check(const struct xsd_sockmsg *h);

/* "XS_READ", ... or "type?" for a number the protocol lacks. */
const char *xs_type_name(uint32_t type);

/* The errno (positive) an XS_ERROR payload names ("ENOENT\0"); EIO for
 * a name we do not know or a payload that is not a string. */
int xs_error_errno(const char *payload, size_t len);

/* A directory reply ("a\0b\0c\0"): up to max names, each pointing into
 * payload.  Returns the count, -EPROTO when the last name does not end
 * inside the payload, -E2BIG when there are more than max. */
int xs_dir_split(const char *payload, size_t len, const char **names,
                 unsigned max);

/* A watch event ("path\0token\0"): 0 with both set, or -EPROTO. */
int xs_watch_event_parse(const char *payload, size_t len, const char **path,
                         const char **token);

/* A decimal number of at most 10 digits that fits 32 bits, the whole of
 * s[0..len) (a trailing NUL allowed): 0 with *out set, or -EINVAL.  For
 * transaction ids, domain ids, states. */
int xs_parse_u32(const char *s, size_t len, uint32_t *out);

/* One whole message (header and payload, as the ring gave them): 0 with
 * *h and *payload set, or -EPROTO (bad header, or n is not 16 + len). */
int xs_msg_parse(const void *buf, size_t n, struct xsd_sockmsg *h,
                 const char **payload);

#endif
