/* Command interpreter on the console UART, for people (echo, prompt, line editing) and programs
   (framed requests with tagged replies and an exit code; see README.md "Console protocol"). */
#ifndef SHELL_H
#define SHELL_H

void shell_init(void);

/* Feeds one received byte. */
void shell_rx(char c);

/* Around any asynchronous output (log lines): hide the prompt and the half-typed line, then redraw them. */
void shell_output_begin(void);
void shell_output_end(void);

/* Command output: in a framed request every line gets the request's tag. Use "\n" for line ends. */
void shell_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Runs `action` once the reply to the current command is complete (reboot, fault: after the exit code). */
void shell_after_reply(void (*action)(int arg), int arg);

#endif
