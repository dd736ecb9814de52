/* AL512 non-atomic-update: shared state read before an await (in a JavaScript
 * generator, a yield: co, redux-saga) and written after it, in one statement —
 * `this.total += await count(x)`, `self.items = self.items + await more()`, `total +=
 * await count(i)` on an outer (closure, global, nonlocal) variable. The value is read,
 * the task suspends, and the write uses the stale value: an update made meanwhile by
 * another task is lost (ESLint require-atomic-updates, Biome useAtomicUpdates — narrowed
 * to shared state, and to reads that precede the await). A local of the function is not
 * shared (in JavaScript: unless a function nested in it names it, as ESLint counts it);
 * nor is `x = await f(x)` (the await comes first in the text); a parameter's property
 * is the caller's object's (shared, as ESLint counts it), unless the parameter was
 * rebound or is a rest one. Found on the await's line: the target starts the
 * statement. Also a check-then-act: `if (!client) client = await connect()` (the `if`
 * tests the target), not under a lock; and a stale copy written back (`n = self.count;
 * await ...; self.count = n + 1`), and a test, an await, then a write in the if block.
 */
#include <ctype.h>
#include <string.h>

#include "common.h"


/* The path text (`a.b[c]`, `this.x`) occurs in t[from, to) not preceded by an
 * identifier character or a dot, and not followed by one (a prefix of a longer path). */
static bool has_path(const char *t, uint32_t from, uint32_t to, const char *path, size_t pl) {
  for (uint32_t i = from; i + pl <= to; i++)
    if (!memcmp(t + i, path, pl) &&
        (i == from || (!al_ident_char(t[i - 1]) && (t[i - 1] != '.' || (i >= 3 && !memcmp(t + i - 3, "...", 3))))) &&
        (i + pl == to || (!al_ident_char(t[i + pl]) && t[i + pl] != '.')))
      return true;
  return false;
}


/* The mention of the target at m and the await at aw sit in the two branches of one
 * conditional expression in t[from, aw): `foo = cond ? foo : await bar` (JS), `foo =
 * foo if cond else await bar` (Python). Only one branch runs, so the read and the
 * suspension never meet: not a lost update (ESLint's require-atomic-updates follows code
 * paths and agrees). A read in the condition, or outside the conditional, still comes
 * before the await. */
#define BRANCH_DEPTH 32
static bool branches_apart(const char *t, uint32_t from, uint32_t m, uint32_t aw, bool py) {
  uint32_t open[BRANCH_DEPTH][8], seg[BRANCH_DEPTH]; /* pending `?` (JS) or `if` (Python); a segment's start */
  uint8_t nopen[BRANCH_DEPTH] = {0};
  int depth = 0, cand = -1;
  if (aw - from > 4096) return false; /* (each mention scans the statement: bounded) */
  seg[0] = from;
  for (uint32_t i = from; i < aw; i++) {
    char c = t[i];
    if (c == '"' || c == '\'' || c == '`') { /* a string: to its closing quote */
      for (i++; i < aw && t[i] != c; i++)
        if (t[i] == '\\') i++;
      continue;
    }
    if (c == '(' || c == '[' || c == '{') {
      if (++depth >= BRANCH_DEPTH) return false;
      nopen[depth] = 0, seg[depth] = i + 1;
    } else if (c == ')' || c == ']' || c == '}') {
      if (--depth < 0) return false;
      if (cand > depth) cand = -1; /* the conditional ended before the await */
    } else if (c == ',' || c == ';') {
      if (cand == depth) cand = -1;
      nopen[depth] = 0, seg[depth] = i + 1;
    } else if (!py && c == '?' && t[i + 1] != '?' && t[i + 1] != '.' && (i == from || t[i - 1] != '?')) {
      if (nopen[depth] < 8) open[depth][nopen[depth]++] = i;
    } else if (!py && c == ':' && nopen[depth]) {
      uint32_t q = open[depth][--nopen[depth]];
      if (q < m && m < i && cand < 0) cand = depth;
    } else if (py && (i == from || !al_ident_char(t[i - 1])) && !strncmp(t + i, "if", 2) && !al_ident_char(t[i + 2])) {
      if (nopen[depth] < 8) open[depth][nopen[depth]++] = i;
    } else if (py && (i == from || !al_ident_char(t[i - 1])) && !strncmp(t + i, "else", 4) && !al_ident_char(t[i + 4]) &&
               nopen[depth]) {
      uint32_t q = open[depth][--nopen[depth]];
      if (seg[depth] <= m && m < q && cand < 0) cand = depth;
    }
  }
  return cand >= 0 && cand <= depth;
}

/* The target is read in t[from, aw) on a path that reaches the await: a mention not in
 * the other branch of a conditional. */
