/* AL506 sleep-forever: `trio.sleep(x)` / `anyio.sleep(x)` with x over 24 hours (or
 * infinity) written where the library's sleep_forever() says what is meant. Not reported
 * under a virtual clock (MockClock), where the sleep returns. Unsafe fix: code that
 * relies on the sleep ending (some day) would wait forever. */
#include <stdlib.h>
#include <string.h>

#include "common.h"

static bool huge(const char *t) {
  if (!strcmp(t, "math.inf") || !strcmp(t, "float(\"inf\")") || !strcmp(t, "float('inf')")) return true;
  char buf[64];
  size_t n = 0;
  for (const char *p = t; *p && n + 1 < sizeof buf; p++)
    if (*p != '_') buf[n++] = *p;
  buf[n] = 0;
  char *end;
  double v = strtod(buf, &end);
  return end != buf && *end == 0 && v > 86400.0;
}

/* Under a virtual clock (trio's MockClock with autojump) a long sleep returns: the
 * duration is meaningful there. */
static bool virtual_clock(const ir_file *f, const ir_node *call) {
  if (memmem(f->src->text, f->src->len, "MockClock", 9) || memmem(f->src->text, f->src->len, "autojump", 8))
    return true;
  const ir_node *fn = al_real_func(call);
  for (uint32_t i = 0; fn && i < fn->nargs; i++)
    if (fn->args[i].text && strstr(fn->args[i].text, "clock")) return true;
  return false;
}

static void check(const ir_file *f, const al_index *idx, al_sink *sink) {
  (void)idx;
  for (const ir_node *n = f->root; n; n = ir_next(n, f->root)) {
    const char *forever = al_sleep_attr(f, n, "forever");
    if (!forever || !huge(n->args[0].text) || virtual_clock(f, n)) continue;
    al_fix *fx = al_py_call_fix(f, n, forever, AL_FIX_APPLY_UNSAFE, "use sleep_forever()");
    al_report_fix(sink, n, fx, "`%s(%s)` sleeps for more than a day: use `%s()`, which says it waits until "
                  "cancelled", al_call_label(f, n), n->args[0].text, forever);
  }
}

const al_rule rule_al506 = {
    .code = "AL506",
    .name = "sleep-forever",
    .family = AL_FAMILY_HYGIENE,
    .langs = 1u << AL_LANG_PYTHON,
    .severity = AL_SEV_INFO,
    .summary = "trio/anyio sleep longer than a day instead of sleep_forever()",
    .fix = AL_FIX_UNSAFE,
    .check = check,
};
