/* AL512 non-atomic-update: shared state read before an await and written after it, in
 * one statement — `this.total += await count(x)`, `self.items = self.items + await
 * more()`, `total += await count(i)` on an outer (closure, global, nonlocal) variable.
 * The value is read, the task suspends, and the write uses the stale value: an update
 * made meanwhile by another task is lost (ESLint require-atomic-updates, Biome
 * useAtomicUpdates — narrowed to shared state, and to reads that precede the await).
 * A local of the function is not shared (in JavaScript: unless a function nested in it
 * names it, as ESLint counts it); nor is `x = await f(x)` (the await comes
 * first in the text); a parameter's property is the caller's to share, and not
 * reported. Found on the await's line: the target starts the statement. */
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
      /* `let a = 1, name`, `const { name }`, `let [x, name]`: the declaration's line */
      uint32_t e = j;
      while (e < fn->span.end && t[e] != '\n' && t[e] != ';' && t[e] != '=' && (strcmp(kw[k], "function") || t[e] != '(')) e++;
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
  }
  return false;
}

/* JS: a function or arrow nested in fn names `name` (ESLint counts a local a closure
 * sees as shared: the closure may run, and write it, while fn is suspended). */
static bool js_captured(const ir_file *f, const ir_node *fn, const char *name, size_t nl) {
  for (const ir_node *x = fn->child; x; x = ir_next(x, fn))
    if (x->kind == IR_FUNC && has_path(f->src->text, x->span.start, x->span.end, name, nl)) return true;
  return false;
}

static void check(const ir_file *f, const al_index *idx, al_sink *sink) {
  (void)idx;
  if (f->lang == AL_LANG_C) return;
  bool py = f->lang == AL_LANG_PYTHON;
  const char *t = f->src->text;
  uint32_t last_line = 0;
  for (const ir_node *n = f->root; n; n = ir_next(n, f->root)) {
    if (n->kind != IR_AWAIT || (n->flags & IR_F_YIELD_FROM) || n->span.line == last_line) continue;
    const ir_node *fn = ir_enclosing_func(n);
    if (!fn || !(fn->flags & IR_F_ASYNC)) continue;
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
    /* the target: a name, dotted path or subscript */
    uint32_t e = ls;
    int depth = 0;
    while (e < n->span.start && (al_ident_char(t[e]) || t[e] == '.' || t[e] == '[' || t[e] == ']' || depth)) {
      if (t[e] == '[') depth++;
      else if (t[e] == ']') depth--;
      e++;
    }
    if (e == ls || depth || !(isalpha((unsigned char)t[ls]) || t[ls] == '_' || t[ls] == '$')) continue;
    size_t tl = e - ls;
    uint32_t op = e;
    while (op < n->span.start && t[op] == ' ') op++;
    /* the assignment operator: `=`, or a compound one ending in `=` */
    uint32_t eq = op;
    while (eq < n->span.start && strchr("+-*/%|&^<>?@", t[eq]) && eq - op < 3) eq++;
    if (eq >= n->span.start || t[eq] != '=' || t[eq + 1] == '=' || t[eq + 1] == '>') continue;
    bool compound = eq > op;
    if (compound && (t[eq - 1] == '<' || t[eq - 1] == '>') && eq - op == 1) continue; /* `<=`, `>=` */
    if (!compound && eq != op) continue;
    char target[160];
    if (tl >= sizeof target) continue;
    memcpy(target, t + ls, tl);
    target[tl] = 0;
    if (!py && (!strcmp(target, "let") || !strcmp(target, "const") || !strcmp(target, "var"))) continue;
    /* a plain `=` must read the target before the await */
    if (!compound && !has_path(t, eq + 1, n->span.start, target, tl)) continue;
    /* shared? */
    size_t hl = strcspn(target, ".[");
    char head[160];
    memcpy(head, target, hl);
    head[hl] = 0;
    bool self = !strcmp(head, "self") || !strcmp(head, "this") || !strcmp(head, "cls");
    bool shared;
    if (self) shared = hl < tl; /* this.x, self.x[...] */
    else if (py) shared = py_shared_name(f, fn, head, hl) || (hl < tl && !py_local(f, fn, head, hl));
    else shared = !js_declared(f, fn, head, hl) || (hl == tl && js_captured(f, fn, head, hl));
    if (!shared) continue;
    last_line = n->span.line;
    al_report(sink, n, "`%s` is read before this await and written after it: another task can change it while "
              "this one is suspended, and that update is lost; await into a local first, then update `%s` in a "
              "statement without await", target, target);
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
