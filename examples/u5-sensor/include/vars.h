/* Named integer variables the console can read (`get`) and change (`set`). */
#ifndef VARS_H
#define VARS_H

#include <stdint.h>

struct var_def {
  const char *name;
  volatile int32_t *value; /* NULL for computed read-only values */
  int32_t (*read)(void);   /* used when value is NULL */
  int32_t min, max;        /* min > max marks a read-only variable */
  void (*changed)(void);   /* called after a successful `set`, may be NULL */
  const char *help;
};

extern const struct var_def g_vars[];
extern const unsigned g_var_count;

/* The variable called `name`, or NULL. */
const struct var_def *vars_find(const char *name);

int32_t vars_read(const struct var_def *v);

#endif
