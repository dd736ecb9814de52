/* fuzz_config: bytes as a `.asynclint.yaml` and as a `pyproject.toml` -> the loader
 * (libyaml or toml.c, validation, knowledge extensions merged into the knowledge base).
 * Properties: no crash; a config is either loaded or refused with a one-line
 * "path:line: reason" (or "path: reason") message. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"
#include "fuzz_common.h"

static char dir[] = "/tmp/asynclint-fuzz-XXXXXX";
static char path[64], toml_path[64];

static void remove_dir(void) {
  unlink(path);
  unlink(toml_path);
  rmdir(dir);
}

static void load_one(const char *p, const uint8_t *data, size_t size) {
  FILE *fh = fopen(p, "wb");
  if (!fh) abort();
  fwrite(data, 1, size, fh);
  fclose(fh);
  char *err = NULL;
  al_config *c = al_config_load(p, &err);
  if (c) {
    FUZZ_CHECK(!err, "a loaded config also reported an error");
    al_config_free(c);
    /* knowledge extensions were merged: start the next input from the built-in knowledge */
    al_kb_shutdown();
    char *kerr = NULL;
    if (al_kb_init(&kerr) < 0) abort();
  } else {
    FUZZ_CHECK(err && !strncmp(err, p, strlen(p)), "a refused config's message does not start with its path");
    FUZZ_CHECK(!strchr(err, '\n'), "a refused config's message spans lines");
    free(err);
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (!*path) {
    if (!mkdtemp(dir)) abort();
    snprintf(path, sizeof path, "%s/.asynclint.yaml", dir);
    snprintf(toml_path, sizeof toml_path, "%s/pyproject.toml", dir);
    atexit(remove_dir);
  }
  fuzz_init_kb();
  load_one(path, data, size);
  load_one(toml_path, data, size);
  return 0;
}
