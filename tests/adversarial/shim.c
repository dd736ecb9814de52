/* shim: an LD_PRELOAD library that makes files misbehave at the worst moment, by name:
 *   "__vanish__" in a path: the file is deleted just before it is opened;
 *   "__shrink__": the first read returns half of what was asked, then the file is
 *                 truncated to a quarter of its size (it shrinks while being read);
 *   "__race__":   when a temporary file is made beside it (the fix writer's mkstemp),
 *                 the file is appended to first (another editor saved it meanwhile). */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int shrink_fd = -1;
static char shrink_path[4096];

int open(const char *path, int flags, ...) {
  static int (*real)(const char *, int, ...);
  if (!real) real = (int (*)(const char *, int, ...))dlsym(RTLD_NEXT, "open");
  mode_t mode = 0;
  if (flags & O_CREAT) {
    va_list ap;
    va_start(ap, flags);
    mode = (mode_t)va_arg(ap, int);
    va_end(ap);
  }
  if (strstr(path, "__vanish__")) unlink(path);
  int fd = real(path, flags, mode);
  if (fd >= 0 && strstr(path, "__shrink__") && !(flags & (O_WRONLY | O_RDWR))) {
    shrink_fd = fd;
    snprintf(shrink_path, sizeof shrink_path, "%s", path);
  }
  return fd;
}

ssize_t read(int fd, void *buf, size_t n) {
  static ssize_t (*real)(int, void *, size_t);
  if (!real) real = (ssize_t (*)(int, void *, size_t))dlsym(RTLD_NEXT, "read");
  if (fd == shrink_fd && n > 1) {
    shrink_fd = -1;
    ssize_t r = real(fd, buf, n / 2);
    struct stat st;
    if (stat(shrink_path, &st) == 0) truncate(shrink_path, st.st_size / 4);
    return r;
  }
  return real(fd, buf, n);
}

int mkstemp(char *tmpl) {
  static int (*real)(char *);
  if (!real) real = (int (*)(char *))dlsym(RTLD_NEXT, "mkstemp");
  char *dot = strstr(tmpl, ".asynclint-");
  if (dot && strstr(tmpl, "__race__")) {
    char orig[4096];
    snprintf(orig, sizeof orig, "%.*s", (int)(dot - tmpl), tmpl);
    FILE *fh = fopen(orig, "a");
    if (fh) {
      fputs("# saved by another editor\n", fh);
      fclose(fh);
    }
  }
  return real(tmpl);
}

int open64(const char *path, int flags, ...) {
  mode_t mode = 0;
  if (flags & O_CREAT) {
    va_list ap;
    va_start(ap, flags);
    mode = (mode_t)va_arg(ap, int);
    va_end(ap);
  }
  return open(path, flags, mode);
}

int mkstemp64(char *tmpl) { return mkstemp(tmpl); }
