/* Common log format lines; the request line is escaped, since a client
 * could otherwise forge log lines or terminal escapes. */
#include <inttypes.h>
#include <stdio.h>
#include "access_log.h"
#include "http_date.h"

#define REQ_SHOWN 300 /* bytes of the escaped request line at most */

static size_t escape(char *out, const char *s, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    size_t o = 0;

    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];

        if (o + 4 > REQ_SHOWN) {
            o += (size_t)sprintf(out + o, "...");
            break;
        }
        if (c < 0x20 || c >= 0x7f || c == '"' || c == '\\') {
            out[o++] = '\\';
            out[o++] = 'x';
            out[o++] = hex[c >> 4];
            out[o++] = hex[c & 15];
        } else {
            out[o++] = (char)c;
        }
    }
    out[o] = 0;
    return o;
}

size_t access_log_line(char *out, const char *host, int64_t now,
                       const char *req, size_t req_len, int status,
                       uint64_t bytes)
{
    char date[32], line[REQ_SHOWN + 8], size[24] = "-"; /* CLF: "-" for 0 */
    int n;

    http_date_clf(now, date);
    escape(line, req, req_len);
    if (bytes)
        snprintf(size, sizeof size, "%" PRIu64, bytes);
    n = snprintf(out, ACCESS_LOG_MAX, "%.64s - - [%s] \"%s\" %d %s\n", host,
                 date, line, status, size);
    if (n < 0)
        return 0;
    return (size_t)n >= ACCESS_LOG_MAX ? ACCESS_LOG_MAX - 1 : (size_t)n;
}
