/* Argument and result helpers shared by the addon's functions (see addon.c). */
#ifndef RUNNER_WARDEN_NAPI_UTIL_H
#define RUNNER_WARDEN_NAPI_UTIL_H

#define NAPI_VERSION 8
#include <errno.h>
#include <limits.h>
#include <node_api.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

/*
 * Copies a one-component name from a Buffer into out (NUL-terminated), or returns -errno when it
 * is not one: empty, ".", "..", holding '/' or NUL, or longer than NAME_MAX. The JS side checks
 * the same before calling; this is the second lock on the same door.
 */
static inline int rw_component(napi_env env, napi_value value, char out[NAME_MAX + 1]) {
  bool is_buffer = false;
  void *data = NULL;
  size_t length = 0;
  if (napi_is_buffer(env, value, &is_buffer) != napi_ok || !is_buffer) return -EINVAL;
  if (napi_get_buffer_info(env, value, &data, &length) != napi_ok) return -EINVAL;
  if (length == 0) return -EINVAL;
  if (length > NAME_MAX) return -ENAMETOOLONG;
  if (memchr(data, '/', length) != NULL || memchr(data, '\0', length) != NULL) return -EINVAL;
  if ((length == 1 && ((char *)data)[0] == '.') || (length == 2 && memcmp(data, "..", 2) == 0)) return -EINVAL;
  memcpy(out, data, length);
  out[length] = '\0';
  return 0;
}

/* The call's arguments into argv; false unless there are exactly `count`. */
static inline bool rw_args(napi_env env, napi_callback_info info, napi_value *argv, size_t count) {
  size_t argc = count;
  return napi_get_cb_info(env, info, &argc, argv, NULL, NULL) == napi_ok && argc == count;
}

static inline int rw_int_arg(napi_env env, napi_value value, int32_t *out) {
  return napi_get_value_int32(env, value, out) == napi_ok ? 0 : -EINVAL;
}

/* A Float64Array of at least `slots` elements. */
static inline int rw_float64_arg(napi_env env, napi_value value, size_t slots, double **out) {
  napi_typedarray_type type;
  size_t length = 0;
  void *data = NULL;
  if (napi_get_typedarray_info(env, value, &type, &length, &data, NULL, NULL) != napi_ok) return -EINVAL;
  if (type != napi_float64_array || length < slots) return -EINVAL;
  *out = data;
  return 0;
}

static inline int rw_buffer_arg(napi_env env, napi_value value, void **data, size_t *length) {
  bool is_buffer = false;
  if (napi_is_buffer(env, value, &is_buffer) != napi_ok || !is_buffer) return -EINVAL;
  return napi_get_buffer_info(env, value, data, length) == napi_ok ? 0 : -EINVAL;
}

static inline napi_value rw_int_result(napi_env env, int64_t value) {
  napi_value out = NULL;
  napi_create_int64(env, value, &out);
  return out;
}

/* Milliseconds since the epoch, whole, as lstat's mtimeMs is after Math.trunc. */
static inline double rw_mtime_ms(const struct timespec *time) {
  return (double)time->tv_sec * 1e3 + (double)(time->tv_nsec / 1000000);
}

napi_value rw_open_at(napi_env env, napi_callback_info info);
napi_value rw_lstat_at(napi_env env, napi_callback_info info);
napi_value rw_readlink_at(napi_env env, napi_callback_info info);
napi_value rw_list_at(napi_env env, napi_callback_info info);
napi_value rw_acl_at(napi_env env, napi_callback_info info);
napi_value rw_probe_working_copies(napi_env env, napi_callback_info info);

#endif
