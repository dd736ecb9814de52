/* AL401 swallowed-cancel: `except asyncio.CancelledError` / `trio.Cancelled` / anyio's
 * cancelled class (alone or in a tuple) that does not re-raise, and
 * `contextlib.suppress(CancelledError)`: the task carries on as if it had not been
 * cancelled. The idiom "cancel a task, then await it and ignore its CancelledError" is
 * not reported (the try awaits a task this function cancelled just before). */
#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "common.h"

/* `x.cancel()` called earlier in the function (before the try or inside it), and the
 * try body (or a `with suppress(...)` body) then awaits x. */
static bool cancel_then_wait(const ir_file *f, const ir_node *body) {
  const ir_node *fn = al_real_func(body);
  if (!fn) return false;
  for (const ir_node *n = body->child; n; n = ir_next(n, body)) {
    if (n->kind != IR_AWAIT) continue;
    const char *target = NULL;
    if (n->child && n->child->kind == IR_USE) target = n->child->name;
    else if (n->child && n->child->kind == IR_CALL && n->child->nargs && n->child->args[0].text &&
             n->child->name && al_kb_match(al_kb_for(f->lang), "waits_on_first_arg", n->child->name))
      target = n->child->args[0].text;
    const char *src = f->src->text + n->span.start;
    char tb[128];
    if (target) { /* see through wrappers: wait_for(shield(task), ...) -> task */
      size_t tl = strlen(target);
      while (tl < sizeof tb && strchr(target, '(') && target[tl - 1] == ')') {
        const char *open = strchr(target, '(');
        size_t inner = strcspn(open + 1, ",)");
        if (inner == 0 || inner >= sizeof tb) break;
        memcpy(tb, open + 1, inner);
        tb[inner] = 0;
        target = tb;
        tl = strlen(target);
        if (!strchr(target, '(')) break;
      }
    }
    if (!target) {
      /* await x / await self.x: the awaited text */
      size_t k = 0;
      const char *p = src + 5;
      while (*p == ' ') p++;
      while (k + 1 < sizeof tb && (p[k] == '_' || p[k] == '.' || (p[k] >= 'a' && p[k] <= 'z') ||
                                   (p[k] >= 'A' && p[k] <= 'Z') || (p[k] >= '0' && p[k] <= '9')))
        k++;
      memcpy(tb, p, k);
      tb[k] = 0;
      target = tb;
    }
    if (!*target) continue;
    char *cancel = al_fmt("%s.cancel", target);
    bool hit = false;
    for (const ir_node *c = fn->child; c && !hit; c = ir_next(c, fn))
      if (c->kind == IR_CALL && c->text && !strcmp(c->text, cancel) && c->span.start < n->span.start)
        hit = true;
    free(cancel);
    if (hit) return true;
  }
  return false;
}

/* Appends `raise` to a handler: replaces a lone `pass`, else adds a line after the body.
 * NULL when the body ends in return/break/continue (a raise there is unreachable). */
static al_fix *raise_fix(const ir_file *f, const ir_node *h) {
  const char *t = f->src->text;
  uint32_t end = h->span.end;
  while (end > h->span.start && (t[end - 1] == ' ' || t[end - 1] == '\n' || t[end - 1] == '\r' || t[end - 1] == '\t'))
    end--;
  uint32_t ls = al_line_start(f, end);
  uint32_t s = ls;
  while (s < end && (t[s] == ' ' || t[s] == '\t')) s++;
  /* the last statement may share the `except ...:` line */
  const char *colon = NULL;
  if (ls <= h->span.start) {
    for (uint32_t i = end; i-- > h->span.start;)
      if (t[i] == ':') {
        colon = t + i;
        break;
      }
    if (!colon) return NULL;
    s = (uint32_t)(colon - t) + 1;
    while (s < end && t[s] == ' ') s++;
  }
  size_t len = end - s;
  if (colon && !len) return NULL; /* the body is not where the parser put the handler's end */
  if ((len >= 6 && !strncmp(t + s, "return", 6)) || (len >= 5 && !strncmp(t + s, "break", 5)) ||
      (len >= 8 && !strncmp(t + s, "continue", 8)))
    return NULL;
  al_fix *fx = al_fix_new(AL_FIX_APPLY_UNSAFE, "re-raise the cancellation");
  if (len == 4 && !strncmp(t + s, "pass", 4)) {
    al_fix_add(fx, s, end, "raise");
  } else if (colon) {
    al_fix_add(fx, end, end, "; raise");
  } else {
    char ind[64];
    al_indent_at(f, end, ind, sizeof ind);
    char *txt = al_fmt("\n%sraise", ind);
    al_fix_add(fx, end, end, txt);
    free(txt);
  }
  return fx;
}

static bool cancel_arg(const ir_file *f, const char *item, void *ctx) {
  (void)ctx;
  return al_is_cancelled_type(f, item) || al_kb_find(al_kb_for(f->lang), "catch_all", item);
}

/* `with contextlib.suppress(<cancellation>)`: *what gets the type. */
static bool suppresses_cancel(const ir_file *f, const ir_node *w, const char **what) {
  if (!w->name || !strstr(w->name, "suppress")) return false;
  *what = al_list_find(f, w->text, ",;", cancel_arg, NULL);
  return *what != NULL;
}

/* ---- JavaScript: AbortSignal ---- */

/* text contains one of the words of a knowledge section */
static bool mentions(const ir_file *f, const char *section, const char *text, size_t len) {
  const al_kb_section *sec = al_kb_section_get(al_kb_for(f->lang), section);
  for (size_t k = 0; sec && k < sec->entries.len; k++) {
    const char *w = ((const al_kb_entry *)sec->entries.items[k])->name;
    if (memmem(text, len, w, strlen(w))) return true;
  }
  return false;
}

/* The call's signal is its function's own timeout — `AbortSignal.timeout(ms)`, or the
 * signal of an AbortController made in the function — and the function takes no signal
 * of its own: an abort is then this function's decision (a timeout it handles), not a
 * caller's cancellation. */
static bool own_signal(const ir_file *f, const ir_node *c) {
  const ir_node *fn = ir_enclosing_func(c);
  if (!fn) return false;
  for (uint32_t i = 0; i < fn->nargs; i++)
    if (fn->args[i].text && (strstr(fn->args[i].text, "signal") || strstr(fn->args[i].text, "Signal"))) return false;
  for (uint32_t i = 0; i < c->nargs; i++) {
    const char *t = c->args[i].text;
    if (!t) continue;
    size_t tl = strlen(t);
    if (mentions(f, "abort_own_deadlines", t, tl) && !mentions(f, "abort_combiners", t, tl)) return true;
    const char *dot = strstr(t, ".signal");
    if (!dot) continue;
    const char *b = dot;
    while (b > t && (b[-1] == '_' || b[-1] == '$' || isalnum((unsigned char)b[-1]))) b--;
    if (b == dot) continue;
    size_t n = (size_t)(dot - b);
    for (const ir_node *a = fn->child; a; a = ir_next(a, fn))
      if (a->kind == IR_ASSIGN && a->name && strlen(a->name) == n && !strncmp(a->name, b, n) && a->text &&
          mentions(f, "abort_controllers", a->text, strlen(a->text)))
        return true;
  }
  return false;
}

