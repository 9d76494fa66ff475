/* Leveled log lines on the console UART. Each line is written whole, with the prompt hidden around it. */
#include "log.h"

#include "board.h"
#include "fmt.h"
#include "shell.h"

volatile int g_log_level = LOG_LEVEL_INFO;

static const char level_letter[] = {'D', 'I', 'W', 'E'};

static void put_uart(char c, void *ctx) {
  (void)ctx;
  if (c == '\n') board_uart_putc('\r');
  board_uart_putc(c);
}

void log_write(enum log_level level, const char *fmt, ...) {
  if ((int)level < g_log_level) return;
  shell_output_begin();
  board_uart_putc(level_letter[level]);
  board_uart_putc(':');
  board_uart_putc(' ');
  va_list ap;
  va_start(ap, fmt);
  fmt_vformat(put_uart, 0, fmt, ap);
  va_end(ap);
  put_uart('\n', 0);
  shell_output_end();
}
