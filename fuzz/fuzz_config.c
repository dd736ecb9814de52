/* fuzz_config: bytes as a `.asynclint.yaml` -> the loader (libyaml, validation, knowledge
 * extensions merged into the knowledge base). Properties: no crash; a config is either
 * loaded or refused with a one-line "path:line: reason" (or "path: reason") message. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "fuzz_common.h"

static char dir[] = "/tmp/asynclint-fuzz-XXXXXX";
static char path[64];

static void remove_dir(void) {
  unlink(path);
  rmdir(dir);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (!*path) {
    if (!mkdtemp(dir)) abort();
    snprintf(path, sizeof path, "%s/.asynclint.yaml", dir);
    atexit(remove_dir);
  }
  fuzz_init_kb();
  FILE *fh = fopen(path, "wb");
  if (!fh) abort();
  fwrite(data, 1, size, fh);
  fclose(fh);
  char *err = NULL;
  al_config *c = al_config_load(path, &err);
  if (c) {
    FUZZ_CHECK(!err, "a loaded config also reported an error");
    al_config_free(c);
    /* knowledge extensions were merged: start the next input from the built-in knowledge */
    al_kb_shutdown();
    char *kerr = NULL;
    if (al_kb_init(&kerr) < 0) abort();
  } else {
    FUZZ_CHECK(err && !strncmp(err, path, strlen(path)), "a refused config's message does not start with its path");
    FUZZ_CHECK(!strchr(err, '\n'), "a refused config's message spans lines");
    free(err);
  }
  return 0;
}