/* A call made abortable (knowledge `abort_args`): given `{ signal }`, `signal: ...`,
 * AbortSignal.timeout(). */
static bool abortable_call(const ir_file *f, const ir_node *c) {
  if (c->kind != IR_CALL || own_signal(f, c)) return false;
  for (uint32_t i = 0; i < c->nargs; i++)
    if (c->args[i].text && mentions(f, "abort_args", c->args[i].text, strlen(c->args[i].text))) return true;
  return false;
}

/* The try body (children before the handlers) awaits an abortable call. */
static const ir_node *awaits_abortable(const ir_file *f, const ir_node *try_node) {
  for (const ir_node *c = try_node->child; c; c = c->next) {
    if (c->kind == IR_HANDLER || c->kind == IR_FINALLY) break;
    for (const ir_node *n = c; n; n = n->kind == IR_FUNC ? ir_next_skip(n, c) : ir_next(n, c))
      if (n->kind == IR_CALL && n->use == IR_USE_AWAITED && abortable_call(f, n)) return n;
  }
  return NULL;
}

/* The source of [from, to) mentions the abort (knowledge `abort_checks`): rethrows, or
 * checks the error name or the signal. */
/* The source of [from, to) contains a word of a knowledge section. */
static bool handles_abort(const ir_file *f, uint32_t from, uint32_t to) {
  return al_code_mentions(f, "abort_checks", from, to);
}

/* `if (err.name === 'AbortError') throw err;` first in the catch block. */
static al_fix *abort_rethrow_fix(const ir_file *f, const ir_node *h) {
  if (!h->alias || strchr(h->alias, '{') || strchr(h->alias, '[')) return NULL;
  const char *t = f->src->text;
  uint32_t brace = h->span.start;
  while (brace < h->span.end && t[brace] != '{') brace++;
  if (brace >= h->span.end) return NULL;
  uint32_t close = h->span.end;
  while (close > brace && t[close - 1] != '}') close--;
  bool one_line = memchr(t + brace, '\n', close - brace) == NULL;
  char ind[64];
  al_indent_at(f, h->span.start, ind, sizeof ind);
  char *txt = one_line ? al_fmt(" if (%s.name === 'AbortError') throw %s;%s", h->alias, h->alias,
                                t[brace + 1] == '}' ? " " : "")
                       : al_fmt("\n%s  if (%s.name === 'AbortError') throw %s;", ind, h->alias, h->alias);
  /* after a comment ending the brace's line (`} catch (err) { // why`): it stays there */
  uint32_t at = brace + 1;
  if (!one_line) {
    uint32_t e = at;
    while (e < close && (t[e] == ' ' || t[e] == '\t')) e++;
    if (e + 1 < close && t[e] == '/' && t[e + 1] == '/')
      while (e < close && t[e] != '\n') e++;
    if (e < close && t[e] == '\n' && t[e - 1] == '\r') e--;
    if (e < close && (t[e] == '\n' || t[e] == '\r')) at = e;
  }
  al_fix *fx = al_fix_new(AL_FIX_APPLY_UNSAFE, "rethrow the AbortError");
  al_fix_add(fx, at, at, txt);
  free(txt);
  return fx;
}

/* A small scanner over the JS source of a catch block (the IR has no branch nodes, and
 * the test of an `if` is kept only as text). It steps over string literals and
 * comments; a regular expression literal holding a bracket makes match_bracket fail,
 * and the check then reports nothing.
 * skip_literal: the index after the literal or comment starting at t[i]. */
static uint32_t skip_literal(const char *t, uint32_t i, uint32_t end) {
  char q = t[i];
  if (q == '/' && i + 1 < end && t[i + 1] == '/') {
    while (i < end && t[i] != '\n') i++;
    return i;
  }
  if (q == '/' && i + 1 < end && t[i + 1] == '*') {
    for (i += 2; i + 1 < end && !(t[i] == '*' && t[i + 1] == '/'); i++) {}
    return i + 2 < end ? i + 2 : end;
  }
  for (i++; i < end && t[i] != q; i++)
    if (t[i] == '\\') i++;
  return i + 1 < end ? i + 1 : end;
}

static bool literal_start(const char *t, uint32_t i, uint32_t end) {
  return t[i] == '"' || t[i] == '\'' || t[i] == '`' ||
         (t[i] == '/' && i + 1 < end && (t[i + 1] == '/' || t[i + 1] == '*'));
}

/* The index after the bracket matching t[i] (`(` or `{`), or UINT32_MAX when it is not
 * found before end. */
static uint32_t match_bracket(const char *t, uint32_t i, uint32_t end) {
  char open = t[i], close = open == '(' ? ')' : '}';
  int depth = 0;
  while (i < end) {
    if (literal_start(t, i, end)) {
      i = skip_literal(t, i, end);
      continue;
    }
    if (t[i] == open) depth++;
    else if (t[i] == close && --depth == 0) return i + 1;
    i++;
  }
  return UINT32_MAX;
}

static uint32_t skip_space(const char *t, uint32_t i, uint32_t end) {
  while (i < end && (t[i] == ' ' || t[i] == '\t' || t[i] == '\r' || t[i] == '\n')) i++;
  return i;
}

/* The end of the statement starting at i: a block, or up to `;` / the line's end
 * outside brackets. */
static uint32_t statement_end(const char *t, uint32_t i, uint32_t end) {
  if (i < end && t[i] == '{') return match_bracket(t, i, end);
  while (i < end && t[i] != ';' && t[i] != '\n' && t[i] != '}') {
    if (literal_start(t, i, end)) i = skip_literal(t, i, end);
    else if (t[i] == '(' || t[i] == '{') {
      i = match_bracket(t, i, end);
      if (i == UINT32_MAX) return end;
    } else i++;
  }
  return i < end && t[i] == ';' ? i + 1 : i;
}

static bool word_at(const char *t, uint32_t i, uint32_t end, const char *w) {
  size_t n = strlen(w);
  return i + n <= end && !memcmp(t + i, w, n) && (i == 0 || !(isalnum((unsigned char)t[i - 1]) || t[i - 1] == '_')) &&
         (i + n == end || !(isalnum((unsigned char)t[i + n]) || t[i + n] == '_'));
}

