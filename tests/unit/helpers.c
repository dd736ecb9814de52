/* helpers: snippet lowering for front-end tests. */
#include "helpers.h"

#include <stdio.h>
#include <string.h>

char *lower_print(const char *path, const char *module, const char *text) {
  al_source src;
  al_source_from_text(&src, path, al_lang_from_path(path), text, strlen(text));
  al_lower_ctx ctx = {.abs_path = path, .module = module};
  char *err = NULL;
  ir_file *f = al_lower(&src, &ctx, &err);
  char *out;
  if (!f) {
    out = al_fmt("ERROR %s\n", err);
    free(err);
  } else {
    al_buf b = {0};
    ir_print(f, &b);
    out = al_buf_steal(&b);
    ir_file_free(f);
  }
  al_source_free(&src);
  return out;
}

int run_suite(Suite *s) {
  char *err = NULL;
  if (al_kb_init(&err) < 0) {
    fprintf(stderr, "knowledge: %s\n", err);
    return 1;
  }
  SRunner *sr = srunner_create(s);
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  al_kb_shutdown();
  return failed ? 1 : 0;
}
