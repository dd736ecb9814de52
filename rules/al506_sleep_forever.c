/* AL506 sleep-forever: `trio.sleep(x)` / `anyio.sleep(x)` with x over 24 hours (or
 * infinity) written where the library's sleep_forever() says what is meant. Not reported
 * under a virtual clock (MockClock), where the sleep returns. Unsafe fix: code that
 * relies on the sleep ending (some day) would wait forever. */
#include <ctype.h>
#include <math.h> /* HUGE_VAL */
#include <stdlib.h>
#include <string.h>

#include "common.h"

/* A constant duration: numbers (with `_`), math.inf, float("inf"), and + - * / ** with
 * parentheses (`24 * 60 * 60 + 1`, `10**10`). Recursive descent; false when the text
 * is anything else. */
typedef struct cexpr {
  const char *p;
  int depth;
  const char **inf; /* the local names `from math import inf` (as ...) binds, NULL-terminated */
} cexpr;

static bool c_sum(cexpr *c, double *v);

static void c_ws(cexpr *c) {
  while (*c->p == ' ' || *c->p == '\t') c->p++;
}

static bool c_atom(cexpr *c, double *v) {
  c_ws(c);
  static const char *const infs[] = {"math.inf", "float(\"inf\")", "float('inf')", "float(\"infinity\")",
                                     "numpy.inf", "np.inf"};
  for (const char **nm = c->inf; nm && *nm; nm++) {
    size_t il = strlen(*nm);
    if (!strncmp(c->p, *nm, il) && !isalnum((unsigned char)c->p[il]) && c->p[il] != '_' && c->p[il] != '.') {
      c->p += il;
      *v = HUGE_VAL;
      return true;
    }
  }
  for (size_t k = 0; k < sizeof infs / sizeof *infs; k++)
    if (!strncmp(c->p, infs[k], strlen(infs[k]))) {
      c->p += strlen(infs[k]);
      *v = HUGE_VAL;
      return true;
    }
  if (*c->p == '(') {
    if (++c->depth > 16) return false;
    c->p++;
    if (!c_sum(c, v)) return false;
    c_ws(c);
    if (*c->p != ')') return false;
    c->p++;
    c->depth--;
    return true;
  }
  if (*c->p == '-' || *c->p == '+') {
    bool neg = *c->p++ == '-';
    if (++c->depth > 16 || !c_atom(c, v)) return false;
    c->depth--;
    if (neg) *v = -*v;
    return true;
  }
  char buf[48];
  size_t n = 0;
  while ((isdigit((unsigned char)*c->p) || *c->p == '.' || *c->p == '_' || *c->p == 'e' || *c->p == 'E' ||
          ((*c->p == '-' || *c->p == '+') && n && (buf[n - 1] == 'e' || buf[n - 1] == 'E'))) && n + 1 < sizeof buf) {
    if (*c->p != '_') buf[n++] = *c->p;
    c->p++;
  }
  buf[n] = 0;
  char *end;
  *v = strtod(buf, &end);
  return n && *end == 0;
}

static bool c_power(cexpr *c, double *v) {
  if (!c_atom(c, v)) return false;
  c_ws(c);
  if (c->p[0] == '*' && c->p[1] == '*') {
    c->p += 2;
    double e;
    if (++c->depth > 16 || !c_power(c, &e)) return false; /* right-associative */
    c->depth--;
    if (!(e >= 0 && e <= 1024) || e != (double)(long)e) return false; /* small whole exponents only */
    double base = *v, r = 1;
    for (long k = 0; k < (long)e && r < 1e300 && r > -1e300; k++) r *= base;
    *v = r;
  }
  return true;
}

static bool c_product(cexpr *c, double *v) {
  if (!c_power(c, v)) return false;
  for (;;) {
    c_ws(c);
    char op = *c->p;
    if ((op != '*' && op != '/') || c->p[1] == '*') return true;
    c->p++;
    double r;
    if (!c_power(c, &r)) return false;
    if (op == '/' && r == 0) return false; /* ZeroDivisionError, not a duration */
    *v = op == '*' ? *v * r : *v / r;
  }
}

static bool c_sum(cexpr *c, double *v) {
  if (!c_product(c, v)) return false;
  for (;;) {
    c_ws(c);
    char op = *c->p;
    if (op != '+' && op != '-') return true;
    c->p++;
    double r;
    if (!c_product(c, &r)) return false;
    *v = op == '+' ? *v + r : *v - r;
  }
}

/* The names `from math import inf` (as ...) binds in the file (up to 7), NULL-terminated. */
static void math_inf(const ir_file *f, const char **names) {
  size_t k = 0;
  for (ir_node *const *n_at = ir_of_kind(f, IR_IMPORT); *n_at && k < 7; n_at++) {
    const ir_node *n = *n_at;
    if (n->name && !strcmp(n->name, "math") && n->member && !strcmp(n->member, "inf"))
      names[k++] = n->alias ? n->alias : n->member;
  }
  names[k] = NULL;
}

static bool huge(const char *t, const char **inf) {
  cexpr c = {t, 0, inf};
  double v;
  if (!c_sum(&c, &v)) return false;
  c_ws(&c);
  return *c.p == 0 && v > 86400.0;
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
  const char *inf[8];
  bool inf_known = false;
  for (ir_node *const *n_at = ir_of_kind(f, IR_CALL); *n_at; n_at++) {
    const ir_node *n = *n_at;
    const char *forever = al_sleep_attr(f, n, "forever");
    if (!forever) continue;
    if (!inf_known) math_inf(f, inf), inf_known = true;
    if (!huge(n->args[0].text, inf) || virtual_clock(f, n)) continue;
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