/* A catch inside a loop that recognises the abort (`if (err.name === 'AbortError')`,
 * `if (signal.aborted)`, or the negated test guarding a rethrow of everything else)
 * and then lets the loop go on: the branch taken on an abort neither throws, returns
 * nor breaks. Every abort test must let the loop go on; none found: false. */
static bool abort_branch_goes_on(const ir_file *f, const ir_node *h) {
  const char *t = f->src->text;
  uint32_t b = h->span.start, end = h->span.end;
  while (b < end && t[b] != '{') b++;
  if (b >= end) return false;
  uint32_t close = match_bracket(t, b, end);
  if (close == UINT32_MAX) return false;
  uint32_t body_end = close - 1;
  int tests = 0;
  for (uint32_t i = b + 1; i < body_end;) {
    if (literal_start(t, i, body_end)) {
      i = skip_literal(t, i, body_end);
      continue;
    }
    if (!word_at(t, i, body_end, "if")) {
      i++;
      continue;
    }
    uint32_t p = skip_space(t, i + 2, body_end);
    if (p >= body_end || t[p] != '(') {
      i++;
      continue;
    }
    uint32_t q = match_bracket(t, p, body_end);
    if (q == UINT32_MAX) return false;
    if (!al_code_mentions(f, "abort_tests", p, q)) {
      i = q;
      continue;
    }
    uint32_t c = skip_space(t, p + 1, q);
    bool negated = al_code_contains(f, p, q, "!=") || t[c] == '!';
    uint32_t cons = skip_space(t, q, body_end), cons_end = statement_end(t, cons, body_end);
    if (cons_end == UINT32_MAX || cons_end > body_end) return false;
    uint32_t after = skip_space(t, cons_end, body_end), from, to;
    bool has_else = word_at(t, after, body_end, "else");
    if (!negated) from = cons, to = cons_end;
    else if (has_else) from = skip_space(t, after + 4, body_end), to = statement_end(t, from, body_end);
    else from = cons_end, to = body_end;
    if (to == UINT32_MAX || to > body_end) return false;
    if (al_code_mentions(f, "abort_exits", from, to)) return false;
    tests++;
    i = cons_end;
  }
  return tests > 0;
}

/* The loop (inside the handler's function) around the try, unless it stops on the
 * abort by itself (`while (!signal.aborted)`, or a test of the abort elsewhere in it)
 * or makes a signal per iteration (a timeout per attempt: going on is a retry). */
static const ir_node *loop_going_on(const ir_file *f, const ir_node *h) {
  for (const ir_node *p = h->parent ? h->parent->parent : NULL; p && p->kind != IR_FUNC; p = p->parent) {
    if (p->kind != IR_LOOP) continue;
    if (al_code_mentions(f, "abort_loop_stops", p->span.start, h->span.start) ||
        al_code_mentions(f, "abort_loop_stops", h->span.end, p->span.end))
      return NULL;
    return p;
  }
  return NULL;
}

/* The handler is in a loop that stops on the abort by itself (`while (!signal.aborted)`,
 * `if (signal.aborted) break;` in it): the catch goes on to that test, which ends the
 * loop — a poll loop that ends quietly on an abort, by design. */
static bool in_abort_checked_loop(const ir_file *f, const ir_node *h) {
  const ir_node *try_node = h->parent;
  for (const ir_node *p = try_node ? try_node->parent : NULL; p && p->kind != IR_FUNC; p = p->parent)
    if (p->kind == IR_LOOP) /* a test of the signal in the loop, outside the try */
      return al_code_mentions(f, "abort_state_checks", p->span.start, try_node->span.start) ||
             al_code_mentions(f, "abort_state_checks", try_node->span.end, p->span.end);
  return false;
}

/* The first call or await of fn after the try around handler h (in fn's own body, not a
 * nested function's), unless the code after the try tests the abort itself (`if
 * (signal.aborted) return;`, knowledge `abort_state_checks`): the work the function goes on
 * to after the catch. */
static const ir_node *work_after_try(const ir_file *f, const ir_node *h, const ir_node *fn) {
  const ir_node *try_node = h->parent;
  if (!fn || !try_node || al_code_mentions(f, "abort_state_checks", try_node->span.end, fn->span.end)) return NULL;
  const ir_node *first = NULL; /* the earliest of the first call and the first await after the try */
  for (int k = 0; k < 2; k++) {
    ir_node *const *all = ir_of_kind(f, k ? IR_AWAIT : IR_CALL); /* (pre-order: by start) */
    size_t lo = 0, hi = ir_count_of_kind(f, k ? IR_AWAIT : IR_CALL);
    while (lo < hi) {
      size_t mid = lo + (hi - lo) / 2;
      if (all[mid]->span.start < try_node->span.end) lo = mid + 1;
      else hi = mid;
    }
    for (ir_node *const *x = all + lo; *x && (*x)->span.start < fn->span.end; x++)
      if ((*x)->func == fn) {
        if (!first || (*x)->span.start < first->span.start) first = *x;
        break;
      }
  }
  return first;
}

