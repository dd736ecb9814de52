/* AL524 useless-task-group: a task group (trio nursery, anyio task group,
 * asyncio.TaskGroup — knowledge `task_groups`) whose block does nothing but start one
 * task in it: `async with trio.open_nursery() as n: n.start_soon(work, x)`. The block
 * waits for that task anyway, so `await work(x)` does the same without a second task —
 * and without the ExceptionGroup the group wraps the task's failure in (an `except
 * ValueError` around it never matches). Not when the task is given the group itself (it
 * may start more), when the block has other statements, or when the start's result is
 * kept. flake8-async ASYNC112. Opt-in: a minimal example or a test often has a group of
 * one on purpose. */
#include <stdio.h>
#include <string.h>

#include "common.h"

/* `<group>.<method>(...)`, a spawn (knowledge `spawn`): the call starts a task in the group. */
static bool group_start(const ir_file *f, const ir_node *call, const char *group) {
  if (!call->text || !call->name || !al_is_spawn(f, call)) return false;
  size_t gl = strlen(group);
  return !strncmp(call->text, group, gl) && call->text[gl] == '.' && !strchr(call->text + gl + 1, '.');
}

/* Where the `async with` header ends: its `:` outside brackets and strings. */
static uint32_t header_end(const ir_file *f, const ir_node *w) {
  const char *t = f->src->text;
  int depth = 0;
  for (uint32_t i = w->span.start; i < w->span.end; i++) {
    char ch = t[i];
    if (ch == '"' || ch == '\'') {
      for (i++; i < w->span.end && t[i] != ch; i++)
        if (t[i] == '\\') i++;
    } else if (ch == '(' || ch == '[' || ch == '{') {
      depth++;
    } else if (ch == ')' || ch == ']' || ch == '}') {
      depth--;
    } else if (ch == ':' && depth == 0) {
      return i;
    }
  }
  return w->span.end;
}

/* The single statement of the block: the start call, alone or awaited. */
static const ir_node *only_start(const ir_file *f, const ir_node *w, const char *group) {
  uint32_t body = header_end(f, w);
  const ir_node *c = w->child;
  while (c && c->span.start < body) c = c->next; /* the items' own calls */
  if (!c || c->next) return NULL;
  if (c->kind == IR_AWAIT && c->child && !c->child->next) c = c->child;
  if (c->kind != IR_CALL || (c->use != IR_USE_DISCARDED && c->use != IR_USE_AWAITED)) return NULL;
  if (!group_start(f, c, group)) return NULL;
  for (uint32_t i = 0; i < c->nargs; i++)
    if (c->args[i].text && al_text_mentions(c->args[i].text, group)) return NULL; /* `n.start_soon(f, n)` */
  return c;
}

/* `await f(a, b)` for `n.start_soon(f, a, b)` / `tg.create_task(f(a, b))`: the call's
 * argument text rewritten, or NULL (keywords such as name=, a start() with its
 * task_status protocol). */
