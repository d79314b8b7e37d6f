/*
 * openat(2), fstatat(2) and readlinkat(2) of one child of an open directory, for safe-fs
 * (agent/lib/dir-syscalls.ts).
 *
 * Node has no *at() calls, so its portable path reaches a child through /proc/self/fd/N/name:
 * correct, but every call pays for a walk through procfs. These do the same step directly
 * against the directory fd. They never follow a symlink in the child (O_NOFOLLOW,
 * AT_SYMLINK_NOFOLLOW) and take one path component only. listAt reads a directory's entries
 * in one call instead of one JS object per entry. aclAt reads a POSIX access ACL, which Node
 * has no call for at all.
 *
 * Errors are returned as negative errno values, not thrown: absent children are the common case
 * in a walk, and a JS exception per miss costs a stack trace.
 */
#define _GNU_SOURCE
#include "napi-util.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

/* Slots of the Float64Array lstatAt fills; agent/lib/dir-syscalls.ts reads the same order. */
enum { ST_MODE, ST_UID, ST_GID, ST_SIZE, ST_MTIME_MS, ST_DEV, ST_INO, ST_NLINK, ST_SLOTS };

/* openAt(dirFd, name, flags) -> fd or -errno. O_NOFOLLOW and O_CLOEXEC are always added. */
napi_value rw_open_at(napi_env env, napi_callback_info info) {
  napi_value argv[3];
  char name[NAME_MAX + 1];
  int32_t dir_fd = -1, flags = 0;
  if (!rw_args(env, info, argv, 3)) return rw_int_result(env, -EINVAL);
  if (rw_int_arg(env, argv[0], &dir_fd) || rw_int_arg(env, argv[2], &flags)) return rw_int_result(env, -EINVAL);
  int status = rw_component(env, argv[1], name);
  if (status != 0) return rw_int_result(env, status);
  int fd;
  do fd = openat(dir_fd, name, flags | O_NOFOLLOW | O_CLOEXEC);
  while (fd < 0 && errno == EINTR);
  return rw_int_result(env, fd < 0 ? -errno : fd);
}

/* lstatAt(dirFd, name, out: Float64Array(8)) -> 0 or -errno; never follows the child. */
napi_value rw_lstat_at(napi_env env, napi_callback_info info) {
  napi_value argv[3];
  char name[NAME_MAX + 1];
  int32_t dir_fd = -1;
  double *out = NULL;
  if (!rw_args(env, info, argv, 3)) return rw_int_result(env, -EINVAL);
  if (rw_int_arg(env, argv[0], &dir_fd) || rw_float64_arg(env, argv[2], ST_SLOTS, &out)) return rw_int_result(env, -EINVAL);
  int status = rw_component(env, argv[1], name);
  if (status != 0) return rw_int_result(env, status);
  struct stat st;
  if (fstatat(dir_fd, name, &st, AT_SYMLINK_NOFOLLOW) != 0) return rw_int_result(env, -errno);
  out[ST_MODE] = (double)st.st_mode;
  out[ST_UID] = (double)st.st_uid;
  out[ST_GID] = (double)st.st_gid;
  out[ST_SIZE] = (double)st.st_size;
  out[ST_MTIME_MS] = rw_mtime_ms(&st.st_mtim);
  out[ST_DEV] = (double)st.st_dev;
  out[ST_INO] = (double)st.st_ino;
  out[ST_NLINK] = (double)st.st_nlink;
  return rw_int_result(env, 0);
}

/* readlinkAt(dirFd, name, out: Buffer) -> bytes written (at most out.length) or -errno. */
napi_value rw_readlink_at(napi_env env, napi_callback_info info) {
  napi_value argv[3];
  char name[NAME_MAX + 1];
  int32_t dir_fd = -1;
  void *data = NULL;
  size_t capacity = 0;
  if (!rw_args(env, info, argv, 3)) return rw_int_result(env, -EINVAL);
  if (rw_int_arg(env, argv[0], &dir_fd) || rw_buffer_arg(env, argv[2], &data, &capacity)) return rw_int_result(env, -EINVAL);
  int status = rw_component(env, argv[1], name);
  if (status != 0) return rw_int_result(env, status);
  ssize_t length = readlinkat(dir_fd, name, data, capacity);
  return rw_int_result(env, length < 0 ? -errno : length);
}

/* A growing byte buffer for listAt's records. */
struct records {
  unsigned char *data;
  size_t length, capacity;
};