static void check_js(const ir_file *f, al_sink *sink) {
  ir_kinds_iter n_it = ir_kinds(f, IR_KINDS(IR_HANDLER, IR_CALL));
  for (const ir_node *n; (n = ir_kinds_next(&n_it));) {
    const ir_node *fn = NULL;
    if (n->kind == IR_HANDLER && n->parent && n->parent->kind == IR_TRY) {
      const ir_node *op = awaits_abortable(f, n->parent);
      if (!op || !al_in_async_code(f, n, &fn)) continue;
      if (handles_abort(f, n->span.start, n->span.end)) {
        const ir_node *loop = loop_going_on(f, n);
        const ir_node *next = NULL;
        if (loop && abort_branch_goes_on(f, n))
          al_report_fix(sink, n, abort_rethrow_fix(f, n),
                        "this catch recognises the AbortError of `%s()` and the loop goes on: every later "
                        "iteration runs with the aborted signal and the caller sees a normal return; rethrow it, "
                        "or return/break when aborted",
                        al_call_label(f, op));
        else if (!loop && (next = work_after_try(f, n, fn)) && abort_branch_goes_on(f, n))
          al_report_fix(sink, n, abort_rethrow_fix(f, n),
                        "this catch recognises the AbortError of `%s()` and goes on to the work after the try "
                        "(line %u): the aborted function carries on as if nothing happened; rethrow it, or return "
                        "when aborted",
                        al_call_label(f, op), next->span.line);
        continue;
      }
      if (in_abort_checked_loop(f, n) || al_handler_exits_process(al_kb_for(f->lang), n)) continue;
      al_report_fix(sink, n, abort_rethrow_fix(f, n),
                    "this catch swallows the AbortError of `%s()`, which was given an AbortSignal: the abort is "
                    "treated as a failure and the code goes on; rethrow it (`if (err.name === 'AbortError') throw "
                    "err`) or check `signal.aborted`",
                    (op->flags & IR_F_NEW)
                        ? al_arena_fmt((al_arena *)&f->arena, "new %s", op->text ? op->text : op->name)
                        : al_call_label(f, op));
    } else if (n->kind == IR_CALL && n->name && al_ends_with(n->name, ".catch") && n->child &&
               n->child->kind == IR_CALL && n->child->use == IR_USE_CHAINED && abortable_call(f, n->child)) {
      const ir_node *cb = n->child->next;
      while (cb && cb->kind != IR_FUNC) cb = cb->next;
      if (cb && (handles_abort(f, cb->span.start, cb->span.end) || al_handler_exits_process(al_kb_for(f->lang), cb)))
        continue;
      /* a named handler may rethrow, unless it is a no-op or only logs (`.catch(console.error)`,
       * `.catch(logger.warn)`: knowledge `log_calls`), which settles the chain as a success */
      if (!cb && n->nargs && n->args[0].text && !strstr(n->args[0].text, "noop")) {
        const char *last = strrchr(n->args[0].text, '.'); /* (a bare `log` may be anything) */
        if (!last || !al_kb_find(al_kb_for(f->lang), "log_calls", last + 1)) continue;
      }
      al_report(sink, n, "`.catch()` on `%s()`, which was given an AbortSignal, ignores the AbortError: the abort "
                "looks like a normal completion; rethrow it or check `signal.aborted`",
                n->child->text ? n->child->text : n->child->name);
    }
  }
}

/* ---- C: cancellable requests and -ECANCELED ---- */

static bool body_mentions(const ir_file *f, const ir_node *fn, const char *word) {
  return al_code_contains(f, fn->body ? fn->body : fn->span.start, fn->span.end, word);
}

static bool uses_after(const ir_file *f, const ir_node *fn, uint32_t from);

static bool is_comparison(const char *t, uint32_t i, uint32_t end) {
  if (i >= end) return false;
  if (t[i] == '<' || t[i] == '>') return i + 1 >= end || t[i + 1] != t[i]; /* not a shift */
  return i + 1 < end && (t[i] == '=' || t[i] == '!') && t[i + 1] == '=';
}

/* An fs callback tests req->result (field: knowledge `cancel`): compares it (`req->result < 0`, `UV_ECANCELED ==
 * req->result`), tests it in a condition (`if (req->result)`, `switch`), or keeps it in
 * a variable (tested there, as far as we can tell). Reading it as a count or an fd
 * (`fwrite(buf, 1, req->result, out)`) is not a test. */
static bool result_tested(const ir_file *f, const ir_node *fn, const char *field) {
  const char *t = f->src->text;
  uint32_t from = fn->body ? fn->body : fn->span.start, end = fn->span.end;
  size_t fl = strlen(field);
  for (const char *o = t + from; fl && (o = memmem(o, t + end - o, field, fl)); o += fl) {
    uint32_t at = (uint32_t)(o - t), after = at + (uint32_t)fl;
    if ((at > 0 && (isalnum((unsigned char)t[at - 1]) || t[at - 1] == '_')) ||
        (after < end && (isalnum((unsigned char)t[after]) || t[after] == '_')))
      continue; /* a longer word */
    if (is_comparison(t, skip_space(t, after, end), end)) return true;
    uint32_t b = at; /* before the operand (`req->`, `(ssize_t)`) */
    while (b > from && (isalnum((unsigned char)t[b - 1]) || t[b - 1] == '_' || t[b - 1] == '-' || t[b - 1] == '>' ||
                        t[b - 1] == '.' || t[b - 1] == ' '))
      b--;
    if (b >= 2 && is_comparison(t, b - 2, end)) return true;
    if (b >= 1 && t[b - 1] == '!') return true;
    /* the statement it is in: a condition, or `x = req->result` */
    uint32_t q = at;
    while (q > from && t[q - 1] != ';' && t[q - 1] != '{' && t[q - 1] != '}') q--;
    q = skip_space(t, q, at);
    if (word_at(t, q, at, "if") || word_at(t, q, at, "while") || word_at(t, q, at, "switch")) {
      uint32_t open = q;
      while (open < at && t[open] != '(') open++;
      uint32_t close = open < at ? match_bracket(t, open, end) : UINT32_MAX;
      if (close != UINT32_MAX && at < close) return true; /* in the condition, not the body */
    }
    if (b >= 1 && t[b - 1] == '=' && (b < 2 || !strchr("=!<>", t[b - 2]))) return true;
    if (b >= 1 && t[b - 1] == ')' ) { /* a cast: look before it */
      uint32_t c = b - 1;
      while (c > from && t[c] != '(') c--;
      uint32_t d = c;
      while (d > from && t[d - 1] == ' ') d--;
      if (d >= 1 && t[d - 1] == '=' && (d < 2 || !strchr("=!<>", t[d - 2]))) return true;
      if (d >= 2 && is_comparison(t, d - 2, end)) return true;
    }
  }
  return false;
}

/* How callback fn learns its request was cancelled: the `registrations` entry (with
 * `cancel`) of the API it is registered with, else that of its callback type, known by
 * its parameters (`callback_signatures` with `cancel`: registered where the index cannot
 * see, `void after(uv_work_t *req, int status)`), when by_signature; NULL: neither.
 * label: how the messages name it. */
static const al_kb_entry *cancel_api(const ir_file *f, const al_index *idx, const ir_node *fn, bool by_signature,
                                     char *label, size_t cap) {
  const al_func_info *info = al_index_func(idx, f, fn);
  if (info && info->reg_api && al_kb_attr(info->reg_api, "cancel")) {
    snprintf(label, cap, "of `%s()`", info->reg_api->name);
    return info->reg_api;
  }
  if ((info && info->reg_api) || !by_signature) return NULL; /* (registered with an API whose requests are not cancelled) */
  const al_kb_entry *e = (fn->flags & IR_F_CB_SIGNATURE) && fn->alias
                             ? al_kb_find(al_kb_for(f->lang), "callback_signatures", fn->alias)
                             : NULL;
  if (!e || !al_kb_attr(e, "cancel")) return NULL;
  snprintf(label, cap, "(a %s, by its parameters)", e->name);
  return e;
}

/* A callback of a cancellable request (knowledge `registrations` with `cancel`) that
 * never looks at the status (or req->result) before using the result. */
