/* Leveled log lines on the console UART: "I: text", "W: text", "E: text", "D: text". */
#ifndef LOG_H
#define LOG_H

enum log_level { LOG_LEVEL_DEBUG, LOG_LEVEL_INFO, LOG_LEVEL_WARN, LOG_LEVEL_ERROR };

/* Lines below this level are not printed (settable with `set log_level N`). */
extern volatile int g_log_level;

void log_write(enum log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#define LOG_D(...) log_write(LOG_LEVEL_DEBUG, __VA_ARGS__)
#define LOG_I(...) log_write(LOG_LEVEL_INFO, __VA_ARGS__)
#define LOG_W(...) log_write(LOG_LEVEL_WARN, __VA_ARGS__)
#define LOG_E(...) log_write(LOG_LEVEL_ERROR, __VA_ARGS__)

#endif
