/* fuzz_fix: the fix applier on a random source and random fixes. The input is
 * "source \x00 edits": each edit is 4 bytes (fix number, start, end as fractions of the
 * text, replacement length) then the replacement. Properties: no crash; the result's
 * length is exactly what the accepted edits imply; text outside the edits is kept;
 * a fix that is out of range or overlaps itself or an accepted fix is not applied. */
#include <string.h>

#include "fix.h"
#include "frontend.h"
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  fuzz_init_kb();
  const uint8_t *nul = memchr(data, 0, size);
  if (!nul) return 0;
  size_t slen = (size_t)(nul - data);
  al_source src;
  al_source_from_text(&src, "/fuzz/mod.py", AL_LANG_PYTHON, (const char *)data, slen);
  al_fix *fixes[8] = {0};
  for (int i = 0; i < 8; i++) fixes[i] = al_fix_new(i & 1 ? AL_FIX_APPLY_UNSAFE : AL_FIX_APPLY_SAFE, "fuzz");
  const uint8_t *p = nul + 1, *end = data + size;
  size_t nedits = 0;
  while (end - p >= 4 && nedits < 64) {
    int which = p[0] & 7;
    /* positions up to a little past the end: out-of-range edits must be refused */
    uint32_t a = (uint32_t)((size_t)p[1] * (slen + 8) / 255), b = (uint32_t)((size_t)p[2] * (slen + 8) / 255);
    size_t tl = p[3] & 31;
    p += 4;
    if ((size_t)(end - p) < tl) tl = (size_t)(end - p);
    char *t = al_malloc(tl + 1);
    memcpy(t, p, tl);
    t[tl] = 0;
    for (size_t k = 0; k < tl; k++)
      if (!t[k]) t[k] = ' ';
    p += tl;
    al_fix_add(fixes[which], a, b, t);
    free(t);
    nedits++;
  }
  size_t applied = 0, len = 0;
  char *out = al_fix_apply(&src, fixes, 8, &applied, &len);
  FUZZ_CHECK(applied <= 8, "more fixes applied than given");
  /* Recompute what the accepted edits must give: a fix is accepted when all its edits are
   * in range, none overlaps another of its own, and none overlaps an accepted one. */
  al_vec acc = {0};
  size_t expect_len = slen, n_ok = 0;
  /* a source whose first line ends in CRLF gets a CR before each inserted lone LF */
  const char *nl = memchr(src.text, '\n', slen);
  bool crlf = nl && nl > src.text && nl[-1] == '\r';
  for (int i = 0; i < 8; i++) {
    bool ok = true;
    for (size_t k = 0; k < fixes[i]->nedits && ok; k++) {
      const al_edit *e = &fixes[i]->edits[k];
      if (e->end > slen || e->start > e->end) ok = false;
      for (size_t j = 0; j < k && ok; j++) {
        const al_edit *o = &fixes[i]->edits[j];
        if (o->start == e->start || (o->start < e->end && e->start < o->end)) ok = false;
      }
      for (size_t j = 0; j < acc.len && ok; j++) {
        const al_edit *o = acc.items[j];
        if (o->start == e->start || (o->start < e->end && e->start < o->end)) ok = false;
      }
    }
    if (!ok) continue;
    n_ok++;
    for (size_t k = 0; k < fixes[i]->nedits; k++) {
      const al_edit *e = &fixes[i]->edits[k];
      al_vec_push(&acc, (void *)e);
      expect_len = expect_len - (e->end - e->start) + strlen(e->text);
      for (size_t c = 0; crlf && e->text[c]; c++)
        if (e->text[c] == '\n' && !(c ? e->text[c - 1] == '\r' : e->start > 0 && src.text[e->start - 1] == '\r'))
          expect_len++;
    }
  }
  FUZZ_CHECK(n_ok == applied, "the applier accepted a different set of fixes");
  FUZZ_CHECK(len == expect_len, "the fixed text has the wrong length");
  /* the text before the first edit is untouched */
  uint32_t first = (uint32_t)slen;
  for (size_t j = 0; j < acc.len; j++)
    if (((const al_edit *)acc.items[j])->start < first) first = ((const al_edit *)acc.items[j])->start;
  FUZZ_CHECK(first <= len && !memcmp(out, src.text, first), "text before the first edit changed");
  /* and the result lowers */
  al_source fixed;
  al_source_from_text(&fixed, "/fuzz/mod.py", AL_LANG_PYTHON, out, len);
  al_lower_ctx ctx = {.abs_path = fixed.path, .module = "mod"};
  char *err = NULL;
  ir_file *ir = al_lower(&fixed, &ctx, &err);
  free(err);
  if (ir) ir_file_free(ir);
  al_source_free(&fixed);
  al_vec_free(&acc);
  free(out);
  for (int i = 0; i < 8; i++) al_fix_free(fixes[i]);
  al_source_free(&src);
  return 0;
}