static void check_c_callbacks(const ir_file *f, const al_index *idx, al_sink *sink) {
  for (const ir_node *fn = f->root->child; fn; fn = fn->next) {
    if (fn->kind != IR_FUNC) continue;
    char label[160];
    /* (registered only: a function of `uv_fs_t *` alone may be any helper) */
    const al_kb_entry *api = cancel_api(f, idx, fn, false, label, sizeof label);
    const char *how = api ? al_kb_attr(api, "cancel") : NULL;
    if (!how) continue;
    bool checked;
    if (!strcmp(how, "status")) {
      const char *sa = al_kb_attr(api, "status_arg");
      uint32_t i = sa ? (uint32_t)strtoul(sa, NULL, 10) : 1;
      const char *param = i < fn->nargs ? fn->args[i].text : NULL;
      checked = !param || !*param || body_mentions(f, fn, param);
    } else {
      checked = result_tested(f, fn, how) || body_mentions(f, fn, "ECANCELED"); /* how: the field, `result` */
    }
    /* a callback that only releases the request (`free(req)`, uv_fs_req_cleanup) is
     * right for a cancelled one too */
    if (checked || !fn->body || !uses_after(f, fn, fn->body)) continue;
    al_report(sink, fn, "callback `%s` %s uses the request without checking whether it was cancelled: a "
              "cancelled request completes with %s == UV_ECANCELED and no result; test it first",
              fn->name, label, !strcmp(how, "status") ? "status" : "req->result");
  }
}

/* C: the end of the statement or block starting at s (after an if's condition or an
 * else; an `else if (...) ...` with its own else): statement_end without JS's line
 * ends, on the same bracket and literal helpers. */
static uint32_t c_statement_end(const char *t, uint32_t s, uint32_t end) {
  s = skip_space(t, s, end);
  if (s >= end) return end;
  if (t[s] == '{') {
    uint32_t e = match_bracket(t, s, end);
    return e == UINT32_MAX ? end : e;
  }
  if (word_at(t, s, end, "if")) {
    uint32_t c = skip_space(t, s + 2, end);
    uint32_t e = c < end && t[c] == '(' ? match_bracket(t, c, end) : UINT32_MAX;
    if (e == UINT32_MAX) return end;
    e = c_statement_end(t, e, end);
    uint32_t n = skip_space(t, e, end);
    return word_at(t, n, end, "else") ? c_statement_end(t, n + 4, end) : e;
  }
  while (s < end && t[s] != ';') {
    if (literal_start(t, s, end)) {
      s = skip_literal(t, s, end);
    } else if (t[s] == '(' || t[s] == '{') {
      s = match_bracket(t, s, end);
      if (s == UINT32_MAX) return end;
    } else {
      s++;
    }
  }
  return s < end ? s + 1 : end;
}

/* The statement at s only names the request (or its user data) again: `write_req_t *wr =
 * (write_req_t *)req;`, `baton_t *b = req->data;` — a declaration whose value is a name,
 * maybe cast, maybe `->data` / `.data` off it. Reading no result, it is part of the
 * cleanup that follows. */
static bool alias_declaration(const char *t, uint32_t s, uint32_t end) {
  uint32_t i = s, words = 0;
  while (i < end && (isalnum((unsigned char)t[i]) || t[i] == '_' || t[i] == '*' || t[i] == ' ' || t[i] == '\t')) {
    if ((isalpha((unsigned char)t[i]) || t[i] == '_') && (i == s || !(isalnum((unsigned char)t[i - 1]) || t[i - 1] == '_')))
      words++;
    i++;
  }
  if (words < 2 || i >= end || t[i] != '=' || (i + 1 < end && t[i + 1] == '=')) return false; /* a type and a name */
  i = skip_space(t, i + 1, end);
  if (i < end && t[i] == '(') { /* a cast */
    uint32_t j = i + 1;
    while (j < end && (isalnum((unsigned char)t[j]) || t[j] == '_' || t[j] == '*' || t[j] == ' ' || t[j] == '\t')) j++;
    if (j >= end || t[j] != ')') return false;
    i = skip_space(t, j + 1, end);
  }
  uint32_t n = i;
  while (n < end && (isalnum((unsigned char)t[n]) || t[n] == '_')) n++;
  if (n == i || isdigit((unsigned char)t[i])) return false;
  if (n + 6 <= end && !memcmp(t + n, "->data", 6)) n += 6;
  else if (n + 5 <= end && !memcmp(t + n, ".data", 5)) n += 5;
  n = skip_space(t, n, end);
  return n < end && t[n] == ';';
}

/* From `from` to the end of fn, the callback does more than release things and return
 * (knowledge `free_calls`, `release_calls`): it goes on to use the request's result. */
static bool uses_after(const ir_file *f, const ir_node *fn, uint32_t from) {
  const char *t = f->src->text;
  const al_kb *kb = al_kb_for(f->lang);
  uint32_t end = fn->span.end;
  for (uint32_t s = from; s < end;) {
    s = skip_space(t, s, end);
    if (s < end && (t[s] == '{' || t[s] == '}')) {
      s++;
      continue;
    }
    if (s >= end) break;
    if (t[s] == '/' && literal_start(t, s, end)) { /* a comment */
      s = skip_literal(t, s, end);
      continue;
    }
    if (word_at(t, s, end, "return")) return false;
    if ((end - s > 6 && !memcmp(t + s, "(void)", 6)) /* `(void)status;`: marked unused */ ||
        alias_declaration(t, s, end)) {
      s = c_statement_end(t, s, end);
      continue;
    }
    uint32_t n = s;
    while (n < end && (isalnum((unsigned char)t[n]) || t[n] == '_')) n++;
    char name[64];
    if (n > s && n - s < sizeof name && t[skip_space(t, n, end)] == '(') {
      memcpy(name, t + s, n - s);
      name[n - s] = 0;
      if (al_kb_find(kb, "free_calls", name) || al_kb_find(kb, "release_calls", name)) {
        s = c_statement_end(t, s, end);
        continue;
      }
    }
    return true;
  }
  return false;
}

/* A callback of a cancellable request that tests for a cancellation status (knowledge
 * `cancelled`: UV_ECANCELED, ...), does not leave, and
 * then goes on to use the result (`if (status == UV_ECANCELED) log(...); use(req->data)`,
 * `if (req->result == UV_ECANCELED) req->result = 0;`): the work it reads never ran. */
