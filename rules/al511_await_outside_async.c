/* AL511 await-outside-async: `await`, `async with`, `async for` (JS `for await`) in a
 * function that is not async, in a lambda, or at the top level of a Python module or a
 * CommonJS file; and Python `yield from` inside an async def. Each is a SyntaxError: the
 * module does not even import (pylint/ruff PLE1142 and PLE1700, ESLint's parser). The
 * usual cause is a function that was made to await something and not marked async.
 * Fix (unsafe, first finding of a function): mark the function `async` — its callers
 * then get a coroutine/promise, so they must await it too. */
#include <stdio.h>
#include <string.h>

#include "common.h"

/* JS: the file is CommonJS, where top-level await is a SyntaxError: .cjs/.cts, or a
 * .js/.ts file that uses require()/module.exports and no import/export statement. */
static bool commonjs(const ir_file *f) {
  const char *p = f->src->path, *dot = p ? strrchr(p, '.') : NULL;
  if (!dot) return false;
  if (!strcmp(dot, ".cjs") || !strcmp(dot, ".cts")) return true;
  if (strcmp(dot, ".js") && strcmp(dot, ".ts")) return false;
  const char *t = f->src->text;
  bool cjs = false;
  for (uint32_t i = 0; i < f->src->len; i++) {
    if (i && t[i - 1] != '\n') continue;
    if (!strncmp(t + i, "import ", 7) || !strncmp(t + i, "import{", 7) || !strncmp(t + i, "export ", 7)) return false;
    if (!cjs) {
      const char *eol = memchr(t + i, '\n', f->src->len - i);
      size_t n = eol ? (size_t)(eol - (t + i)) : f->src->len - i;
      cjs = memmem(t + i, n, "require(", 8) || memmem(t + i, n, "module.exports", 14);
    }
  }
  return cjs;
}

/* An unsafe fix marking fn async, when its text starts where `async` goes: Python
 * `def`; JS `function`, an arrow's parameters, or a method's name (not a getter, setter,
 * constructor or static/generator method). */
static al_fix *mark_async(const ir_file *f, const ir_node *fn) {
  const char *t = f->src->text + fn->span.start;
  size_t left = f->src->len - fn->span.start;
  bool ok;
  if (f->lang == AL_LANG_PYTHON)
    ok = left > 4 && !strncmp(t, "def ", 4);
  else {
    ok = (left > 8 && !strncmp(t, "function", 8)) || t[0] == '(' || t[0] == '_' || t[0] == '$' ||
         ((t[0] | 32) >= 'a' && (t[0] | 32) <= 'z');
    static const char *const no[] = {"get ", "set ", "static ", "constructor", "public ", "private ",
                                     "protected ", "readonly ", "override ", NULL};
    for (int i = 0; ok && no[i]; i++)
      if (left > strlen(no[i]) && !strncmp(t, no[i], strlen(no[i]))) ok = false;
  }
  if (!ok) return NULL;
  al_fix *fx = al_fix_new(AL_FIX_APPLY_UNSAFE, "mark the function async");
  al_fix_add(fx, fn->span.start, fn->span.start, "async ");
  return fx;
}

static void check(const ir_file *f, const al_index *idx, al_sink *sink) {
  (void)idx;
  if (f->lang == AL_LANG_C) return;
  bool py = f->lang == AL_LANG_PYTHON;
  int top = -1; /* whether top-level awaits are errors: known on the first one */
  const ir_node *fixed = NULL; /* the function whose fix is already offered */
  for (const ir_node *n = f->root; n; n = ir_next(n, f->root)) {
    const char *what;
    if (n->kind == IR_AWAIT)
      what = (n->flags & IR_F_YIELD_FROM) ? NULL : (n->flags & IR_F_ASYNC) ? "async for" : "await";
    else if (n->kind == IR_WITH && (n->flags & IR_F_ASYNC)) what = "async with";
    else if (n->kind == IR_LOOP && (n->flags & IR_F_ASYNC)) what = py ? "async for" : "for await";
    else continue;
    const ir_node *fn = ir_enclosing_func(n);
    if (!what) { /* `yield from` in an async def */
      al_report(sink, n, "`yield from` inside async function `%s`: an async generator cannot delegate with yield "
                "from (a SyntaxError); iterate and yield (`async for x in agen(): yield x`)",
                fn && fn->name ? fn->name : "?");
      continue;
    }
    if (fn && (fn->flags & IR_F_ASYNC)) continue;
    char wq[64]; /* what, quoted */
    snprintf(wq, sizeof wq, "`%s`%s", what, n->kind == IR_AWAIT && (n->flags & IR_F_ASYNC) ? " in a comprehension" : "");
    if (py && n->kind == IR_AWAIT && al_py_in_genexp(f, n)) continue;
    if (!fn) {
      if (top < 0) top = py || commonjs(f);
      if (!top) continue;
      al_report(sink, n, "%s at the top level of %s: a SyntaxError; %s", wq,
                py ? "a module" : "a CommonJS file",
                py ? "put the code in an async def main() and run it with asyncio.run(main())"
                   : "wrap it in an async function (or make the file an ES module)");
      continue;
    }
    al_fix *fx = fn != fixed ? mark_async(f, fn) : NULL;
    if (fx) fixed = fn;
    const char *kind = (fn->flags & IR_F_LAMBDA) ? (py ? "lambda" : "function") : "function";
    if ((fn->flags & IR_F_LAMBDA) && py)
      al_report_fix(sink, n, fx, "%s inside a lambda: a lambda cannot be async, so this is a SyntaxError; use an "
                    "async def", wq);
    else if (fn->flags & IR_F_LAMBDA)
      al_report_fix(sink, n, fx, "%s inside a %s that is not async: a SyntaxError; mark it `async` (and await "
                    "what calls it)", wq, kind);
    else
      al_report_fix(sink, n, fx, "%s inside `%s`, which is not async: a SyntaxError; mark it `async` (and await "
                    "it where it is called)", wq, fn->name ? fn->name : "?");
  }
}

const al_rule rule_al511 = {
    .code = "AL511",
    .name = "await-outside-async",
    .family = AL_FAMILY_HYGIENE,
    .langs = (1u << AL_LANG_PYTHON) | (1u << AL_LANG_JS),
    .severity = AL_SEV_ERROR,
    .summary = "await / async with / async for outside an async function, or yield from inside one (a SyntaxError)",
    .fix = AL_FIX_UNSAFE,
    .check = check,
};
