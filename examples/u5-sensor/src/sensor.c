/* Simulated temperature sensor: a state machine paced by the tick counter, readings kept in a ring buffer. */
#include "sensor.h"

#include "log.h"

#define WARMUP_MS 5u
#define BASE_CENTI_C 2300
#define SPREAD_CENTI_C 800

volatile int32_t g_interval_ms = 1000;
volatile int32_t g_threshold = 2800;
volatile int32_t g_busy = 0;

struct sensor g_sensor;

static const char *const state_names[] = {"idle", "warmup", "sample", "report"};

const char *sensor_state_name(enum sensor_state st) {
  return (unsigned)st < sizeof state_names / sizeof state_names[0] ? state_names[st] : "?";
}

static void enter(struct sensor *s, enum sensor_state st, uint32_t now_ms) {
  s->state = st;
  s->state_since_ms = now_ms;
}

/* xorshift32: cheap, deterministic noise for the simulated measurement. */
static uint32_t next_random(struct sensor *s) {
  uint32_t x = s->rng;
  x ^= x << 13;
  x ^= x >> 17;
  x ^= x << 5;
  s->rng = x;
  return x;
}

/* Stands in for signal processing; `busy` scales it so there is something to see in a profiler or debugger. */
static uint32_t process_samples(uint32_t work) {
  volatile uint32_t acc = 0;
  for (uint32_t i = 0; i < work; i++) acc += i ^ (acc >> 3);
  return acc;
}

static int32_t measure(struct sensor *s) {
  int32_t step = (int32_t)(next_random(s) % 41u) - 20; /* random walk, +-0.20 C */
  int32_t v = s->current_centi_c + step;
  /* Drift back towards the base temperature so the walk stays in a plausible band. */
  if (v > BASE_CENTI_C + SPREAD_CENTI_C || v < BASE_CENTI_C - SPREAD_CENTI_C) v -= step * 2;
  s->current_centi_c = v;
  if (g_busy > 0) (void)process_samples((uint32_t)g_busy);
  return v;
}

static void ring_push(struct reading_ring *r, const struct sensor_reading *rd) {
  r->items[r->head] = *rd;
  r->head = (r->head + 1u) % SENSOR_RING_LEN;
  if (r->count < SENSOR_RING_LEN) r->count++;
}

const struct sensor_reading *sensor_reading_at(const struct sensor *s, uint32_t age) {
  if (age >= s->ring.count) return 0;
  uint32_t idx = (s->ring.head + SENSOR_RING_LEN - 1u - age) % SENSOR_RING_LEN;
  return &s->ring.items[idx];
}

/* Sum of the readings from `age` back to `age + n - 1`, newest first. */
static int32_t sum_readings(const struct sensor *s, uint32_t age, uint32_t n) {
  if (n == 0) return 0;
  const struct sensor_reading *rd = sensor_reading_at(s, age);
  if (!rd) return 0;
  return rd->centi_c + sum_readings(s, age + 1u, n - 1u);
}

int32_t sensor_average(const struct sensor *s, uint32_t n) {
  if (n > s->ring.count) n = s->ring.count;
  if (n == 0) return 0;
  return sum_readings(s, 0, n) / (int32_t)n;
}

void sensor_init(struct sensor *s, uint32_t now_ms) {
  *s = (struct sensor){0};
  s->rng = 0x2545F491u ^ now_ms;
  s->current_centi_c = BASE_CENTI_C;
  s->next_due_ms = now_ms + (uint32_t)g_interval_ms;
  enter(s, SENSOR_IDLE, now_ms);
}

void sensor_reschedule(struct sensor *s, uint32_t now_ms) {
  if (s->state == SENSOR_IDLE) s->next_due_ms = now_ms + (uint32_t)g_interval_ms;
}

static void report(struct sensor *s, uint32_t now_ms) {
  struct sensor_reading rd = {
      .seq = ++s->seq,
      .t_ms = s->state_since_ms,
      .centi_c = s->current_centi_c,
      .over_threshold = s->current_centi_c > g_threshold,
  };
  ring_push(&s->ring, &rd);
  int32_t avg = sensor_average(s, SENSOR_RING_LEN);
  LOG_I("reading #%lu t=%lu temp=%ld.%02ld avg=%ld.%02ld", rd.seq, rd.t_ms, rd.centi_c / 100, rd.centi_c % 100,
        avg / 100, avg % 100);
  if (rd.over_threshold)
    LOG_W("temperature %ld.%02ld above threshold %ld.%02ld", rd.centi_c / 100, rd.centi_c % 100, g_threshold / 100,
          g_threshold % 100);
  (void)now_ms;
}

void sensor_step(struct sensor *s, uint32_t now_ms) {
  switch (s->state) {
    case SENSOR_IDLE:
      if ((int32_t)(now_ms - s->next_due_ms) >= 0) {
        /* Keep a steady cadence; after a stall (debugger halt) restart from now instead of catching up. */
        s->next_due_ms += (uint32_t)g_interval_ms;
        if ((int32_t)(now_ms - s->next_due_ms) >= 0) s->next_due_ms = now_ms + (uint32_t)g_interval_ms;
        enter(s, SENSOR_WARMUP, now_ms);
      }
      break;
    case SENSOR_WARMUP:
      if (now_ms - s->state_since_ms >= WARMUP_MS) enter(s, SENSOR_SAMPLE, now_ms);
      break;
    case SENSOR_SAMPLE:
      (void)measure(s);
      enter(s, SENSOR_REPORT, now_ms);
      break;
    case SENSOR_REPORT:
      report(s, now_ms);
      enter(s, SENSOR_IDLE, now_ms);
      break;
  }
}