static bool read_before(const char *t, uint32_t from, uint32_t aw, const char *path, size_t pl, bool py) {
  for (uint32_t i = from; i + pl <= aw; i++)
    if (!memcmp(t + i, path, pl) && !al_ident_char(t[i + pl]) && t[i + pl] != '.' &&
        (i == from || (!al_ident_char(t[i - 1]) && (t[i - 1] != '.' || (i >= 3 && !memcmp(t + i - 3, "...", 3))))) &&
        !branches_apart(t, from, i, aw, py))
      return true;
  return false;
}

/* JS: name is declared in fn (let/const/var, a parameter, or a function of that name). */
static bool js_declared(const ir_file *f, const ir_node *fn, const char *name, size_t nl) {
  if (ir_has_param(fn, name, nl)) return true;
  const char *t = f->src->text;
  static const char *const kw[] = {"let", "const", "var", "function", NULL};
  for (uint32_t i = fn->span.start; i + nl < fn->span.end; i++) {
    if (i > fn->span.start && al_ident_char(t[i - 1])) continue;
    for (int k = 0; kw[k]; k++) {
      size_t kl = strlen(kw[k]);
      if (strncmp(t + i, kw[k], kl) || al_ident_char(t[i + kl])) continue;
      uint32_t j = i + (uint32_t)kl;
      /* `let a = 1, name`, `const { name }`, `let [x, name]`: the declaration's line (a
       * loop head's `for (const i of items)` ends at its parenthesis) */
      uint32_t e = j;
      while (e < fn->span.end && t[e] != '\n' && t[e] != ';' && t[e] != '=' && t[e] != ')' &&
             (strcmp(kw[k], "function") || t[e] != '('))
        e++;
      if (has_path(t, j, e, name, nl)) return true;
    }
  }
  return false;
}

/* Python: fn declares `global name` or `nonlocal name`. */
static bool py_shared_name(const ir_file *f, const ir_node *fn, const char *name, size_t nl) {
  const char *t = f->src->text;
  static const char *const kw[] = {"global ", "nonlocal ", NULL};
  for (uint32_t i = fn->span.start; i < fn->span.end; i++) {
    if (i > fn->span.start && al_ident_char(t[i - 1])) continue;
    for (int k = 0; kw[k]; k++) {
      size_t kl = strlen(kw[k]);
      if (strncmp(t + i, kw[k], kl)) continue;
      uint32_t e = i + (uint32_t)kl;
      while (e < fn->span.end && t[e] != '\n' && t[e] != ';') e++;
      if (has_path(t, i + (uint32_t)kl, e, name, nl)) return true;
    }
  }
  return false;
}

/* Python: name is bound in fn (a parameter, or assigned/for-bound/imported there):
 * a local, unless declared global/nonlocal. Crude: `name =`, `name +=`, `for name`,
 * `as name` anywhere in fn. */
static bool py_local(const ir_file *f, const ir_node *fn, const char *name, size_t nl) {
  if (ir_has_param(fn, name, nl)) return true;
  const char *t = f->src->text;
  for (uint32_t i = fn->span.start; i + nl < fn->span.end; i++) {
    if (memcmp(t + i, name, nl) || (i > fn->span.start && (al_ident_char(t[i - 1]) || t[i - 1] == '.')) ||
        al_ident_char(t[i + nl]))
      continue;
    uint32_t j = i + (uint32_t)nl;
    while (j < fn->span.end && t[j] == ' ') j++;
    if (t[j] == '=' && t[j + 1] != '=') return true;
    if (j + 1 < fn->span.end && strchr("+-*/%|&^", t[j]) && t[j + 1] == '=') return true;
    uint32_t b = i;
    while (b > fn->span.start && t[b - 1] == ' ') b--;
    if ((b >= 3 && !strncmp(t + b - 3, "for", 3)) || (b >= 2 && !strncmp(t + b - 2, "as", 2))) return true;
    /* a target of an unpacking statement: `s, r = pair()`, `(a, name) = x` */
    uint32_t s0 = i;
    while (s0 > fn->span.start && (al_ident_char(t[s0 - 1]) || strchr(" ,()*", t[s0 - 1]))) s0--;
    if (s0 == fn->span.start || t[s0 - 1] == '\n') {
      uint32_t k = i + (uint32_t)nl;
      while (k < fn->span.end && (al_ident_char(t[k]) || strchr(" ,()*", t[k]))) k++;
      if (k + 1 < fn->span.end && t[k] == '=' && t[k + 1] != '=' && memchr(t + s0, ',', k - s0)) return true;
    }
  }
  return false;
}

/* t[i, i + nl) is a whole name written there: an assignment (`name = `, `name += `,
 * `name ??= `), or `++`/`--` before or after it. */
