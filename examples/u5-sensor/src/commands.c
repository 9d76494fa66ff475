/* Console commands. Each returns an exit code (commands.h) and prints through shell_printf. */
#include "commands.h"

#include "board.h"
#include "fault.h"
#include "fwinfo.h"
#include "log.h"
#include "sensor.h"
#include "shell.h"
#include "systick.h"
#include "vars.h"

struct command {
  const char *name;
  int (*run)(int argc, char **argv);
  const char *usage;
  const char *help;
};

static int same(const char *a, const char *b) {
  while (*a && *a == *b) {
    a++;
    b++;
  }
  return *a == *b;
}

/* Parses an optionally negative decimal integer; returns 0 on anything else. */
static int parse_int(const char *s, int32_t *out) {
  int negative = *s == '-';
  if (negative) s++;
  if (!*s) return 0;
  int64_t v = 0;
  for (; *s; s++) {
    if (*s < '0' || *s > '9') return 0;
    v = v * 10 + (*s - '0');
    if (v > 0x7fffffffLL) return 0;
  }
  *out = (int32_t)(negative ? -v : v);
  return 1;
}

static int cmd_help(int argc, char **argv);

static int cmd_version(int argc, char **argv) {
  (void)argc;
  (void)argv;
  char id[41];
  fwinfo_build_id(id, sizeof id);
  shell_printf("app %s\nversion %s\nbuild-id %s\nboard %s\n", FW_APP_NAME, fw_version, id, board_name);
  return EXIT_OK;
}

static void print_var(const struct var_def *v) { shell_printf("%s %ld\n", v->name, vars_read(v)); }

static int cmd_get(int argc, char **argv) {
  if (argc == 1) {
    for (unsigned i = 0; i < g_var_count; i++) print_var(&g_vars[i]);
    return EXIT_OK;
  }
  int code = EXIT_OK;
  for (int i = 1; i < argc; i++) {
    const struct var_def *v = vars_find(argv[i]);
    if (v) {
      print_var(v);
    } else {
      shell_printf("unknown variable '%s' (try 'get')\n", argv[i]);
      code = EXIT_FAILED;
    }
  }
  return code;
}

static int cmd_set(int argc, char **argv) {
  if (argc != 3) {
    shell_printf("usage: set NAME VALUE\n");
    return EXIT_USAGE;
  }
  const struct var_def *v = vars_find(argv[1]);
  if (!v) {
    shell_printf("unknown variable '%s' (try 'get')\n", argv[1]);
    return EXIT_FAILED;
  }
  if (!v->value || v->min > v->max) {
    shell_printf("%s is read-only\n", v->name);
    return EXIT_FAILED;
  }
  int32_t value;
  if (!parse_int(argv[2], &value) || value < v->min || value > v->max) {
    shell_printf("%s must be an integer from %ld to %ld\n", v->name, v->min, v->max);
    return EXIT_FAILED;
  }
  *v->value = value;
  if (v->changed) v->changed();
  print_var(v);
  return EXIT_OK;
}

static int cmd_readings(int argc, char **argv) {
  (void)argc;
  (void)argv;
  for (uint32_t age = 0;; age++) {
    const struct sensor_reading *rd = sensor_reading_at(&g_sensor, age);
    if (!rd) break;
    shell_printf("#%lu t=%lu temp=%ld.%02ld%s\n", rd->seq, rd->t_ms, rd->centi_c / 100, rd->centi_c % 100,
                 rd->over_threshold ? " over-threshold" : "");
  }
  return EXIT_OK;
}

static void do_reboot(int arg) {
  (void)arg;
  board_uart_flush();
  board_reset();
}

static int cmd_reboot(int argc, char **argv) {
  (void)argc;
  (void)argv;
  shell_printf("rebooting\n");
  shell_after_reply(do_reboot, 0);
  return EXIT_OK;
}

static void do_fault(int kind) { fault_trigger((enum fault_kind)kind); }

static int cmd_fault(int argc, char **argv) {
  enum fault_kind kind = FAULT_UNDEFINED_INSTRUCTION;
  if (argc > 2) {
    shell_printf("usage: fault [udf|bus|div0]\n");
    return EXIT_USAGE;
  }
  if (argc == 2) {
    if (same(argv[1], "bus")) kind = FAULT_BUS_ERROR;
    else if (same(argv[1], "div0")) kind = FAULT_DIVIDE_BY_ZERO;
    else if (!same(argv[1], "udf")) {
      shell_printf("usage: fault [udf|bus|div0]\n");
      return EXIT_USAGE;
    }
  }
  shell_printf("triggering a HardFault (%s)\n", argc == 2 ? argv[1] : "udf");
  shell_after_reply(do_fault, (int)kind);
  return EXIT_OK;
}

static const struct command commands[] = {
    {"help", cmd_help, "help", "list commands and variables"},
    {"version", cmd_version, "version", "firmware version, build id and board"},
    {"get", cmd_get, "get [NAME]...", "print variables (all without NAME)"},
    {"set", cmd_set, "set NAME VALUE", "change a variable"},
    {"readings", cmd_readings, "readings", "buffered readings, newest first"},
    {"reboot", cmd_reboot, "reboot", "reset the system"},
    {"fault", cmd_fault, "fault [udf|bus|div0]", "crash on purpose (HardFault) to try the debugger"},
};

#define COMMAND_COUNT (sizeof commands / sizeof commands[0])

static int cmd_help(int argc, char **argv) {
  (void)argc;
  (void)argv;
  for (unsigned i = 0; i < COMMAND_COUNT; i++) shell_printf("%-22s %s\n", commands[i].usage, commands[i].help);
  shell_printf("variables:\n");
  for (unsigned i = 0; i < g_var_count; i++) shell_printf("  %-12s %s\n", g_vars[i].name, g_vars[i].help);
  return EXIT_OK;
}

int commands_run(int argc, char **argv) {
  for (unsigned i = 0; i < COMMAND_COUNT; i++)
    if (same(commands[i].name, argv[0])) return commands[i].run(argc, argv);
  shell_printf("unknown command '%s' (try 'help')\n", argv[0]);
  return EXIT_UNKNOWN_COMMAND;
}
