/*
 * The working-copy probe of the build-dir walk (collectors/system/git-dir-probe.ts), a batch of
 * projects at a time.
 *
 * A builds dir of 20,000 projects means 20,000 .git dirs to look at, ten system calls each:
 * open <project>/.git (openat2, refusing symlinks at both components) and fstat it, lstat config,
 * open + fstat + read + close config, lstat modules and index, close .git. Anything but a plain
 * .git directory takes the step-by-step path: open the project dir, lstat .git, open it. Made one by one from JS, each call costs more in
 * crossings than in the kernel; here a batch of projects is one crossing, and the batch is
 * shared by a few threads, one per core, since the kernel work runs in parallel. The steps and
 * their safety rules are those of the portable probe in git-dir-probe.ts, which the tests hold both to:
 * - every step is relative to the fd of the step before, and nothing is followed
 *   (O_NOFOLLOW, AT_SYMLINK_NOFOLLOW): a symlinked .git or config is reported, never entered;
 * - config is lstat'ed before it is opened, and opened O_NONBLOCK: a FIFO or a device node
 *   named config is never opened, and one swapped in after the lstat is caught by the fstat;
 * - at most configBytes bytes of config are read.
 */
#define _GNU_SOURCE
#include "napi-util.h"

#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

/* Slots each probe fills in the Float64Array of probeWorkingCopies; git-dir-probe.ts reads the same order. */
enum {
  WC_FOUND,         /* 1: name has a .git (dir, file or symlink); 0: not a working copy, walk it */
  WC_GIT_MODE,      /* st_mode of .git (lstat, or fstat of the .git openat2 opened) */
  WC_GIT_MTIME_MS,  /* its mtime */
  WC_GIT_ERRNO,     /* errno opening .git as a directory, 0 when it opened (or was not a dir) */
  WC_CONFIG_MODE,   /* st_mode of .git/config from lstat, 0 when absent */
  WC_CONFIG_ERRNO,  /* errno opening, fstat'ing or reading config, 0 when read */
  WC_CONFIG_FMODE,  /* st_mode of the opened config, from fstat */
  WC_CONFIG_SIZE,   /* its size, from fstat */
  WC_CONFIG_BYTES,  /* bytes read into the config buffer */
  WC_MODULES_MODE,  /* st_mode of .git/modules, 0 when absent */
  WC_INDEX_MODE,    /* st_mode of .git/index, 0 when absent */
  WC_INDEX_SIZE,    /* its size */
  WC_SLOTS
};

