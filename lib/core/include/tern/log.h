/* Runtime log lines: "tern: ...", filtered by tern.loglevel. */
#ifndef TERN_LOG_H
#define TERN_LOG_H

enum tern_loglevel {
    LOG_QUIET = 0, /* fatal lines only */
    LOG_ERROR = 1,
    LOG_WARN = 2,
    LOG_INFO = 3,
    LOG_DEBUG = 4,
};

extern int tern_loglevel;

/* Prints "tern: " (plus "warning: "/"error: " by level), the message and a
 * newline, when level <= tern_loglevel. */
void tern_log(int level, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#define pr_err(...) tern_log(LOG_ERROR, __VA_ARGS__)
#define pr_warn(...) tern_log(LOG_WARN, __VA_ARGS__)
#define pr_info(...) tern_log(LOG_INFO, __VA_ARGS__)
#define pr_debug(...) tern_log(LOG_DEBUG, __VA_ARGS__)

#endif
