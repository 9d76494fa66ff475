/* Console line discipline: echo and editing for people, tagged framed requests for programs.
   A framed request is [SOH] "@TAG command args" LF; every reply line is "@TAG text", the last "@TAG #end CODE". */
#include "shell.h"

#include "board.h"
#include "commands.h"
#include "fmt.h"
#include "log.h"

#define LINE_MAX 120
#define TAG_MAX 16
#define SOH 0x01
#define CTRL_C 0x03
#define ESC 0x1b

static const char prompt[] = "> ";

static char line[LINE_MAX];      /* what a person is typing */
static unsigned line_len;
static int interactive;          /* a person has typed something: show the prompt from now on */
static char request[LINE_MAX];   /* a framed request being received */
static unsigned request_len;
static int in_request;
static int request_overflow;
static char last_rx;
static int esc_state;            /* skipping a terminal escape sequence (arrow keys) */
static int hidden_depth;         /* nesting of shell_output_begin */
static const char *reply_tag;    /* set while a framed request runs */
static int at_line_start = 1;
static void (*after_reply)(int);
static int after_reply_arg;

static int prompt_visible(void) { return interactive || line_len > 0; }

static void raw_puts(const char *s) {
  while (*s) board_uart_putc(*s++);
}

static void redraw(void) {
  if (interactive) raw_puts(prompt);
  for (unsigned i = 0; i < line_len; i++) board_uart_putc(line[i]);
}

void shell_output_begin(void) {
  /* Carriage return + erase line, so the log line replaces the prompt instead of following it. */
  if (hidden_depth++ == 0 && prompt_visible()) raw_puts("\r\x1b[K");
}

void shell_output_end(void) {
  if (--hidden_depth == 0 && prompt_visible()) redraw();
}

static void put_reply(char c, void *ctx) {
  (void)ctx;
  if (at_line_start && reply_tag) {
    board_uart_putc('@');
    raw_puts(reply_tag);
    board_uart_putc(' ');
  }
  at_line_start = 0;
  if (c == '\n') {
    board_uart_putc('\r');
    at_line_start = 1;
  }
  board_uart_putc(c);
}

void shell_printf(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fmt_vformat(put_reply, 0, fmt, ap);
  va_end(ap);
}

void shell_after_reply(void (*action)(int arg), int arg) {
  after_reply = action;
  after_reply_arg = arg;
}

static int is_space(char c) { return c == ' ' || c == '\t'; }

/* Splits in place on blanks; returns the argument count. */
static int split_args(char *s, char **argv) {
  int argc = 0;
  while (*s && argc < COMMAND_MAX_ARGS) {
    while (is_space(*s)) *s++ = '\0';
    if (!*s) break;
    argv[argc++] = s;
    while (*s && !is_space(*s)) s++;
  }
  return argc;
}

static int run_line(char *text) {
  char *argv[COMMAND_MAX_ARGS];
  int argc = split_args(text, argv);
  return argc == 0 ? EXIT_OK : commands_run(argc, argv);
}

static void run_deferred(void) {
  void (*action)(int) = after_reply;
  after_reply = 0;
  if (action) action(after_reply_arg);
}

static int is_tag_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-' ||
         c == '.';
}

static void finish_request(void) {
  request[request_len] = '\0';
  in_request = 0;
  unsigned tag_end = 1;
  while (tag_end < request_len && is_tag_char(request[tag_end])) tag_end++;
  int tag_len = (int)tag_end - 1;
  if (request_overflow || request[0] != '@' || tag_len < 1 || tag_len > TAG_MAX ||
      (tag_end < request_len && request[tag_end] != ' ')) {
    LOG_W("console: malformed framed request ignored");
    return;
  }
  request[tag_end] = '\0';
  shell_output_begin();
  reply_tag = &request[1];
  at_line_start = 1;
  int code = run_line(&request[tag_end + 1 <= request_len ? tag_end + 1 : tag_end]);
  if (!at_line_start) put_reply('\n', 0);
  shell_printf("#end %d\n", code);
  reply_tag = 0;
  shell_output_end();
  run_deferred();
}

static void finish_line(void) {
  raw_puts("\r\n");
  line[line_len] = '\0';
  line_len = 0;
  interactive = 1;
  hidden_depth++; /* the prompt is not on screen while the command prints */
  at_line_start = 1;
  (void)run_line(line);
  if (!at_line_start) put_reply('\n', 0);
  hidden_depth--;
  raw_puts(prompt);
  run_deferred();
}

static void request_rx(char c) {
  if (c == '\r' || c == '\n') {
    finish_request();
  } else if (c == CTRL_C) {
    in_request = 0;
  } else if (request_len + 1 < LINE_MAX) {
    request[request_len++] = c;
  } else {
    request_overflow = 1;
  }
}

static void interactive_rx(char c) {
  if (esc_state) {
    /* ESC [ ... final byte (0x40-0x7e): cursor keys and the like are ignored. */
    if (esc_state == 1 && c == '[') esc_state = 2;
    else if (esc_state == 1 || (c >= 0x40 && c <= 0x7e)) esc_state = 0;
    return;
  }
  if (c == '\r' || c == '\n') {
    finish_line();
  } else if (c == '\b' || c == 0x7f) {
    if (line_len > 0) {
      line_len--;
      raw_puts("\b \b");
    }
  } else if (c == CTRL_C) {
    line_len = 0;
    interactive = 1;
    raw_puts("^C\r\n");
    raw_puts(prompt);
  } else if (c == ESC) {
    esc_state = 1;
  } else if (c >= 0x20 && c < 0x7f && line_len + 1 < LINE_MAX) {
    line[line_len++] = c;
    board_uart_putc(c);
  }
}

void shell_rx(char c) {
  char prev = last_rx;
  last_rx = c;
  if (c == '\n' && prev == '\r') return; /* CR LF is one line end */
  if (c == SOH || (c == '@' && !in_request && line_len == 0)) {
    in_request = 1;
    request_overflow = 0;
    request_len = 0;
    if (c == '@') request[request_len++] = c;
    return;
  }
  if (in_request)
    request_rx(c);
  else
    interactive_rx(c);
}

void shell_init(void) {
  line_len = 0;
  in_request = 0;
  interactive = 0;
}