static bool js_written_at(const char *t, uint32_t lo, uint32_t hi, uint32_t i, size_t nl) {
  uint32_t j = i + (uint32_t)nl, b = i;
  while (j < hi && (t[j] == ' ' || t[j] == '\t')) j++;
  while (b > lo && (t[b - 1] == ' ' || t[b - 1] == '\t')) b--;
  if (j + 1 < hi && ((t[j] == '+' && t[j + 1] == '+') || (t[j] == '-' && t[j + 1] == '-'))) return true;
  if (b >= lo + 2 && ((t[b - 1] == '+' && t[b - 2] == '+') || (t[b - 1] == '-' && t[b - 2] == '-'))) return true;
  uint32_t eq = j;
  while (eq < hi && strchr("+-*/%|&^<>?", t[eq]) && eq - j < 3) eq++;
  if (eq + 1 >= hi || t[eq] != '=' || t[eq + 1] == '=' || t[eq + 1] == '>') return false;
  return eq == j || !(eq - j == 1 && (t[j] == '<' || t[j] == '>')); /* not `<=`, `>=` */
}

/* JS: a function or arrow nested in fn names `name` (ESLint counts a local a closure
 * sees as shared: the closure may run while fn is suspended) — not one that declares
 * a `name` of its own (a parameter, a let/const/var: it names that one). 2 when such a
 * function writes it (only then can it change the local under fn's feet), 1 when they
 * only read it, 0 when none names it. */
static int js_captured(const ir_file *f, const ir_node *fn, const char *name, size_t nl) {
  const char *t = f->src->text;
  int seen = 0;
  for (const ir_node *x = fn->child; x;) {
    if (x->kind == IR_FUNC && has_path(t, x->span.start, x->span.end, name, nl)) {
      if (!js_declared(f, x, name, nl)) {
        seen = 1;
        for (uint32_t i = x->span.start; i + nl <= x->span.end; i++)
          if (!memcmp(t + i, name, nl) && !al_ident_char(t[i + nl]) && !al_ident_char(t[i - 1]) && t[i - 1] != '.' &&
              js_written_at(t, x->span.start, x->span.end, i, nl))
            return 2;
      }
      x = ir_next_skip(x, fn); /* its nested functions are looked at with it */
      continue;
    }
    x = ir_next(x, fn);
  }
  return seen;
}

/* `if (cond) x = await f()` / `if not x: x = await f()` on one line: the condition's
 * range into cs and ce, and the statement after it into ls. */
static bool inline_if(const char *t, uint32_t end, bool py, uint32_t *ls, uint32_t *cs, uint32_t *ce) {
  uint32_t i = *ls;
  if (end - i < 4 || strncmp(t + i, "if", 2) || al_ident_char(t[i + 2])) return false;
  i += 2;
  while (i < end && t[i] == ' ') i++;
  int depth = 0;
  if (py) {
    uint32_t c0 = i;
    for (; i < end; i++) {
      if (t[i] == '(' || t[i] == '[' || t[i] == '{') depth++;
      else if (t[i] == ')' || t[i] == ']' || t[i] == '}') depth--;
      else if (t[i] == ':' && !depth) break;
    }
    if (i >= end) return false;
    *cs = c0, *ce = i++;
  } else {
    if (i >= end || t[i] != '(') return false;
    uint32_t c0 = ++i;
    for (depth = 1; i < end && depth; i++) depth += t[i] == '(' ? 1 : t[i] == ')' ? -1 : 0;
    if (depth) return false;
    *cs = c0, *ce = i - 1;
  }
  while (i < end && (t[i] == ' ' || t[i] == '\t')) i++;
  if (!py && i < end && t[i] == '{') return false; /* `if (c) { x = await f(); }`: the block's (below) */
  *ls = i;
  return true;
}

/* The condition of the `if` whose block the statement at ls opens or sits in: JS `if
 * (cond) {` just before it; Python the nearest less-indented line above, when it is an
 * `if`/`elif`. */