static void check_c_callback_tests(const ir_file *f, const al_index *idx, al_sink *sink) {
  const char *t = f->src->text;
  for (const ir_node *fn = f->root->child; fn; fn = fn->next) {
    if (fn->kind != IR_FUNC || !fn->body) continue;
    char label[160];
    /* (by its parameters too: a function that tests for UV_ECANCELED is a callback) */
    if (!cancel_api(f, idx, fn, true, label, sizeof label)) continue;
    const al_kb_section *sec = al_kb_section_get(al_kb_for(f->lang), "cancelled");
    for (size_t k = 0; sec && k < sec->entries.len; k++) {
      const char *w = ((const al_kb_entry *)sec->entries.items[k])->name;
      size_t wl = strlen(w);
      for (uint32_t i = fn->body; i + wl <= fn->span.end; i++) {
        uint32_t past = al_skip_comment_or_literal(f, i, fn->span.end); /* not in a comment or a string */
        if (past != i) {
          i = past - 1;
          continue;
        }
        if (memcmp(t + i, w, wl)) continue;
        uint32_t at = i, q = at;
        if (at > 0 && (t[at - 1] == '_' || (t[at - 1] >= 'A' && t[at - 1] <= 'Z'))) continue; /* in a longer name */
        while (q > fn->body && t[q] != '(' && t[q] != ';' && t[q] != '{' && t[q] != '}') q--;
        if (t[q] != '(' || !memmem(t + q, at - q + 1, "==", 2)) continue;
        uint32_t close = at + (uint32_t)wl; /* the if's own `)`: past nested parentheses */
        for (uint32_t d = 0; close < fn->span.end; close++) {
          if (t[close] == '(') d++;
          else if (t[close] == ')' && d-- == 0) break;
        }
        if (close >= fn->span.end) continue;
        uint32_t b = close + 1, e = c_statement_end(t, b, fn->span.end);
        if (al_code_contains(f, b, e, "return") || al_code_contains(f, b, e, "goto") || al_code_contains(f, b, e, "abort"))
          continue;
        uint32_t n = skip_space(t, e, fn->span.end);
        if (word_at(t, n, fn->span.end, "else")) e = c_statement_end(t, n + 4, fn->span.end);
        if (!uses_after(f, fn, e)) continue;
        ir_node x = {.kind = IR_CALL, .span = al_span_at(f, at, (uint32_t)wl)};
        al_report(sink, &x, "callback `%s` %s notes %s and carries on: the code after the test runs "
                  "for the cancelled request too and uses a result that was never produced; return after the "
                  "cleanup", fn->name ? fn->name : "?", label, w);
      }
    }
  }
}

/* The first `return` in [from, to) (not in a comment or a literal) is `return 0;`. */
static bool first_return_is_success(const ir_file *f, uint32_t from, uint32_t to) {
  const char *t = f->src->text;
  for (uint32_t i = from; i < to; i++) {
    uint32_t past = al_skip_comment_or_literal(f, i, to);
    if (past != i) {
      i = past - 1;
      continue;
    }
    if (!word_at(t, i, to, "return") || (i > 0 && (isalnum((unsigned char)t[i - 1]) || t[i - 1] == '_'))) continue;
    uint32_t v = skip_space(t, i + 6, to);
    return v + 1 < to && t[v] == '0' && t[skip_space(t, v + 1, to)] == ';';
  }
  return false;
}

/* The cancellation status at o (wl bytes) singled out of a failure path that the function
 * then leaves with success: `if (rc < 0 && rc != -ECANCELED) return rc; ... return 0;`, or
 * `switch (rc) { case -ECANCELED: break; ... } ... return 0;` (`case -ECANCELED: return 0;`).
 * Returns how, or NULL. */
static const char *cancel_excluded(const ir_file *f, const ir_node *fn, uint32_t o, size_t wl) {
  const char *t = f->src->text;
  uint32_t end = fn->span.end, b = o;
  /* (a task's status, from a suspension point before it: a libuv request cancelled by
   * the program's own uv_cancel() may well end in success) */
  if (!al_c_names_any(f, "checkpoints", true, fn->body, o)) return NULL;
  while (b > fn->body && (t[b - 1] == ' ' || t[b - 1] == '-' || t[b - 1] == '\t')) b--;
  uint32_t after = 0;
  if (b >= 2 && t[b - 2] == '!' && t[b - 1] == '=') { /* `!= -ECANCELED` in an if's condition */
    uint32_t q = b;
    while (q > fn->body && t[q] != '(' && t[q] != ';' && t[q] != '{' && t[q] != '}') q--;
    uint32_t p = q;
    while (p > fn->body && (t[p - 1] == ' ' || t[p - 1] == '\t')) p--;
    if (t[q] != '(' || p < fn->body + 2 || !word_at(t, p - 2, end, "if")) return NULL;
    uint32_t close = match_bracket(t, q, end);
    if (close == UINT32_MAX) return NULL;
    uint32_t st = c_statement_end(t, close, end);
    if (word_at(t, skip_space(t, st, end), end, "else") || first_return_is_success(f, close, st) ||
        !(al_code_contains(f, close, st, "return") || al_code_contains(f, close, st, "goto")))
      return NULL; /* the failures it keeps must leave */
    after = st;
  } else if (b >= fn->body + 4 && word_at(t, b - 4, end, "case")) { /* `case -ECANCELED:` */
    uint32_t c = o + (uint32_t)wl;
    while (c < end && t[c] != ':') c++;
    uint32_t s = skip_space(t, c + 1, end);
    for (uint32_t past; s < end && (past = al_skip_comment_or_literal(f, s, end)) != s;) s = skip_space(t, past, end);
    if (first_return_is_success(f, s, c_statement_end(t, s, end)) && word_at(t, s, end, "return"))
      return al_c_names_any(f, "uncancel_calls", true, s, end) ? NULL : "the function reports success (`return 0`)";
    if (!word_at(t, s, end, "break")) return NULL;
    int depth = 0; /* the switch's closing brace */
    for (after = s; after < end; after++) {
      if (t[after] == '{') depth++;
      else if (t[after] == '}' && depth-- == 0) break;
    }
    if (after >= end) return NULL;
  } else {
    return NULL;
  }
  if (!first_return_is_success(f, after, end) || al_c_names_any(f, "uncancel_calls", true, o, end) ||
      al_c_names_any(f, "checkpoints", true, after, end))
    return NULL;
  return "the function goes on to report success (`return 0`)";
}

/* `if (rc == -ECANCELED) continue;` / `... return 0;`: the cancellation is noted and
 * dropped (the task goes on, or reports success). Read off the source after each test
 * of a cancellation status (knowledge `cancelled`). */
