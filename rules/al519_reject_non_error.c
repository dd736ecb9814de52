/* AL519 reject-non-error: a promise rejected with something that cannot be an Error —
 * `Promise.reject("timeout")`, `reject(404)`, `reject({code: 1})`, `reject()` — in
 * `Promise.reject` (knowledge `rejecters`) or through a Promise executor's second
 * parameter. The rejection reaches `catch (err)` and `.catch(err => ...)` handlers
 * written for errors: no stack to say where it came from, `err.message` undefined,
 * `err.stack.split(...)` a TypeError inside the handler (ESLint/typescript-eslint
 * prefer-promise-reject-errors).
 * The front end marks the arguments that cannot be an Error (IR_ARG_NOT_ERROR). A
 * string or template is wrapped in `new Error(...)` (unsafe fix: a handler that compares
 * the value changes behaviour). */
#include <ctype.h>
#include <string.h>

#include "common.h"

/* The executor's reject parameter, when call is one of its calls (not shadowed by an
 * inner function's parameter of the same name, nor bound again before the call). */
static bool calls_executor_reject(const ir_node *call) {
  if (!call->name || strchr(call->name, '.') || call->module) return false;
  for (const ir_node *fn = ir_enclosing_func(call); fn; fn = ir_enclosing_func(fn)) {
    for (uint32_t i = 0; i < fn->nargs; i++) {
      if (!fn->args[i].text || strcmp(fn->args[i].text, call->name)) continue;
      const ir_node *np = fn->parent;
      if (i != 1 || !np || np->kind != IR_CALL || !(np->flags & IR_F_NEW) || !np->name || strcmp(np->name, "Promise"))
        return false;
      /* the executor's: unless bound again on the way (walked only for such calls) */
      for (const ir_node *in = ir_enclosing_func(call);; in = ir_enclosing_func(in)) {
        if (al_last_assign_in(in, call, call->name)) return false; /* `const reject = other` */
        if (in == fn) return true;
      }
    }
  }
  return false;
}

/* `throw "failed"` in an async function rejects its promise with a string, number or
 * plain object: the awaiting caller's catch gets no stack and no `.message` (ESLint
 * no-throw-literal, typescript-eslint only-throw-error — asked here where the throw
 * becomes a rejection). */
static void thrown_literal(const ir_file *f, al_sink *sink, const ir_node *n) {
  const char *v = n->name;
  const ir_node *fn = ir_enclosing_func(n);
  if (!v || !fn || !(fn->flags & IR_F_ASYNC)) return;
  const char *kind = *v == '"' || *v == '\'' ? "a string"
                     : *v == '`'               ? "a template string"
                     : *v == '{'               ? "a plain object"
                     : isdigit((unsigned char)*v) ? "a number"
                     : !strcmp(v, "true") || !strcmp(v, "false") ? "a boolean"
                     : !strcmp(v, "null")      ? "null"
                     : !strcmp(v, "undefined") ? "undefined"
                                               : NULL;
  if (!kind) return;
  al_report(sink, n, "`throw` of %s in async function `%s` rejects its promise with a value that is not an Error: "
            "the caller's catch gets no stack and no `.message`; throw an Error (`throw new Error(...)`)", kind,
            fn->name ? fn->name : "<anonymous>");
}

static void check(const ir_file *f, const al_index *idx, al_sink *sink) {
  (void)idx;
  const char *t = f->src->text;
  const al_kb *kb = al_kb_for(f->lang);
  ir_kinds_iter n_it = ir_kinds(f, IR_KINDS(IR_RAISE, IR_CALL));
  for (const ir_node *n; (n = ir_kinds_next(&n_it));) {
    if (n->kind == IR_RAISE) {
      thrown_literal(f, sink, n);
      continue;
    }
    if (n->kind != IR_CALL || (n->flags & IR_F_NEW) || !n->name) continue;
    bool statics = !n->module && al_kb_find(kb, "rejecters", n->name);
    if (!statics && !calls_executor_reject(n)) continue;
    if (n->nargs && !(n->args[0].flags & IR_ARG_NOT_ERROR)) continue;
    const char *label = n->name;
    if (!n->nargs) {
      al_report(sink, n, "`%s()` rejects with `undefined`: the handler that catches it gets no Error — no message, "
                "no stack; reject with an Error (`%s(new Error(\"...\"))`)", label, label);
      continue;
    }
    const char *a = n->args[0].text;
    al_fix *fx = NULL;
    size_t al = a ? strlen(a) : 0;
    if (a && (a[0] == '"' || a[0] == '\'' || a[0] == '`') && !(al > 60 && !strcmp(a + al - 3, "..."))) {
      uint32_t at = al_callee_end(f, n) + 1;
      while (at < n->span.end && strchr(" \t\r\n", t[at])) at++;
      if (at + al <= n->span.end && !strncmp(t + at, a, al)) {
        fx = al_fix_new(AL_FIX_APPLY_UNSAFE, "wrap the message in `new Error(...)`");
        al_fix_add(fx, at, at, "new Error(");
        al_fix_add(fx, at + (uint32_t)al, at + (uint32_t)al, ")");
      }
    }
    al_report_fix(sink, n, fx, "`%s(%s)` rejects with a value that is not an Error: the handler that catches it "
                  "gets no stack and no `.message`; reject with an Error (`new Error(...)`)", label, a ? a : "");
  }
}

const al_rule rule_al519 = {
    .code = "AL519",
    .name = "reject-non-error",
    .family = AL_FAMILY_HYGIENE,
    .langs = 1u << AL_LANG_JS,
    .severity = AL_SEV_WARNING,
    .summary = "a promise rejected with a value that is not an Error",
    .fix = AL_FIX_UNSAFE,
    .check = check,
};