static bool block_if(const char *t, const ir_node *fn, bool py, uint32_t ls, uint32_t *cs, uint32_t *ce) {
  if (py) {
    uint32_t l0 = ls;
    while (l0 > fn->span.start && t[l0 - 1] != '\n') l0--;
    uint32_t ind = ls - l0;
    /* (a header more than 4 KB up is not looked for: a long flat function would make
     * every `x = await f()` in it scan back to its `def`) */
    uint32_t floor = l0 - fn->span.start > 4096 ? l0 - 4096 : fn->span.start;
    for (uint32_t e = l0; e > floor;) {
      uint32_t s0 = e - 1; /* the line before: [s0, e - 1) */
      while (s0 > floor && t[s0 - 1] != '\n') s0--;
      uint32_t k = s0;
      while (k < e - 1 && (t[k] == ' ' || t[k] == '\t')) k++;
      if (k < e - 1 && t[k] != '#') {
        if (k - s0 >= ind) {
          e = s0;
          continue;
        }
        uint32_t kw = !strncmp(t + k, "if ", 3) ? 3 : !strncmp(t + k, "elif ", 5) ? 5 : 0;
        uint32_t colon = e - 1;
        while (colon > k && t[colon] != ':') colon--;
        if (!kw || colon <= k + kw) return false;
        *cs = k + kw, *ce = colon;
        return true;
      }
      e = s0;
    }
    return false;
  }
  uint32_t b = ls;
  while (b > fn->span.start && strchr(" \t\r\n", t[b - 1])) b--;
  if (b == fn->span.start || t[b - 1] != '{') return false;
  b--;
  while (b > fn->span.start && strchr(" \t\r\n", t[b - 1])) b--;
  if (b == fn->span.start || t[b - 1] != ')') return false;
  uint32_t close = b - 1, o = close;
  int depth = 0;
  for (;; o--) {
    depth += t[o] == ')' ? 1 : t[o] == '(' ? -1 : 0;
    if (!depth || o == fn->span.start) break;
  }
  if (depth) return false;
  uint32_t k = o;
  while (k > fn->span.start && (t[k - 1] == ' ' || t[k - 1] == '\t')) k--;
  if (k < fn->span.start + 2 || strncmp(t + k - 2, "if", 2) || (k > 2 && al_ident_char(t[k - 3]))) return false;
  *cs = o + 1, *ce = close;
  return true;
}

/* The statement runs under a lock: a `with`/`async with` whose item names one (`async
 * with self._lock:`, `with mutex`), or a callback handed to one (`mutex.runExclusive(async
 * () => ...)`, `lock.acquire(...)`) — the test and the write cannot interleave (names:
 * knowledge `lock_name_hints`). */
static bool lockish(const ir_file *f, const char *name) {
  const al_kb_section *h = name ? al_kb_section_get(al_kb_for(f->lang), "lock_name_hints") : NULL;
  char low[160];
  size_t n = 0;
  for (; h && name[n] && n + 1 < sizeof low; n++) low[n] = (char)tolower((unsigned char)name[n]);
  low[n] = 0;
  for (size_t i = 0; h && i < h->entries.len; i++)
    if (strstr(low, ((const al_kb_entry *)h->entries.items[i])->name)) return true;
  return false;
}

static bool under_lock(const ir_file *f, const ir_node *n, const ir_node *fn) {
  for (const ir_node *p = n->parent; p && p != fn; p = p->parent)
    if (p->kind == IR_WITH && lockish(f, p->name)) return true;
  return (fn->flags & IR_F_LAMBDA) && fn->parent && fn->parent->kind == IR_CALL && lockish(f, fn->parent->name);
}

/* What decides whether a target headed by `head` is shared, for one function: facts of
 * the function's text and IR, position-free, so each is found once per (function, head)
 * — a function of 30,000 `acc.total += await f()` lines stays linear (a small
 * per-thread memo keyed by the lowering's serial). `param`/`rebound`: head is a plain
 * parameter (not `*args`, `...xs`: a fresh tuple/array each call), first rebound at
 * `rebound` (`args = list(args)`; UINT32_MAX: never) — until then its properties are the
 * caller's object's: shared, as ESLint's require-atomic-updates counts them by default
 * (`acc.total += await count(x)`). */
typedef struct head_facts {
  uint64_t serial;
  const ir_node *fn;
  char head[64];
  bool declared, shared_name, param;
  int captured; /* js_captured's answer */
  uint32_t rebound;
} head_facts;

static _Thread_local head_facts facts_memo[16];
static _Thread_local unsigned facts_next;

static void find_facts(const ir_file *f, const ir_node *fn, const char *head, size_t hl, bool py, head_facts *h) {
  h->declared = py ? py_local(f, fn, head, hl) : js_declared(f, fn, head, hl);
  h->shared_name = py && py_shared_name(f, fn, head, hl);
  h->captured = py ? 0 : js_captured(f, fn, head, hl);
  h->param = false;
  for (uint32_t i = 0; i < fn->nargs && !h->param; i++) {
    const char *a = fn->args[i].text;
    h->param = a && !(fn->args[i].flags & IR_ARG_SPREAD) && *a != '*' && *a != '.' && !strncmp(a, head, hl) &&
               !al_ident_char(a[hl]);
  }
  h->rebound = UINT32_MAX;
  for (const ir_node *x = fn->child; h->param && x && h->rebound == UINT32_MAX; x = ir_next(x, fn))
    if (x->kind == IR_ASSIGN && x->name && !strcmp(x->name, head)) h->rebound = x->span.start;
}