/* Room for `more` bytes after what `out` holds. */
static int reserve(struct records *out, size_t more) {
  if (out->length + more <= out->capacity) return 0;
  size_t capacity = out->capacity ? out->capacity * 2 : 16384;
  while (capacity < out->length + more) capacity *= 2;
  unsigned char *grown = realloc(out->data, capacity);
  if (grown == NULL) return -ENOMEM;
  out->data = grown;
  out->capacity = capacity;
  return 0;
}

static int append(struct records *out, unsigned char type, const char *name, size_t length) {
  if (reserve(out, 2 + length) != 0) return -ENOMEM;
  out->data[out->length++] = type;
  out->data[out->length++] = (unsigned char)length;
  memcpy(out->data + out->length, name, length);
  out->length += length;
  return 0;
}

/*
 * listAt(dirFd, maxEntries) -> Buffer or -errno. The buffer is one byte (1: more entries than
 * maxEntries, the rest unread) then one record per entry but "." and "..": d_type (a byte),
 * name length (a byte: names are at most NAME_MAX) and the name's bytes. The directory is read
 * through a fresh open of "." relative to dirFd, so the fd's own offset is never moved.
 */
napi_value rw_list_at(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  int32_t dir_fd = -1, max_entries = 0;
  if (!rw_args(env, info, argv, 2)) return rw_int_result(env, -EINVAL);
  if (rw_int_arg(env, argv[0], &dir_fd) || rw_int_arg(env, argv[1], &max_entries) || max_entries < 0) return rw_int_result(env, -EINVAL);
  int fd;
  do fd = openat(dir_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  while (fd < 0 && errno == EINTR);
  if (fd < 0) return rw_int_result(env, -errno);
  DIR *dir = fdopendir(fd);
  if (dir == NULL) {
    int error = errno;
    close(fd);
    return rw_int_result(env, -error);
  }
  struct records out = {0};
  int status = reserve(&out, 1);
  if (status == 0) out.data[out.length++] = 0; /* the "more entries" flag */
  int32_t count = 0;
  struct dirent *entry;
  errno = 0;
  while (status == 0 && (entry = readdir(dir)) != NULL) {
    const char *name = entry->d_name;
    if (name[0] == '.' && (name[1] == '\0' || (name[1] == '.' && name[2] == '\0'))) continue;
    if (count == max_entries) {
      out.data[0] = 1;
      break;
    }
    status = append(&out, entry->d_type, name, strlen(name));
    count++;
    errno = 0;
  }
  if (status == 0 && entry == NULL && errno != 0) status = -errno;
  closedir(dir);
  napi_value result = NULL;
  if (status == 0 && napi_create_buffer_copy(env, out.length, out.data, NULL, &result) != napi_ok) status = -ENOMEM;
  free(out.data);
  return status == 0 ? result : rw_int_result(env, status);
}

/*
 * aclAt(fd, name | null, out: Buffer) -> bytes of the system.posix_acl_access xattr, or -errno
 * (-ENODATA: no extended ACL). With a name, the child of directory fd is asked through
 * /proc/self/fd/<fd>/<name> with lgetxattr, which does not follow the child: there is no
 * lgetxattrat before Linux 6.13, and the magic link resolves to the very directory fd holds.
 * Without a name, the open file fd itself is asked.
 */
napi_value rw_acl_at(napi_env env, napi_callback_info info) {
  napi_value argv[3];
  char name[NAME_MAX + 1];
  int32_t fd = -1;
  void *data = NULL;
  size_t capacity = 0;
  napi_valuetype name_type;
  if (!rw_args(env, info, argv, 3)) return rw_int_result(env, -EINVAL);
  if (rw_int_arg(env, argv[0], &fd) || rw_buffer_arg(env, argv[2], &data, &capacity)) return rw_int_result(env, -EINVAL);
  if (napi_typeof(env, argv[1], &name_type) != napi_ok) return rw_int_result(env, -EINVAL);
  ssize_t length;
  if (name_type == napi_null) {
    length = fgetxattr(fd, "system.posix_acl_access", data, capacity);
  } else {
    int status = rw_component(env, argv[1], name);
    if (status != 0) return rw_int_result(env, status);
    char path[sizeof "/proc/self/fd/" + 12 + NAME_MAX + 1];
    snprintf(path, sizeof path, "/proc/self/fd/%d/%s", (int)fd, name);
    length = lgetxattr(path, "system.posix_acl_access", data, capacity);
  }
  return rw_int_result(env, length < 0 ? -errno : length);
}