static int open_dir_at(int dir_fd, const char *name) {
  int fd;
  do fd = openat(dir_fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  while (fd < 0 && errno == EINTR);
  return fd;
}

static double mode_of(int dir_fd, const char *name, struct stat *st) {
  return fstatat(dir_fd, name, st, AT_SYMLINK_NOFOLLOW) == 0 ? (double)st->st_mode : 0;
}

/* Reads config from an open .git dir into buffer; fills the config slots. */
static void read_config(int git_fd, double *out, unsigned char *buffer, size_t capacity) {
  struct stat st;
  out[WC_CONFIG_MODE] = mode_of(git_fd, "config", &st);
  if (out[WC_CONFIG_MODE] == 0 || !S_ISREG(st.st_mode)) return;
  int fd;
  do fd = openat(git_fd, "config", O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
  while (fd < 0 && errno == EINTR);
  if (fd < 0) {
    out[WC_CONFIG_ERRNO] = errno;
    return;
  }
  if (fstat(fd, &st) != 0) {
    out[WC_CONFIG_ERRNO] = errno;
  } else {
    out[WC_CONFIG_FMODE] = (double)st.st_mode;
    out[WC_CONFIG_SIZE] = (double)st.st_size;
    size_t offset = 0;
    while (S_ISREG(st.st_mode) && offset < capacity) {
      ssize_t n = pread(fd, buffer + offset, capacity - offset, (off_t)offset);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) {
        out[WC_CONFIG_ERRNO] = errno;
        break;
      }
      if (n == 0) break;
      offset += (size_t)n;
    }
    out[WC_CONFIG_BYTES] = (double)offset;
  }
  close(fd);
}

/* Fills the slots of an open .git directory: config, modules, index. */
static void inspect_git_dir(int git_fd, double *out, unsigned char *config, size_t capacity) {
  struct stat st;
  read_config(git_fd, out, config, capacity);
  out[WC_MODULES_MODE] = mode_of(git_fd, "modules", &st);
  out[WC_INDEX_MODE] = mode_of(git_fd, "index", &st);
  out[WC_INDEX_SIZE] = out[WC_INDEX_MODE] != 0 ? (double)st.st_size : 0;
}

static void found_git(double *out, const struct stat *git) {
  out[WC_FOUND] = 1;
  out[WC_GIT_MODE] = (double)git->st_mode;
  out[WC_GIT_MTIME_MS] = rw_mtime_ms(&git->st_mtim);
}

/*
 * The common case in one call: openat2 resolves "<name>/.git" and refuses a symlink at either
 * component (RESOLVE_NO_SYMLINKS), so a plain working copy costs no open of its project dir.
 * Returns 1 when it settled the probe, 0 when the step-by-step path must say what is there
 * (a symlink, a .git file, a denied directory, or a kernel without openat2).
 */
#if defined(SYS_openat2) && __has_include(<linux/openat2.h>)
#include <linux/openat2.h>
/* Cleared for good when the kernel (before 5.6) or a seccomp filter refuses openat2. */
static int openat2_usable = 1;

static int probe_in_one_step(int parent_fd, const char *name, double *out, unsigned char *config, size_t capacity) {
  if (!__atomic_load_n(&openat2_usable, __ATOMIC_RELAXED)) return 0;
  char path[NAME_MAX + sizeof "/.git"];
  snprintf(path, sizeof path, "%s/.git", name);
  struct open_how how = {.flags = O_RDONLY | O_DIRECTORY | O_CLOEXEC, .resolve = RESOLVE_NO_SYMLINKS | RESOLVE_BENEATH};
  long fd;
  do fd = syscall(SYS_openat2, parent_fd, path, &how, sizeof how);
  while (fd < 0 && errno == EINTR);
  if (fd < 0) {
    if (errno == ENOSYS || errno == EPERM) __atomic_store_n(&openat2_usable, 0, __ATOMIC_RELAXED);
    /* No .git (or no such child): not a working copy, as the step-by-step path would find. */
    return errno == ENOENT;
  }
  struct stat git;
  if (fstat((int)fd, &git) == 0) {
    found_git(out, &git);
    inspect_git_dir((int)fd, out, config, capacity);
  }
  close((int)fd);
  return 1;
}
#else
static int probe_in_one_step(int parent_fd, const char *name, double *out, unsigned char *config, size_t capacity) {
  (void)parent_fd, (void)name, (void)out, (void)config, (void)capacity;
  return 0;
}
#endif

/* Probes one child of parent_fd; fills out[0..WC_SLOTS) and config[0..capacity). */
static void probe(int parent_fd, const char *name, double *out, unsigned char *config, size_t capacity) {
  memset(out, 0, sizeof(double) * WC_SLOTS);
  if (probe_in_one_step(parent_fd, name, out, config, capacity)) return;
  /* Not openable as a directory (gone, swapped for a symlink, denied): not ours to judge; the
     walk opens it itself and reports what it finds. */
  int project_fd = open_dir_at(parent_fd, name);
  if (project_fd < 0) return;
  struct stat git;
  if (fstatat(project_fd, ".git", &git, AT_SYMLINK_NOFOLLOW) != 0 || !(S_ISDIR(git.st_mode) || S_ISREG(git.st_mode) || S_ISLNK(git.st_mode))) {
    close(project_fd);
    return;
  }
  found_git(out, &git);
  if (S_ISDIR(git.st_mode)) {
    int git_fd = open_dir_at(project_fd, ".git");
    if (git_fd < 0) {
      out[WC_GIT_ERRNO] = errno;
    } else {
      inspect_git_dir(git_fd, out, config, capacity);
      close(git_fd);
    }
  }
  close(project_fd);
}

/* A batch shared by the threads that work it; each takes the next index until none is left. */
struct batch {
  int parent_fd;
  size_t count;
  char (*names)[NAME_MAX + 1];
  double *out;
  unsigned char *configs;
  size_t config_bytes;
  size_t next;
};

static void *work(void *arg) {
  struct batch *batch = arg;
  for (size_t i = __atomic_fetch_add(&batch->next, 1, __ATOMIC_RELAXED); i < batch->count; i = __atomic_fetch_add(&batch->next, 1, __ATOMIC_RELAXED))
    probe(batch->parent_fd, batch->names[i], batch->out + i * WC_SLOTS, batch->configs + i * batch->config_bytes, batch->config_bytes);
  return NULL;
}

/* Threads for a batch: the system calls are the cost, and they run in parallel on separate cores. */
enum { MAX_THREADS = 4, NAMES_PER_THREAD = 32 };

static void run_batch(struct batch *batch) {
  long cores = sysconf(_SC_NPROCESSORS_ONLN);
  size_t wanted = (batch->count + NAMES_PER_THREAD - 1) / NAMES_PER_THREAD;
  size_t threads = wanted < (size_t)MAX_THREADS ? wanted : MAX_THREADS;
  if (cores > 0 && threads > (size_t)cores) threads = (size_t)cores;
  pthread_t helpers[MAX_THREADS];
  size_t started = 0;
  /* The calling thread works too; a helper that cannot start (thread limits) only costs speed. */
  for (; started + 1 < threads; started++)
    if (pthread_create(&helpers[started], NULL, work, batch) != 0) break;
  work(batch);
  for (size_t i = 0; i < started; i++) pthread_join(helpers[i], NULL);
}

/*
 * probeWorkingCopies(parentFd, names: Buffer[], out: Float64Array(names.length * WC_SLOTS),
 *                    configs: Buffer(names.length * configBytes), configBytes) -> 0 or -errno.
 * Every name must be one path component; a bad argument fails the whole batch before any probe.
 */
napi_value rw_probe_working_copies(napi_env env, napi_callback_info info) {
  napi_value argv[5];
  struct batch batch = {0};
  int32_t parent_fd = -1, config_bytes = 0;
  uint32_t count = 0;
  bool is_array = false;
  double *out = NULL;
  size_t out_slots = 0;
  napi_typedarray_type type;
  void *configs = NULL;
  size_t configs_length = 0;
  if (!rw_args(env, info, argv, 5)) return rw_int_result(env, -EINVAL);
  if (rw_int_arg(env, argv[0], &parent_fd) || rw_int_arg(env, argv[4], &config_bytes) || config_bytes <= 0) return rw_int_result(env, -EINVAL);
  if (napi_is_array(env, argv[1], &is_array) != napi_ok || !is_array || napi_get_array_length(env, argv[1], &count) != napi_ok) return rw_int_result(env, -EINVAL);
  if (napi_get_typedarray_info(env, argv[2], &type, &out_slots, (void **)&out, NULL, NULL) != napi_ok || type != napi_float64_array) return rw_int_result(env, -EINVAL);
  if (rw_buffer_arg(env, argv[3], &configs, &configs_length)) return rw_int_result(env, -EINVAL);
  if (out_slots < (size_t)count * WC_SLOTS || configs_length < (size_t)count * (size_t)config_bytes) return rw_int_result(env, -EINVAL);
  if (count == 0) return rw_int_result(env, 0);

  char (*names)[NAME_MAX + 1] = malloc((size_t)count * sizeof *names);
  if (names == NULL) return rw_int_result(env, -ENOMEM);
  for (uint32_t i = 0; i < count; i++) {
    napi_value element;
    int status = napi_get_element(env, argv[1], i, &element) == napi_ok ? rw_component(env, element, names[i]) : -EINVAL;
    if (status != 0) {
      free(names);
      return rw_int_result(env, status);
    }
  }
  batch.parent_fd = parent_fd;
  batch.count = count;
  batch.names = names;
  batch.out = out;
  batch.configs = configs;
  batch.config_bytes = (size_t)config_bytes;
  run_batch(&batch);
  free(names);
  return rw_int_result(env, 0);
}