static const head_facts *facts_of(const ir_file *f, const ir_node *fn, const char *head, size_t hl, bool py,
                                  head_facts *scratch) {
  if (hl >= sizeof scratch->head) {
    find_facts(f, fn, head, hl, py, scratch);
    return scratch;
  }
  for (unsigned i = 0; i < sizeof facts_memo / sizeof *facts_memo; i++) {
    const head_facts *h = &facts_memo[i];
    if (h->serial == f->serial && h->fn == fn && !strcmp(h->head, head)) return h;
  }
  head_facts *h = &facts_memo[facts_next++ % (sizeof facts_memo / sizeof *facts_memo)];
  find_facts(f, fn, head, hl, py, h);
  h->serial = f->serial, h->fn = fn;
  memcpy(h->head, head, hl + 1);
  return h;
}

/* The target (`this.x`, `self.items[k]`, `total`, `acc.total`) is state other tasks can
 * reach from fn, at offset at: an attribute of this/self/cls; a global/nonlocal (Python)
 * or undeclared (JavaScript: closure, module) name or an item/attribute of one; a local
 * a nested function names (JavaScript; with race — a test and a write, a stale copy
 * written back — one a nested function writes: each call has its own local, and a
 * closure that only reads it changes nothing); a property of a parameter not rebound
 * before at. */
static bool shared_target(const ir_file *f, const ir_node *fn, const char *target, size_t tl, bool py, uint32_t at,
                          bool race) {
  size_t hl = strcspn(target, ".[");
  char head[160];
  if (hl >= sizeof head) return false;
  memcpy(head, target, hl);
  head[hl] = 0;
  if (!strcmp(head, "self") || !strcmp(head, "this") || !strcmp(head, "cls")) return hl < tl; /* this.x, self.x[...] */
  head_facts scratch;
  const head_facts *h = facts_of(f, fn, head, hl, py, &scratch);
  bool caller_object = h->param && h->rebound > at;
  if (py) return h->shared_name || (hl < tl && (!h->declared || caller_object));
  return !h->declared || (hl == tl && h->captured > (race ? 1 : 0)) || (hl < tl && caller_object);
}

/* The statement around the suspension point n (an await; in a JavaScript generator, a
 * yield) of fn: a shared target read before it and written after it is a lost update. */
static void at_suspension(const ir_file *f, al_sink *sink, const ir_node *n, const ir_node *fn, bool py,
                          const char *point, uint32_t *last_line) {
  const char *t = f->src->text;
  /* the statement: back from the await to the start of its line (Python) or, in
   * JavaScript, to a `;`, `{` or `}` outside parentheses (`{ foo += await x; }` on
   * one line) or a line break not after an assignment operator (`total +=\n await
   * x` is one statement) */
  uint32_t ls = n->span.start;
  int pd = 0;
  while (ls > fn->span.start) {
    char c = t[ls - 1];
    if (c == ')' || c == ']') pd++;
    else if (c == '(' || c == '[') pd--;
    if (c == '\n') {
      if (py) break;
      uint32_t b = ls - 1;
      while (b > fn->span.start && strchr(" \t\r", t[b - 1])) b--;
      if (pd > 0 || b == fn->span.start || t[b - 1] != '=') break;
    } else if (!py && pd <= 0 && (c == ';' || c == '}')) {
      break;
    } else if (!py && pd <= 0 && c == '{') {
      /* an object literal's brace (after `=`, `(`, `,`, `:`, `[`, `?`: `foo = { bar: foo,
       * baz: await qux }`) is inside the statement; a block's ends it */
      uint32_t b = ls - 1;
      while (b > fn->span.start && strchr(" \t\r\n", t[b - 1])) b--;
      if (b == fn->span.start || !strchr("=(,:[?", t[b - 1]) || (t[b - 1] == '=' && b >= 2 && t[b - 2] == '>'))
        break;
    }
    ls--;
  }
  while (ls < n->span.start && strchr(" \t\r\n", t[ls])) ls++;
  uint32_t cs = 0, ce = 0; /* a test of the target before the statement (check-then-act) */
  bool tested = inline_if(t, n->span.start, py, &ls, &cs, &ce);
  /* the target: a name, dotted path or subscript */
  uint32_t e = ls;
  int depth = 0;
  while (e < n->span.start && (al_ident_char(t[e]) || t[e] == '.' || t[e] == '[' || t[e] == ']' || depth)) {
    if (t[e] == '[') depth++;
    else if (t[e] == ']') depth--;
    e++;
  }
  if (e == ls || depth || !(isalpha((unsigned char)t[ls]) || t[ls] == '_' || t[ls] == '$')) return;
  size_t tl = e - ls;
  uint32_t op = e;
  while (op < n->span.start && t[op] == ' ') op++;
  /* the assignment operator: `=`, or a compound one ending in `=` */
  uint32_t eq = op;
  while (eq < n->span.start && strchr("+-*/%|&^<>?@", t[eq]) && eq - op < 3) eq++;
  if (eq >= n->span.start || t[eq] != '=' || t[eq + 1] == '=' || t[eq + 1] == '>') return;
  bool compound = eq > op;
  if (compound && (t[eq - 1] == '<' || t[eq - 1] == '>') && eq - op == 1) return; /* `<=`, `>=` */
  if (!compound && eq != op) return;
  char target[160];
  if (tl >= sizeof target) return;
  memcpy(target, t + ls, tl);
  target[tl] = 0;
  if (!py && (!strcmp(target, "let") || !strcmp(target, "const") || !strcmp(target, "var"))) return;
  /* a plain `=` must read the target before the await, in the statement or in the test
   * of the `if` it is guarded by (`if (!cache) cache = await load()`) */
  bool guarded = false;
  if (!compound && !read_before(t, eq + 1, n->span.start, target, tl, py)) {
    if (!tested) tested = block_if(t, fn, py, ls, &cs, &ce);
    if (!tested || !has_path(t, cs, ce, target, tl) || under_lock(f, n, fn)) return;
    guarded = true;
  }
  if (!shared_target(f, fn, target, tl, py, n->span.start, guarded)) return;
  *last_line = n->span.line;
  if (guarded) {
    al_report(sink, n, "`%s` is tested before this %s and written after it: two tasks can both pass the test "
              "while this one is suspended, and both write it (a second client, connection or load, and the "
              "first is lost or leaked); guard the check and the write with a lock, or store the pending "
              "promise/task first and await that", target, point);
    return;
  }
  al_report(sink, n, "`%s` is read before this %s and written after it: another task can change it while "
            "this one is suspended, and that update is lost; take the %s's result into a local first, then update "
            "`%s` in a statement without %s", target, point, point, target, point);
}

