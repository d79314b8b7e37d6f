/*
 * runner-warden's native addon: the *at() system calls Node lacks (dir-access.c) and the
 * working-copy probe of the build-dir walk (working-copy.c). Built by scripts/build-native.sh;
 * optional: without it the same work is done through /proc/self/fd paths.
 */
#include "napi-util.h"

static napi_status export_function(napi_env env, napi_value exports, const char *name, napi_callback callback) {
  napi_value fn;
  napi_status status = napi_create_function(env, name, NAPI_AUTO_LENGTH, callback, NULL, &fn);
  return status == napi_ok ? napi_set_named_property(env, exports, name, fn) : status;
}

NAPI_MODULE_INIT() {
  if (export_function(env, exports, "openAt", rw_open_at) != napi_ok) return NULL;
  if (export_function(env, exports, "lstatAt", rw_lstat_at) != napi_ok) return NULL;
  if (export_function(env, exports, "readlinkAt", rw_readlink_at) != napi_ok) return NULL;
  if (export_function(env, exports, "listAt", rw_list_at) != napi_ok) return NULL;
  if (export_function(env, exports, "aclAt", rw_acl_at) != napi_ok) return NULL;
  if (export_function(env, exports, "probeWorkingCopies", rw_probe_working_copies) != napi_ok) return NULL;
  return exports;
}