static void check_c_status_tests(const ir_file *f, al_sink *sink) {
  const al_kb_section *sec = al_kb_section_get(al_kb_for(f->lang), "cancelled");
  const char *t = f->src->text;
  for (const ir_node *fn = f->root->child; fn && sec; fn = fn->next) {
    if (fn->kind != IR_FUNC || !fn->body) continue;
    for (size_t k = 0; k < sec->entries.len; k++) {
      const char *w = ((const al_kb_entry *)sec->entries.items[k])->name;
      size_t wl = strlen(w);
      for (uint32_t o = fn->body; o + wl < fn->span.end; o++) {
        uint32_t past = al_skip_comment_or_literal(f, o, fn->span.end); /* not in a comment or a string */
        if (past != o) {
          o = past - 1;
          continue;
        }
        if (strncmp(t + o, w, wl) || (o > 0 && (t[o - 1] == '_' || (t[o - 1] >= 'A' && t[o - 1] <= 'Z')))) continue;
        const char *excluded = cancel_excluded(f, fn, o, wl);
        if (excluded) {
          ir_node at = {.kind = IR_CALL, .span = al_span_at(f, o, (uint32_t)wl)};
          al_report(sink, &at, "`%s` is singled out of the failures and %s: the cancellation is dropped and the "
                    "canceller sees the task succeed; return the error (or rt_uncancel() deliberately)", w, excluded);
          continue;
        }
        /* the condition holding it: `== W` within an if (...) */
        uint32_t q = o;
        while (q > fn->body && t[q] != '(' && t[q] != ';' && t[q] != '{' && t[q] != '}') q--;
        if (t[q] != '(' || !memmem(t + q, o - q + 1, "==", 2)) continue;
        uint32_t close = o + (uint32_t)wl;
        while (close < fn->span.end && t[close] != ')') close++;
        uint32_t s = close + 1;
        for (;;) { /* skip blanks, an opening brace and comments */
          while (s < fn->span.end && (t[s] == ' ' || t[s] == '\n' || t[s] == '\t' || t[s] == '{')) s++;
          if (s + 1 < fn->span.end && t[s] == '/' && t[s + 1] == '*') {
            const char *e = memmem(t + s + 2, fn->span.end - s - 2, "*/", 2);
            if (!e) break;
            s = (uint32_t)(e - t) + 2;
          } else if (s + 1 < fn->span.end && t[s] == '/' && t[s + 1] == '/') {
            while (s < fn->span.end && t[s] != '\n') s++;
          } else {
            break;
          }
        }
        bool swallow = !strncmp(t + s, "continue", 8) || !strncmp(t + s, "return 0;", 9) ||
                       !strncmp(t + s, "return 0 ;", 10);
        const char *then = !strncmp(t + s, "continue", 8) ? "the loop continues" : "the function reports success";
        if (!swallow && t[close + 1 + strspn(t + close + 1, " \t\n")] == '{') {
          /* a block that neither returns nor leaves, after which the task reaches a
           * suspension point (knowledge `checkpoints`) */
          uint32_t b = close + 1 + (uint32_t)strspn(t + close + 1, " \t\n"), e = b, d = 0;
          for (; e < fn->span.end; e++) {
            if (t[e] == '{') d++;
            else if (t[e] == '}' && --d == 0) break;
          }
          bool leaves = al_code_contains(f, b, e, "return") || al_code_contains(f, b, e, "goto") ||
                        al_code_contains(f, b, e, "break") || al_code_contains(f, b, e, "abort");
          if (al_c_names_any(f, "uncancel_calls", true, b, e)) continue; /* handled on purpose */
          swallow = !leaves && al_c_names_any(f, "checkpoints", true, e, fn->span.end);
          then = "the task goes on to another suspension point";
          /* `if (rc == -ECANCELED) { log(); return 0; }` */
          if (leaves && first_return_is_success(f, b, e) && !al_code_contains(f, b, e, "goto")) {
            swallow = true;
            then = "the function reports success (`return 0`)";
          }
          /* or it goes on to report success: `if (rc == -ECANCELED) { log(); } ... return 0;` */
          if (!leaves && !swallow && first_return_is_success(f, e, fn->span.end)) {
            swallow = true;
            then = "the function goes on to report success (`return 0`)";
          }
        }
        if (!swallow) continue;
        ir_node at = {.kind = IR_CALL, .span = al_span_at(f, o, (uint32_t)wl)}; /* reported at the test */
        al_report(sink, &at, "`%s` is tested and then %s: the cancellation is dropped and the task carries on; "
                  "return the error (or rt_uncancel() deliberately)",
                  w, then);
      }
    }
  }
}

/* The condition of the `if (...)` whose `(` is at open, spaces removed, into buf. */
static bool condition_text(const char *t, uint32_t open, uint32_t close, char *buf, size_t cap) {
  size_t k = 0;
  for (uint32_t i = open + 1; i < close; i++) {
    if (t[i] == ' ' || t[i] == '\t' || t[i] == '\n' || t[i] == '\r') continue;
    if (k + 1 >= cap) return false;
    buf[k++] = t[i];
  }
  buf[k] = 0;
  return true;
}

/* `int rc = rt_sleep_until(d); if (rc < 0) continue;`, `if (rt_fd_wait(fd, ev, d) != 0)
 * return 0;`: every failure of a suspension point (knowledge `checkpoints`), -ECANCELED
 * with the rest, is dropped — the loop goes on (and as the cancellation stays pending,
 * every later suspension point fails at once: the task spins), or the task reports
 * success. A test that names a cancellation status is the check above's. */
