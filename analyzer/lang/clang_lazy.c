/* clang_lazy: dlopen of libclang on first use (see clang_lazy.h). */
#define AL_CLANG_LAZY_IMPL
#include "clang_lazy.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stddef.h>

al_clang_api al_clang;
static pthread_once_t once = PTHREAD_ONCE_INIT;
static const char *load_error;

static void load(void) {
  /* the library the build found first, then the names Debian's packages install */
  static const char *const names[] = {AL_LIBCLANG_PATH, "libclang-14.so.1", "libclang-14.so", "libclang.so.1",
                                      "libclang.so"};
  void *h = NULL;
  for (size_t i = 0; !h && i < sizeof names / sizeof *names; i++) h = dlopen(names[i], RTLD_NOW | RTLD_LOCAL);
  if (!h) {
    load_error = "libclang could not be loaded (install libclang-14-dev, or libclang1-14)";
    return;
  }
#define AL_CLANG_LOAD(name)                                      \
  if (!(al_clang.name = (__typeof__(&name))dlsym(h, #name))) {   \
    load_error = "libclang lacks " #name " (libclang 14 or later is needed)"; \
    return;                                                      \
  }
  AL_CLANG_FUNCTIONS(AL_CLANG_LOAD)
#undef AL_CLANG_LOAD
}

bool al_clang_load(const char **why) {
  pthread_once(&once, load);
  if (load_error) *why = load_error;
  return !load_error;
}