/* The path (pl bytes) is mentioned at t + i, whole: not part of a longer name or of a
 * member chain before it (i > 0). */
static bool mention_at(const char *t, uint32_t i, const char *path, size_t pl) {
  return !memcmp(t + i, path, pl) && !al_ident_char(t[i + pl]) && !al_ident_char(t[i - 1]) && t[i - 1] != '.';
}

/* Length of the path (`a.b[c]`, `this.x`) that starts s, or 0. */
static size_t path_len(const char *s) {
  if (!(isalpha((unsigned char)*s) || *s == '_' || *s == '$')) return 0;
  size_t e = 0;
  int depth = 0;
  while (s[e] && (al_ident_char(s[e]) || s[e] == '.' || s[e] == '[' || s[e] == ']' || depth)) {
    if (s[e] == '[') depth++;
    else if (s[e] == ']') depth--;
    e++;
  }
  return depth ? 0 : e;
}

/* A stale copy written back: `n = self.count` (a local takes a copy of shared state,
 * perhaps with arithmetic: `next = this.count + 1`), then an await, then `self.count = n
 * + 1` with nothing re-reading the state after the await — every task that ran meanwhile
 * has its update overwritten (the classic asyncio counter race). Looked for within a
 * window after the copy (linear in long functions); not under a lock, and not when the
 * state is read again after the await (`if self.count == n:` is a compare-and-set). */
#define STALE_WINDOW 4096u
static void stale_copy(const ir_file *f, al_sink *sink, const ir_node *a, const ir_node *fn, bool py) {
  const char *v = a->text, *name = a->name, *t = f->src->text;
  if (!v || !name || strpbrk(name, ".[")) return;
  size_t pl = path_len(v), nl = strlen(name);
  if (!pl || pl >= 160 || (pl == nl && !memcmp(v, name, nl))) return;
  const char *rest = v + pl;
  while (*rest == ' ') rest++;
  if (*rest && !strchr("+-*/%|?", *rest) && strncmp(rest, "or ", 3)) return;
  char target[160];
  memcpy(target, v, pl);
  target[pl] = 0;
  if (!py && (!strcmp(target, "await") || !strcmp(target, "new") || !strcmp(target, "typeof"))) return;
  if (py && (!strcmp(target, "await") || !strcmp(target, "not") || !strcmp(target, "lambda"))) return;
  uint32_t end = fn->span.end < a->span.end + STALE_WINDOW ? fn->span.end : a->span.end + STALE_WINDOW;
  const ir_node *aw = NULL;
  for (const ir_node *x = ir_next(a, fn); x && x->span.start < end;
       x = x->kind == IR_FUNC ? ir_next_skip(x, fn) : ir_next(x, fn)) { /* a nested function's awaits are its own */
    if (x->kind == IR_FUNC) continue;
    if (x->kind == IR_ASSIGN && x->name && !strcmp(x->name, name)) return; /* the copy rebound */
    if (x->kind == IR_AWAIT && x->span.start >= a->span.end && !(x->flags & IR_F_YIELD_FROM)) {
      aw = x;
      break;
    }
  }
  if (!aw || under_lock(f, aw, fn)) return;
  /* the state set before the await (`old = s.hook; s.hook = None; await ...; s.hook =
   * old`): a save and restore, not an update */
  for (uint32_t i = a->span.end; i + pl <= aw->span.start; i++)
    if (mention_at(t, i, target, pl)) return;
  /* the first mention of the state after the await must be the write-back */
  uint32_t w = UINT32_MAX;
  for (uint32_t i = aw->span.end; i + pl <= end; i++)
    if (mention_at(t, i, target, pl)) {
      w = i;
      break;
    }
  if (w == UINT32_MAX) return;
  uint32_t b = w; /* it starts a statement */
  while (b > fn->span.start && strchr(" \t", t[b - 1])) b--;
  if (b > fn->span.start && t[b - 1] != '\n' && (py || !strchr(";{", t[b - 1]))) return;
  uint32_t eq = w + (uint32_t)pl;
  while (eq < end && t[eq] == ' ') eq++;
  if (eq + 1 >= end || t[eq] != '=' || t[eq + 1] == '=' || t[eq + 1] == '>') return;
  uint32_t se = eq + 1; /* the right side: to the end of the line (or `;`) */
  while (se < end && t[se] != '\n' && (py || t[se] != ';')) se++;
  if (!has_path(t, eq + 1, se, name, nl) || has_path(t, eq + 1, se, target, pl)) return;
  if (!shared_target(f, fn, target, pl, py, w, true)) return;
  ir_node at = {.kind = IR_ASSIGN, .parent = (ir_node *)fn, .span = al_span_at(f, w, se - w)};
  al_report(sink, &at, "`%s` is written back from `%s`, a copy taken before the await on line %u: another task "
            "can change `%s` while this one is suspended, and that update is lost; re-read it after the await "
            "(update it in one statement with no await in between), or hold a lock across",
            target, name, aw->span.line, target);
}