static void check_c_broad_tests(const ir_file *f, al_sink *sink) {
  const char *t = f->src->text;
  const al_kb *kb = al_kb_for(f->lang);
  for (ir_node *const *at = ir_of_kind(f, IR_CALL); *at; at++) {
    const ir_node *n = *at;
    const ir_node *fn = n->name && al_kb_find(kb, "checkpoints", n->name) ? ir_enclosing_func(n) : NULL;
    if (!fn) continue;
    if (n->use == IR_USE_DISCARDED) { /* (`(void)rt_sleep(...)` says it is deliberate) */
      /* unless the task then asks whether it was cancelled (`rt_yield(); if (rt_cancelled())
       * ...`); a cleanup await in the branch that found the task cancelled is AL404's */
      if (al_c_names_any(f, "cancel_state", true, n->span.end, fn->span.end) ||
          (fn->body && al_c_cancelled_branch(f, fn, n->span.start) != UINT32_MAX))
        continue;
      al_report(sink, n,
                "the result of `%s()` is dropped: when the task is cancelled it returns -ECANCELED, and the task "
                "carries on as if nothing happened; test it and return the error (or cast it to void where a "
                "cancellation here cannot matter)",
                al_call_label(f, n));
      continue;
    }
    uint32_t end = fn->span.end, open, close;
    char var[128], cond[256], want[3][160];
    if (n->alias || al_c_assign_target(f, n->span.start, var, sizeof var)) {
      if (n->alias) snprintf(var, sizeof var, "%s", n->alias);
      /* the next statement tests it */
      uint32_t s = skip_space(t, c_statement_end(t, n->span.end, end), end);
      if (!word_at(t, s, end, "if")) continue;
      open = skip_space(t, s + 2, end);
      if (open >= end || t[open] != '(' || (close = match_bracket(t, open, end)) == UINT32_MAX) continue;
      close--; /* (match_bracket gives the index after it) */
      snprintf(want[0], sizeof want[0], "%s<0", var);
      snprintf(want[1], sizeof want[1], "%s!=0", var);
      snprintf(want[2], sizeof want[2], "%s", var);
    } else {
      /* `if (rt_x(...) < 0)`: the call opens the condition */
      uint32_t p = n->span.start;
      while (p > fn->body && (t[p - 1] == ' ' || t[p - 1] == '\t')) p--;
      if (p == 0 || t[p - 1] != '(') continue;
      open = p - 1;
      uint32_t w = open;
      while (w > fn->body && (t[w - 1] == ' ' || t[w - 1] == '\t')) w--;
      if (w < 2 || memcmp(t + w - 2, "if", 2) || (w > 2 && (isalnum((unsigned char)t[w - 3]) || t[w - 3] == '_')))
        continue;
      if ((close = match_bracket(t, open, end)) == UINT32_MAX) continue;
      close--;
      char call[128];
      if (!condition_text(t, open, n->span.end, call, sizeof call)) continue; /* `rt_x(...)` */
      snprintf(want[0], sizeof want[0], "%s<0", call);
      snprintf(want[1], sizeof want[1], "%s!=0", call);
      snprintf(want[2], sizeof want[2], "%s", call);
    }
    if (!condition_text(t, open, close, cond, sizeof cond)) continue;
    if (strcmp(cond, want[0]) && strcmp(cond, want[1]) && strcmp(cond, want[2])) continue;
    uint32_t s = close + 1;
    while (s < end && (t[s] == ' ' || t[s] == '\t' || t[s] == '\n' || t[s] == '\r' || t[s] == '{')) s++;
    bool cont = word_at(t, s, end, "continue");
    uint32_t v = word_at(t, s, end, "return") ? skip_space(t, s + 6, end) : end;
    bool ok = v + 1 < end && t[v] == '0' && t[skip_space(t, v + 1, end)] == ';';
    if (!cont && !ok) {
      /* a branch that only notes the failure (`{ log(rc); }`), after which the task reports
       * success */
      uint32_t b = skip_space(t, close + 1, end), e = c_statement_end(t, b, end);
      if (al_code_contains(f, b, e, "return") || al_code_contains(f, b, e, "goto") ||
          al_code_contains(f, b, e, "break") || al_code_contains(f, b, e, "continue") ||
          al_code_contains(f, b, e, "abort") || al_code_contains(f, b, e, "exit") || !first_return_is_success(f, e, end))
        continue;
      ok = true;
    }
    ir_node x = {.kind = IR_CALL, .span = al_span_at(f, open + 1, close - open - 1)};
    al_report(sink, &x,
              "`%s()` fails with -ECANCELED once the task is cancelled, and this test %s every failure alike: %s; "
              "test for -ECANCELED first and return it",
              al_call_label(f, n), cont ? "continues the loop on" : "turns into success (`return 0`)",
              cont ? "the cancellation is dropped, and as it stays pending every later suspension point fails at "
                     "once — the task spins"
                   : "the cancellation is dropped and the canceller sees the task succeed");
  }
}

/* The handler's types as written in Python: `(A, B)` for a tuple (the IR joins them
 * with commas). */
static const char *except_types(const char *names, char *buf, size_t cap) {
  if (!names || !strchr(names, ',')) return names ? names : "";
  size_t n = 0;
  buf[n++] = '(';
  for (const char *p = names; *p && n + 4 < cap; p++) {
    buf[n++] = *p;
    if (*p == ',') buf[n++] = ' ';
  }
  buf[n++] = ')';
  buf[n] = 0;
  return buf;
}

static void check(const ir_file *f, const al_index *idx, al_sink *sink) {
  if (f->lang == AL_LANG_JS) {
    check_js(f, sink);
    return;
  }
  if (f->lang == AL_LANG_C) {
    check_c_callbacks(f, idx, sink);
    check_c_callback_tests(f, idx, sink);
    check_c_status_tests(f, sink);
    check_c_broad_tests(f, sink);
    return;
  }
  ir_kinds_iter n_it = ir_kinds(f, IR_KINDS(IR_HANDLER, IR_WITH));
  for (const ir_node *n; (n = ir_kinds_next(&n_it));) {
    const ir_node *fn = NULL;
    if (n->kind == IR_HANDLER) {
      if (!al_handler_catches_cancel(f, n, false) || !al_in_async_code(f, n, &fn)) continue;
      if (al_handler_propagates(f, n)) {
        /* re-raised as something else: only the task's own cancellation (the try awaits) */
        const ir_node *r = al_handler_replacing_raise(f, n);
        char types[256];
        if (r && n->parent && n->parent->kind == IR_TRY && al_try_awaits(f, n->parent) &&
            !cancel_then_wait(f, n->parent) && !al_handler_checks_cancel_state(f, n))
          al_report(sink, n,
                    "`except%s %s` in async function `%s` turns the cancellation into `raise %.60s`: the task ends "
                    "with another error, so the canceller (asyncio.timeout, a TaskGroup, task.cancel()) never "
                    "sees it cancelled; clean up, then re-raise the cancellation",
                    al_py_star_handler(f, n) ? "*" : "", except_types(n->name, types, sizeof types),
                    fn && fn->name ? fn->name : "?", r->name);
        continue;
      }
      if (cancel_then_wait(f, n->parent)) continue;
      char types[256];
      al_report_fix(sink, n, raise_fix(f, n),
                    "`except%s %s` swallows cancellation in async function `%s`: the task goes on as if it had not been "
                    "cancelled (timeouts and shutdown stop working); clean up, then re-raise",
                    al_py_star_handler(f, n) ? "*" : "", except_types(n->name, types, sizeof types),
                    fn && fn->name ? fn->name : "?");
    } else if (n->kind == IR_WITH) {
      const char *what;
      if (!suppresses_cancel(f, n, &what) || !al_in_async_code(f, n, &fn) || cancel_then_wait(f, n)) continue;
      al_report(sink, n, "`suppress(%s)` swallows cancellation in async function `%s`: the task goes on as if it had "
                "not been cancelled; let the cancellation propagate",
                what, fn && fn->name ? fn->name : "?");
    }
  }
}

const al_rule rule_al401 = {
    .code = "AL401",
    .name = "swallowed-cancel",
    .family = AL_FAMILY_CANCELLATION,
    .langs = AL_LANGS_ALL,
    .severity = AL_SEV_ERROR,
    .summary = "a cancellation exception is caught and not re-raised",
    .fix = AL_FIX_UNSAFE,
    .check = check,
};
