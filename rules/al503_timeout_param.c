/* AL503 async-timeout-param (opt-in): an async function takes a `timeout` parameter.
 * Callers should bound it with a timeout scope (asyncio.timeout, trio.move_on_after,
 * anyio.fail_after), which composes and cancels cleanly; a parameter needs every layer
 * to pass it on. Methods of classes with bases (overrides) are not reported. Reported at
 * the parameter. */
#include <ctype.h>
#include <string.h>

#include "common.h"

static bool word_char(char c) { return isalnum((unsigned char)c) || c == '_'; }

/* Where the parameter is named in fn's signature (after `def`): the parameter itself,
 * where ruff and flake8-async report ASYNC109; the function when it is not found. */
static ir_node at_param(const ir_file *f, const ir_node *fn) {
  ir_node at = *fn;
  const char *t = f->src->text;
  uint32_t i = fn->span.start, end = fn->span.end;
  while (i + 4 <= end && !(!memcmp(t + i, "def", 3) && !word_char(t[i + 3]) && (i == 0 || !word_char(t[i - 1])))) i++;
  for (int depth = 0; i + 7 <= end && !(t[i] == ':' && depth == 0); i++) { /* to the signature's `:` */
    if (t[i] == '#') {
      while (i < end && t[i] != '\n') i++;
      continue;
    }
    depth += (t[i] == '(' || t[i] == '[') - (t[i] == ')' || t[i] == ']');
    if (memcmp(t + i, "timeout", 7) || word_char(t[i - 1]) || word_char(t[i + 7])) continue;
    at.span = al_span_at(f, i, 7);
    break;
  }
  return at;
}

static void check(const ir_file *f, const al_index *idx, al_sink *sink) {
  (void)idx;
  for (ir_node *const *n_at = ir_of_kind(f, IR_FUNC); *n_at; n_at++) {
    const ir_node *n = *n_at;
    if (!(n->flags & IR_F_ASYNC) || (n->flags & IR_F_LAMBDA)) continue;
    if ((n->flags & IR_F_METHOD) && n->parent && (n->parent->flags & IR_F_DERIVED)) continue;
    for (uint32_t i = 0; i < n->nargs; i++) {
      if (!n->args[i].text || strcmp(n->args[i].text, "timeout")) continue;
      ir_node at = at_param(f, n);
      al_report(sink, &at, "async function `%s` takes a `timeout` parameter: let callers bound it with a timeout "
                "scope (asyncio.timeout / trio.move_on_after / anyio.fail_after) instead", n->name ? n->name : "?");
      break;
    }
  }
}

const al_rule rule_al503 = {
    .code = "AL503",
    .name = "async-timeout-param",
    .family = AL_FAMILY_HYGIENE,
    .langs = 1u << AL_LANG_PYTHON,
    .severity = AL_SEV_INFO,
    .summary = "an async function with a timeout parameter instead of a timeout scope",
    .fix = AL_FIX_NONE,
    .opt_in = true,
    .check = check,
};