static al_fix *await_fix(const ir_file *f, const ir_node *w, const ir_node *call, bool takes_fn) {
  const char *t = f->src->text;
  uint32_t open = al_callee_end(f, call), close = call->span.end - 1;
  if (open >= close || t[open] != '(' || t[close] != ')' || !call->nargs ||
      al_kb_attr_is(al_kb_match(al_kb_for(f->lang), "spawn", call->name), "ready", "true"))
    return NULL;
  for (uint32_t i = 0; i < call->nargs; i++)
    if (call->args[i].flags & (IR_ARG_KEYWORD | IR_ARG_SPREAD)) return NULL;
  uint32_t a = open + 1, e = close;
  while (a < e && (t[a] == ' ' || t[a] == '\t' || t[a] == '\n' || t[a] == '\r')) a++;
  while (e > a && (t[e - 1] == ' ' || t[e - 1] == '\t' || t[e - 1] == '\n' || t[e - 1] == '\r' || t[e - 1] == ','))
    e--;
  if (a >= e || memchr(t + a, '\n', e - a)) return NULL; /* one line of arguments */
  /* the header and the call are replaced; a comment after the call stays, one after the
   * header moves behind the call (not both); not when anything else stands between */
  uint32_t from = header_end(f, w) + 1, to = call->span.start, c0 = 0, c1 = 0;
  for (uint32_t i = from; i < to; i++) {
    if (t[i] == '#' && !c1) {
      for (c0 = i; i < to && t[i] != '\n'; i++) c1 = i + 1;
      while (c1 > c0 && (t[c1 - 1] == ' ' || t[c1 - 1] == '\r')) c1--;
      continue;
    }
    if (t[i] != ' ' && t[i] != '\t' && t[i] != '\n' && t[i] != '\r') return NULL;
  }
  uint32_t eol = call->span.end;
  while (eol < f->src->len && (t[eol] == ' ' || t[eol] == '\t')) eol++;
  if (c1 && eol < f->src->len && t[eol] == '#') return NULL;
  char moved[256] = "";
  if (c1) snprintf(moved, sizeof moved, "  %.*s", (int)(c1 - c0 < 200 ? c1 - c0 : 200), t + c0);
  if (c1 && c1 - c0 >= 200) return NULL;
  al_fix *fx = al_fix_new(AL_FIX_APPLY_UNSAFE, "await the call");
  if (!takes_fn) { /* `tg.create_task(work(x))` -> `await work(x)` */
    if (call->nargs != 1) {
      al_fix_free(fx);
      return NULL;
    }
    al_fix_add(fx, w->span.start, call->span.end,
               al_arena_fmt(&((ir_file *)f)->arena, "await %.*s%s", (int)(e - a), t + a, moved));
    return fx;
  }
  /* start_soon(fn, a, b) -> await fn(a, b): fn ends at the first comma outside brackets */
  uint32_t fn_end = e;
  for (uint32_t i = a, depth = 0; i < e && fn_end == e; i++) {
    if (t[i] == '(' || t[i] == '[' || t[i] == '{') depth++;
    else if ((t[i] == ')' || t[i] == ']' || t[i] == '}') && depth) depth--;
    else if (t[i] == '"' || t[i] == '\'') {
      al_fix_free(fx);
      return NULL; /* a string among the arguments: left to the user */
    } else if (t[i] == ',' && !depth) fn_end = i;
  }
  uint32_t rest = fn_end < e ? fn_end + 1 : e;
  while (rest < e && t[rest] == ' ') rest++;
  al_fix_add(fx, w->span.start, call->span.end,
             al_arena_fmt(&((ir_file *)f)->arena, "await %.*s(%.*s)%s", (int)(fn_end - a), t + a, (int)(e - rest),
                          t + rest, moved));
  return fx;
}

static void check(const ir_file *f, const al_index *idx, al_sink *sink) {
  for (ir_node *const *w_at = ir_of_kind(f, IR_WITH); *w_at; w_at++) {
    const ir_node *w = *w_at;
    if (!(w->flags & IR_F_ASYNC) || !(w->flags & IR_F_ONE_STATEMENT) || !w->alias ||
        !w->name || !al_is_identifier(w->alias) || strchr(w->name, ',') || !al_py_task_group_with(f, w))
      continue;
    const ir_node *call = only_start(f, w, w->alias);
    if (!call) continue;
    const char *what = call->nargs && call->args[0].text ? call->args[0].text : "?";
    /* `n.start_soon(work, x)` takes the function and its arguments (knowledge `takes_async_fn`) */
    bool takes_fn = al_kb_match(al_kb_for(f->lang), "takes_async_fn", call->name) != NULL;
    if (takes_fn && strchr(what, '(')) continue; /* `start_soon(job(1))`: a TypeError first (AL101) */
    /* a plain function or an async generator there (`start_soon(job)`, `create_task(job())`): a
     * TypeError first (AL516) */
    const ir_node *made = takes_fn ? NULL : al_arg_call(f, call, 0);
    const al_func_info *target = takes_fn ? al_ref_fn(f, idx, call, what) : made ? al_index_resolve(idx, f, made) : NULL;
    if (al_fn_surely_plain(target) || al_fn_async_gen(target)) continue;
    al_report_fix(sink, w, await_fix(f, w, call, takes_fn),
                  "task group `%s` only runs `%s` and waits for it: `await` it instead (`%s(...)` as `await %s%s`) — "
                  "no extra task, and its exception is not wrapped in an ExceptionGroup",
                  w->alias, what, call->text, what, takes_fn ? "(...)" : "");
  }
}

const al_rule rule_al524 = {
    .code = "AL524",
    .name = "useless-task-group",
    .family = AL_FAMILY_HYGIENE,
    .langs = 1u << AL_LANG_PYTHON,
    .severity = AL_SEV_INFO,
    .summary = "a task group whose block only starts one task",
    .fix = AL_FIX_UNSAFE,
    .check = check,
    .opt_in = true,
};