/* A test then a write across an await: `if self.balance >= amount:` ... `await
 * charge(amount)` ... `self.balance -= amount` — the state the `if` tests (shared) is
 * written after an await in its block, not set before the await (`if not self.busy:
 * self.busy = True` is the flag done right) and not tested again after it. Two tasks both
 * pass the test while the first is suspended: two withdrawals from one balance, two
 * connects. Looked for within 4 KB (linear in long functions); not under a lock. */
static void tested_then_written(const ir_file *f, al_sink *sink, const ir_node *aw, const ir_node *fn, bool py,
                                uint32_t *last_write) {
  const char *t = f->src->text;
  uint32_t floor = aw->span.start - fn->span.start > STALE_WINDOW ? aw->span.start - STALE_WINDOW : fn->span.start;
  uint32_t cs = 0, ce = 0, bend = 0, ls = aw->span.start;
  if (py) {
    while (ls > fn->span.start && t[ls - 1] != '\n') ls--;
    while (ls < aw->span.start && (t[ls] == ' ' || t[ls] == '\t')) ls++;
    if (!block_if(t, fn, true, ls, &cs, &ce)) return;
    uint32_t h = cs, ind = 0; /* the if's indentation */
    while (h > fn->span.start && t[h - 1] != '\n') h--;
    while (t[h + ind] == ' ' || t[h + ind] == '\t') ind++;
    /* the block ends at the first line (not blank, not a comment) indented no deeper */
    uint32_t end = fn->span.end < aw->span.end + STALE_WINDOW ? fn->span.end : aw->span.end + STALE_WINDOW;
    bend = end;
    for (uint32_t i = aw->span.end; i < end; i++) {
      if (t[i] != '\n') continue;
      uint32_t k = i + 1, d = 0;
      while (k < end && (t[k] == ' ' || t[k] == '\t')) k++, d++;
      if (k >= end || t[k] == '\n' || t[k] == '#' || t[k] == '\r') continue;
      if (d <= ind) {
        bend = i;
        break;
      }
    }
  } else {
    int depth = 0;
    uint32_t o = aw->span.start;
    while (o > floor) {
      char c = t[o - 1];
      if (c == '}' || c == ')') depth++;
      else if (c == '(' && --depth < 0) return; /* inside parentheses: an argument, a condition */
      else if (c == '{' && --depth < 0) break;
      o--;
    }
    if (o <= floor || !block_if(t, fn, false, o, &cs, &ce)) return;
    uint32_t end = fn->span.end < aw->span.end + STALE_WINDOW ? fn->span.end : aw->span.end + STALE_WINDOW;
    depth = 0;
    for (bend = o; bend < end; bend++) {
      if (t[bend] == '{') depth++;
      else if (t[bend] == '}' && --depth < 0) break;
    }
  }
  if (bend <= aw->span.end) return;
  /* each path the condition names */
  for (uint32_t i = cs; i < ce;) {
    if (i > cs && (al_ident_char(t[i - 1]) || t[i - 1] == '.')) {
      i++;
      continue;
    }
    char path[160];
    size_t pl = 0;
    int depth = 0;
    while (i + pl < ce && pl + 1 < sizeof path &&
           (al_ident_char(t[i + pl]) || t[i + pl] == '.' || t[i + pl] == '[' || t[i + pl] == ']' || depth)) {
      if (t[i + pl] == '[') depth++;
      else if (t[i + pl] == ']') depth--;
      path[pl] = t[i + pl];
      pl++;
    }
    if (!pl || depth || !(isalpha((unsigned char)t[i]) || t[i] == '_' || t[i] == '$')) {
      i += pl ? (uint32_t)pl : 1;
      continue;
    }
    path[pl] = 0;
    i += (uint32_t)pl;
    while (pl && path[pl - 1] == '.') path[--pl] = 0;
    if (i < ce && t[i] == '(') continue; /* a call: `if self.ready():` */
    /* not mentioned between the test and the await; the first mention after the await
     * writes it, in the block */
    bool before = false;
    for (uint32_t k = ce; k + pl <= aw->span.start && !before; k++)
      before = mention_at(t, k, path, pl);
    if (before) continue;
    uint32_t w = UINT32_MAX;
    for (uint32_t k = aw->span.end; k + pl <= bend; k++)
      if (mention_at(t, k, path, pl)) {
        w = k;
        break;
      }
    if (w == UINT32_MAX || w <= *last_write) continue;
    uint32_t b = w;
    while (b > fn->span.start && strchr(" \t", t[b - 1])) b--;
    if (b > fn->span.start && t[b - 1] != '\n' && (py || !strchr(";{", t[b - 1]))) continue;
    uint32_t op = w + (uint32_t)pl;
    while (op < bend && t[op] == ' ') op++;
    uint32_t eq = op;
    while (eq < bend && strchr("+-*/%|&^", t[eq]) && eq - op < 2) eq++;
    if (eq + 1 >= bend || t[eq] != '=' || t[eq + 1] == '=' || t[eq + 1] == '>') continue;
    if (!shared_target(f, fn, path, pl, py, w, true) || under_lock(f, aw, fn)) continue;
    uint32_t se = eq + 1;
    while (se < bend && t[se] != '\n' && (py || t[se] != ';')) se++;
    ir_node at = {.kind = IR_ASSIGN, .parent = (ir_node *)fn, .span = al_span_at(f, w, se - w)};
    *last_write = w;
    al_report(sink, &at, "`%s` is tested by the `if` above and written after the await on line %u: another task "
              "can pass the same test while this one is suspended, and both act on it (two withdrawals from "
              "one balance, two connects); test it again after the await, set it before the await, or hold a "
              "lock across the test and the write", path, aw->span.line);
    return;
  }
}


