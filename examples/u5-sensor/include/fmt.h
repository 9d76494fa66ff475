/* Minimal printf-style formatter (no libc): %s %c %d %u %x %X %p %% with width, '-' and '0' flags and 'l'. */
#ifndef FMT_H
#define FMT_H

#include <stdarg.h>

/* Output sink: called once per character. */
typedef void (*fmt_put_fn)(char c, void *ctx);

void fmt_vformat(fmt_put_fn put, void *ctx, const char *fmt, va_list ap);

/* Formats into buf (always NUL-terminated); returns the length written. */
int fmt_snprintf(char *buf, unsigned size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#endif
