/* The table of console variables: tunables of the sensor loop and a few read-only facts. */
#include "vars.h"

#include "log.h"
#include "sensor.h"
#include "systick.h"

static volatile int32_t log_level_var = LOG_LEVEL_INFO;

static int32_t read_uptime(void) { return (int32_t)millis(); }
static int32_t read_readings(void) { return (int32_t)g_sensor.seq; }
static int32_t read_state(void) { return (int32_t)g_sensor.state; }
static int32_t read_avg(void) { return sensor_average(&g_sensor, SENSOR_RING_LEN); }
static void interval_changed(void) { sensor_reschedule(&g_sensor, millis()); }
static void log_level_changed(void) { g_log_level = (int)log_level_var; }

const struct var_def g_vars[] = {
    {"interval_ms", &g_interval_ms, 0, 20, 600000, interval_changed, "time between readings"},
    {"threshold", &g_threshold, 0, -4000, 12500, 0, "warning level, 1/100 degree C"},
    {"busy", &g_busy, 0, 0, 5000000, 0, "simulated processing per reading"},
    {"log_level", &log_level_var, 0, 0, 3, log_level_changed, "0 debug, 1 info, 2 warn, 3 error"},
    {"uptime_ms", 0, read_uptime, 1, 0, 0, "milliseconds since boot (read-only)"},
    {"readings", 0, read_readings, 1, 0, 0, "readings taken since boot (read-only)"},
    {"state", 0, read_state, 1, 0, 0, "sensor state: 0 idle, 1 warmup, 2 sample, 3 report (read-only)"},
    {"avg", 0, read_avg, 1, 0, 0, "mean of the buffered readings, 1/100 degree C (read-only)"},
};

const unsigned g_var_count = sizeof g_vars / sizeof g_vars[0];

static int same(const char *a, const char *b) {
  while (*a && *a == *b) {
    a++;
    b++;
  }
  return *a == *b;
}

const struct var_def *vars_find(const char *name) {
  for (unsigned i = 0; i < g_var_count; i++)
    if (same(g_vars[i].name, name)) return &g_vars[i];
  return 0;
}

int32_t vars_read(const struct var_def *v) { return v->value ? *v->value : v->read(); }