static void check(const ir_file *f, const al_index *idx, al_sink *sink) {
  (void)idx;
  if (f->lang == AL_LANG_C) return;
  bool py = f->lang == AL_LANG_PYTHON;
  uint32_t last_line = 0, last_write = 0;
  for (const ir_node *n = f->root; n; n = ir_next(n, f->root)) {
    if (n->kind == IR_FUNC && !py && (n->flags & IR_F_GENERATOR) && !(n->flags & IR_F_ASYNC) && n->body) {
      /* `function* saga() { total += yield call(count) }`: the yield suspends like an
       * await (co, redux-saga), and ESLint's require-atomic-updates counts it so */
      for (uint32_t at = n->body; (at = al_yield_in(f, n, at, n->span.end)) != UINT32_MAX; at += 5) {
        ir_node y = {.kind = IR_AWAIT, .parent = (ir_node *)n, .span = al_span_at(f, at, 5)};
        if (y.span.line != last_line) at_suspension(f, sink, &y, n, py, "yield", &last_line);
      }
      continue;
    }
    if (n->kind == IR_ASSIGN) {
      const ir_node *fn = ir_enclosing_func(n);
      if (fn && (fn->flags & IR_F_ASYNC)) stale_copy(f, sink, n, fn, py);
      continue;
    }
    if (n->kind != IR_AWAIT || (n->flags & IR_F_YIELD_FROM) || n->span.line == last_line) continue;
    const ir_node *fn = ir_enclosing_func(n);
    if (!fn || !(fn->flags & IR_F_ASYNC)) continue;
    at_suspension(f, sink, n, fn, py, "await", &last_line);
    if (n->span.line != last_line) tested_then_written(f, sink, n, fn, py, &last_write);
  }
}

const al_rule rule_al512 = {
    .code = "AL512",
    .name = "non-atomic-update",
    .family = AL_FAMILY_HYGIENE,
    .langs = (1u << AL_LANG_PYTHON) | (1u << AL_LANG_JS),
    .severity = AL_SEV_WARNING,
    .summary = "shared state read before an await and written after it in one statement (a lost update)",
    .fix = AL_FIX_NONE,
    .check = check,
};
