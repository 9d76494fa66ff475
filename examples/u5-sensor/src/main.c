/* u5-sensor: a sensor node that samples, logs over the UART and answers console commands. */
#include "board.h"
#include "fwinfo.h"
#include "log.h"
#include "sensor.h"
#include "shell.h"
#include "systick.h"

static void poll_console(void) {
  int c;
  while ((c = board_uart_getc()) >= 0) shell_rx((char)c);
}

int main(void) {
  board_init();

  char build_id[41];
  fwinfo_build_id(build_id, sizeof build_id);
  LOG_I("boot: %s %s build %s on %s", FW_APP_NAME, fw_version, build_id, board_name);

  sensor_init(&g_sensor, millis());
  shell_init();
  LOG_I("%s %s ready (type 'help')", FW_APP_NAME, fw_version);

  for (;;) {
    poll_console();
    sensor_step(&g_sensor, millis());
    /* Sleep only when the sensor has nothing to do this millisecond; SysTick or UART input wakes us. */
    if (g_sensor.state == SENSOR_IDLE || g_sensor.state == SENSOR_WARMUP) board_idle();
  }
}
