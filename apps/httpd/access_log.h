/* The access log's line (common log format), pure. */
#ifndef HTTPD_ACCESS_LOG_H
#define HTTPD_ACCESS_LOG_H

#include <stddef.h>
#include <stdint.h>

#define ACCESS_LOG_MAX 512

/* 'host - - [date] "request" status bytes' and a newline into out
 * (ACCESS_LOG_MAX bytes); the request line is the client's, so bytes
 * outside printable ASCII, '"' and '\' are written as \xHH and a long
 * line is cut with "...".  Returns the length. */
size_t access_log_line(char *out, const char *host, int64_t now,
                       const char *req, size_t req_len, int status,
                       uint64_t bytes);

#endif
