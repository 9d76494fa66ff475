/* Minimal printf-style formatter: enough for log lines and command replies, no libc needed. */
#include "fmt.h"

#include <stdint.h>

struct spec {
  unsigned width;
  char pad;
  int left; /* '-': pad on the right */
};

static void put_str(fmt_put_fn put, void *ctx, const char *s, struct spec sp) {
  unsigned n = 0;
  for (const char *p = s; *p; p++) n++;
  if (!sp.left)
    for (; n < sp.width; n++) put(' ', ctx);
  while (*s) put(*s++, ctx);
  for (; n < sp.width; n++) put(' ', ctx);
}

/* Digits come out most significant first by recursing before printing: the stack holds the digits. */
static unsigned put_digits(fmt_put_fn put, void *ctx, uint32_t v, unsigned base, int upper, unsigned min_digits) {
  const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
  unsigned n = 1;
  if (v >= base || min_digits > 1) n += put_digits(put, ctx, v / base, base, upper, min_digits > 1 ? min_digits - 1 : 0);
  put(digits[v % base], ctx);
  return n;
}

static unsigned count_digits(uint32_t v, unsigned base) {
  unsigned n = 1;
  while (v >= base) {
    v /= base;
    n++;
  }
  return n;
}

static void put_number(fmt_put_fn put, void *ctx, uint32_t v, unsigned base, int upper, int negative,
                       struct spec sp) {
  unsigned len = count_digits(v, base) + (negative ? 1u : 0u);
  if (sp.pad == ' ')
    for (; len < sp.width; len++) put(' ', ctx);
  if (negative) put('-', ctx);
  unsigned min_digits = 0;
  if (sp.pad == '0' && sp.width > len) min_digits = sp.width - (negative ? 1u : 0u);
  put_digits(put, ctx, v, base, upper, min_digits);
}

void fmt_vformat(fmt_put_fn put, void *ctx, const char *fmt, va_list ap) {
  for (const char *p = fmt; *p; p++) {
    if (*p != '%') {
      put(*p, ctx);
      continue;
    }
    struct spec sp = {0, ' ', 0};
    p++;
    if (*p == '-') {
      sp.left = 1;
      p++;
    }
    if (*p == '0') {
      sp.pad = '0';
      p++;
    }
    while (*p >= '0' && *p <= '9') sp.width = sp.width * 10u + (unsigned)(*p++ - '0');
    while (*p == 'l') p++; /* long is 32 bits here */
    switch (*p) {
      case 's': {
        const char *s = va_arg(ap, const char *);
        put_str(put, ctx, s ? s : "(null)", sp);
        break;
      }
      case 'c':
        put((char)va_arg(ap, int), ctx);
        break;
      case 'd': {
        int32_t v = va_arg(ap, int32_t);
        put_number(put, ctx, v < 0 ? (uint32_t)(-(v + 1)) + 1u : (uint32_t)v, 10, 0, v < 0, sp);
        break;
      }
      case 'u':
        put_number(put, ctx, va_arg(ap, uint32_t), 10, 0, 0, sp);
        break;
      case 'x':
      case 'X':
        put_number(put, ctx, va_arg(ap, uint32_t), 16, *p == 'X', 0, sp);
        break;
      case 'p':
        put('0', ctx);
        put('x', ctx);
        put_number(put, ctx, (uint32_t)(uintptr_t)va_arg(ap, void *), 16, 0, 0, (struct spec){8, '0', 0});
        break;
      case '%':
        put('%', ctx);
        break;
      case '\0':
        return;
      default:
        put('%', ctx);
        put(*p, ctx);
        break;
    }
  }
}

struct buf_ctx {
  char *buf;
  unsigned size, len;
};

static void put_buf(char c, void *ctx) {
  struct buf_ctx *b = ctx;
  if (b->len + 1 < b->size) b->buf[b->len++] = c;
}

int fmt_snprintf(char *buf, unsigned size, const char *fmt, ...) {
  struct buf_ctx b = {buf, size, 0};
  va_list ap;
  va_start(ap, fmt);
  fmt_vformat(put_buf, &b, fmt, ap);
  va_end(ap);
  if (size) buf[b.len] = '\0';
  return (int)b.len;
}
