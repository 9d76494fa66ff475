/* A simulated temperature sensor driven by a state machine, keeping its last readings in a ring buffer. */
#ifndef SENSOR_H
#define SENSOR_H

#include <stdint.h>

enum sensor_state {
  SENSOR_IDLE,    /* waiting for the next sampling time */
  SENSOR_WARMUP,  /* sensor powered, settling */
  SENSOR_SAMPLE,  /* taking a measurement */
  SENSOR_REPORT,  /* storing and logging the result */
};

struct sensor_reading {
  uint32_t seq;       /* 1, 2, 3 ... since boot */
  uint32_t t_ms;      /* uptime when sampled */
  int32_t centi_c;    /* temperature in 1/100 degree Celsius */
  uint8_t over_threshold;
};

#define SENSOR_RING_LEN 16u

struct reading_ring {
  struct sensor_reading items[SENSOR_RING_LEN];
  uint32_t head;  /* index of the next write */
  uint32_t count; /* valid entries, at most SENSOR_RING_LEN */
};

struct sensor {
  enum sensor_state state;
  uint32_t state_since_ms;
  uint32_t next_due_ms;
  uint32_t seq;
  uint32_t rng;
  int32_t current_centi_c;
  struct reading_ring ring;
};

/* Settings, changed at run time with `set NAME VALUE` on the console. */
extern volatile int32_t g_interval_ms; /* time between readings */
extern volatile int32_t g_threshold;   /* warning level in 1/100 degree C */
extern volatile int32_t g_busy;        /* extra processing per reading (simulated CPU load), in work units */

extern struct sensor g_sensor;

void sensor_init(struct sensor *s, uint32_t now_ms);

/* Advances the state machine; call often from the main loop. */
void sensor_step(struct sensor *s, uint32_t now_ms);

/* The reading `age` steps back (0 = newest), or 0 (NULL) when there is none. */
const struct sensor_reading *sensor_reading_at(const struct sensor *s, uint32_t age);

/* Mean of the last `n` readings in 1/100 degree C (0 when there are none). */
int32_t sensor_average(const struct sensor *s, uint32_t n);

/* Applies a changed interval now rather than after the pending reading. */
void sensor_reschedule(struct sensor *s, uint32_t now_ms);

const char *sensor_state_name(enum sensor_state st);

#endif
