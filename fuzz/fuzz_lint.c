/* fuzz_lint: bytes -> front end (Python, JS or TypeScript, by the first byte's low bits)
 * -> IR -> index -> every rule of the language -> the findings' fixes applied -> the result lowered again.
 * Properties: no crash or sanitizer report; findings lie inside the text; the fixes of
 * a file that parsed cleanly leave it parsing cleanly. */
#include <string.h>

#include "frontend.h"
#include "fuzz_common.h"
#include "index.h"
#include "rule.h"

static ir_file *lower(const al_source *src, const char *module) {
  al_lower_ctx ctx = {.abs_path = src->path, .module = module};
  char *err = NULL;
  ir_file *f = al_lower(src, &ctx, &err);
  free(err);
  return f;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  fuzz_init_kb();
  if (size < 1 || memchr(data, 0, size)) return 0; /* files with NUL bytes are refused as binary */
  al_lang lang = (data[0] & 1) ? AL_LANG_JS : AL_LANG_PYTHON;
  const char *path = lang == AL_LANG_PYTHON ? "/fuzz/mod.py" : (data[0] & 2) ? "/fuzz/mod.ts" : "/fuzz/mod.mjs";
  al_source src;
  al_source_from_text(&src, path, lang, (const char *)data + 1, size - 1);
  ir_file *ir = lower(&src, "mod");
  if (!ir) {
    al_source_free(&src);
    return 0;
  }
  al_index idx;
  al_index_build(&idx, &ir, 1);
  al_vec found = {0};
  for (size_t i = 0; i < al_rule_count; i++) {
    if (!(al_rules[i]->langs & (1u << lang))) continue;
    al_sink sink = {.file = ir, .rule = al_rules[i], .out = &found};
    al_rules[i]->check(ir, &idx, &sink);
  }
  al_vec fixes = {0};
  for (size_t i = 0; i < found.len; i++) {
    al_finding *fd = found.items[i];
    FUZZ_CHECK(fd->span.start <= fd->span.end && fd->span.end <= src.len, "finding span outside the text");
    FUZZ_CHECK(fd->message && *fd->message, "finding without a message");
    if (fd->fix) al_vec_push(&fixes, fd->fix);
  }
  if (fixes.len) {
    size_t applied = 0, len = 0;
    char *text = al_fix_apply(&src, (al_fix *const *)fixes.items, fixes.len, &applied, &len);
    al_source fixed;
    al_source_from_text(&fixed, path, lang, text, len);
    ir_file *ir2 = lower(&fixed, "mod");
    FUZZ_CHECK(ir2, "the fixed text could not be lowered");
    FUZZ_CHECK(ir->parse_errors || !ir2->parse_errors, "a fix introduced a syntax error");
    ir_file_free(ir2);
    al_source_free(&fixed);
    free(text);
  }
  al_vec_free(&fixes);
  for (size_t i = 0; i < found.len; i++) al_finding_free(found.items[i]);
  al_vec_free(&found);
  al_index_free(&idx);
  ir_file_free(ir);
  al_source_free(&src);
  return 0;
}
