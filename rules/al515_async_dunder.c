/* AL515 async-sync-protocol: an `async def` for a method the interpreter calls
 * synchronously and whose result it uses (knowledge `sync_dunders`: __init__,
 * __enter__/__exit__, __iter__/__next__, __aiter__, __await__, __len__, __bool__,
 * __eq__ ...). It returns a coroutine instead: a TypeError, a value that is always
 * true, or a body that never runs. Fix (unsafe: the body may await): drop `async`.
 * Also test methods of a unittest.TestCase (knowledge `sync_test_cases`): the runner
 * drops their coroutines, and the test passes without running. And pytest's coroutine
 * tests that no plugin runs (knowledge `pytest_async_*`; the project's settings and
 * conftest files: pytest_ctx.h): pytest skips them, and pytest-asyncio's strict mode
 * hands a test the coroutine of an `async def` under plain `@pytest.fixture`. */
#include <stdlib.h>
#include <string.h>

#include "common.h"
#include "pytest_ctx.h"

/* The knowledge `sync_test_cases` entry of a base of cls, through classes of this file
 * (`class Base(unittest.TestCase)`, `class T(Base)`), or NULL. */
static const al_kb_entry *sync_test_base(const ir_file *f, const ir_node *cls, int depth) {
  const al_kb *kb = al_kb_for(f->lang);
  for (uint32_t i = 0; depth < 8 && i < cls->nargs; i++) {
    const ir_arg *b = &cls->args[i];
    if (!b->text) continue;
    if (b->keyword) {
      char full[256];
      if (!al_join(full, sizeof full, b->keyword, '.', b->text)) continue;
      const al_kb_entry *e = al_kb_find(kb, "sync_test_cases", full);
      if (e) return e;
      continue;
    }
    for (const ir_node *c = f->root->child; c; c = c->next) /* a class of this file */
      if (c->kind == IR_CLASS && c != cls && c->name && !strcmp(c->name, b->text)) {
        const al_kb_entry *e = sync_test_base(f, c, depth + 1);
        if (e) return e;
      }
  }
  return NULL;
}

/* cls or one of its bases in this file defines a method named in runner (space separated). */
static bool defines_runner(const ir_file *f, const ir_node *cls, const char *runner, int depth) {
  if (depth >= 8) return false;
  for (const ir_node *m = cls->child; m; m = m->next) {
    const char *dot = m->kind == IR_FUNC && m->name ? strrchr(m->name, '.') : NULL;
    if (dot && al_text_mentions(runner, dot + 1)) return true;
  }
  for (uint32_t i = 0; i < cls->nargs; i++)
    if (cls->args[i].text && !cls->args[i].keyword)
      for (const ir_node *c = f->root->child; c; c = c->next)
        if (c->kind == IR_CLASS && c != cls && c->name && !strcmp(c->name, cls->args[i].text) &&
            defines_runner(f, c, runner, depth + 1))
          return true;
  return false;
}

/* An `async def` test method (or set-up/tear-down) of a unittest.TestCase: the runner
 * calls it, gets a coroutine, and drops it. Decorated methods are left alone (a
 * decorator such as an `async_test` helper may run the coroutine). */
static bool async_test_method(const ir_file *f, const al_index *idx, al_sink *sink, const ir_node *n,
                              const char *method) {
  const ir_node *cls = n->parent;
  if (!cls || cls->kind != IR_CLASS || !cls->nargs || (n->flags & IR_F_DECORATED)) return false;
  const al_kb_entry *e = sync_test_base(f, cls, 0);
  bool other_module = false;
  if (!e && cls->name) /* through bases of other modules */
    other_module = (e = al_index_library_base(idx, f, f->module, cls->name, "sync_test_cases", NULL, 0)) != NULL;
  const char *prefix = e ? al_kb_attr(e, "prefix") : NULL, *others = e ? al_kb_attr(e, "methods") : NULL;
  bool test = prefix && al_starts_with(method, prefix);
  if (!test && !(others && al_text_mentions(others, method))) return false;
  /* a project test case that runs coroutine methods itself (overrides `run`,
   * `_callTestMethod` ...: the entry's `runner`) */
  const char *runner = al_kb_attr(e, "runner");
  if (runner && (defines_runner(f, cls, runner, 0) ||
                 (other_module && !al_index_library_base(idx, f, f->module, cls->name, "sync_test_cases", runner, 0))))
    return false;
  const char *use = al_kb_attr(e, "use");
  al_report(sink, n, "`async def %s` in a %s: its runner calls %s synchronously and drops the coroutine it gets, so "
            "%s; derive `%s` from %s", method, e->name, method,
            test ? "the body never runs and the test passes whatever it asserts" : "its body never runs",
            cls->name, use ? use : "an async test case");
  return true;
}

/* ---- pytest ---- */

/* What a decorator is to pytest. */
typedef enum { DEC_OTHER, DEC_MARK, DEC_SKIP, DEC_ASYNC_MARK, DEC_FIXTURE, DEC_ASYNC_FIXTURE } dec_kind;

typedef struct {
  bool other;                 /* a decorator that may run the coroutine itself */
  bool skip;                  /* a marker that skips the test anyway (knowledge `pytest_skip_markers`) */
  bool async_mark;            /* a marker of knowledge `pytest_async_markers` */
  bool fixture;               /* @pytest.fixture (plain) */
  bool async_fixture;         /* @pytest_asyncio.fixture */
  uint32_t fixture_at, fixture_len; /* the plain fixture decorator's dotted name */
  const al_kb_entry *fixture_entry; /* its knowledge `pytest_decorators` entry */
  const al_kb_entry *marker;  /* the async marker named */
} decorators;

/* The `pytest_decorators` entry of pytest's markers (`pytest.mark.*`), or NULL. */
static const al_kb_entry *mark_entry(void) {
  const al_kb_section *sec = al_kb_section_get(al_kb_for(AL_LANG_PYTHON), "pytest_decorators");
  for (size_t i = 0; sec && i < sec->entries.len; i++)
    if (al_kb_attr_is(sec->entries.items[i], "kind", "mark")) return sec->entries.items[i];
  return NULL;
}

/* name[0, n) as pytest sees it (knowledge `pytest_decorators`), resolved through the imports
 * (`import pytest` under any alias, `from pytest import mark, fixture`); *entry: its entry. */
static dec_kind classify(const ir_file *f, const char *name, size_t n, const al_kb_entry **marker,
                         const al_kb_entry **entry) {
  char buf[160];
  if (n >= sizeof buf) return DEC_OTHER;
  memcpy(buf, name, n);
  buf[n] = 0;
  const char *full = al_imported_name(f, buf); /* `pytest.mark.asyncio`, `pytest_asyncio.fixture` */
  const al_kb *kb = al_kb_for(AL_LANG_PYTHON);
  const al_kb_entry *e = *entry = al_kb_match(kb, "pytest_decorators", full);
  if (al_kb_attr_is(e, "kind", "fixture")) return DEC_FIXTURE;
  if (al_kb_attr_is(e, "kind", "async_fixture")) return DEC_ASYNC_FIXTURE;
  if (!al_kb_attr_is(e, "kind", "mark") || !al_ends_with(e->name, ".*")) return DEC_OTHER;
  const char *m = full + strlen(e->name) - 1; /* past `pytest.mark.` (the entry is `pytest.mark.*`) */
  if (strchr(m, '.')) return DEC_OTHER;
  if (al_kb_find(kb, "pytest_skip_markers", m)) return DEC_SKIP;
  *marker = al_kb_find(kb, "pytest_async_markers", m);
  return *marker ? DEC_ASYNC_MARK : DEC_MARK;
}

/* The decorators on the lines above the definition at `at` (brackets balanced over
 * arguments that span lines; comment lines between them skipped). */
static decorators decorators_of(const ir_file *f, uint32_t at) {
  decorators d = {0};
  const char *t = f->src->text;
  uint32_t cur = al_line_start(f, at);
  int depth = 0;
  for (int lines = 0; cur > 0 && lines < 400; lines++) {
    uint32_t start = al_line_start(f, cur - 1), end = cur - 1;
    cur = start;
    for (uint32_t i = end; i > start; i--) {
      char c = t[i - 1];
      depth += c == ')' || c == ']' || c == '}' ? 1 : c == '(' || c == '[' || c == '{' ? -1 : 0;
    }
    if (depth > 0) continue;
    if (depth < 0) break;
    uint32_t p = start;
    while (p < end && (t[p] == ' ' || t[p] == '\t')) p++;
    if (p < end && t[p] == '#') continue;
    if (p >= end || t[p] != '@') break;
    uint32_t q = ++p;
    while (q < end && (al_ident_char(t[q]) || t[q] == '.')) q++;
    const al_kb_entry *marker = NULL, *entry = NULL;
    switch (classify(f, t + p, q - p, &marker, &entry)) {
    case DEC_OTHER: d.other = true; break;
    case DEC_MARK: break;
    case DEC_SKIP: d.skip = true; break;
    case DEC_ASYNC_MARK: d.async_mark = true, d.marker = marker; break;
    case DEC_FIXTURE: d.fixture = true, d.fixture_at = p, d.fixture_len = q - p, d.fixture_entry = entry; break;
    case DEC_ASYNC_FIXTURE: d.async_fixture = true; break;
    }
  }
  return d;
}

/* A `pytestmark = ...` of the file (module or class) names an async marker: the marker. */
static const al_kb_entry *pytestmark_marker(const ir_file *f) {
  const char *t = f->src->text, *end = t + f->src->len;
  const al_kb *kb = al_kb_for(AL_LANG_PYTHON);
  for (const char *p = t; (p = memmem(p, (size_t)(end - p), "pytestmark", 10)); p += 10) {
    int depth = 0;
    for (const char *q = p + 10; q < end && (*q != '\n' || depth > 0); q++) {
      depth += *q == '(' || *q == '[' ? 1 : *q == ')' || *q == ']' ? -1 : 0;
      if (*q != '.' || !al_ident_char(q[1])) continue;
      const char *w = q + 1, *we = w;
      while (we < end && al_ident_char(*we)) we++;
      char name[64];
      if ((size_t)(we - w) >= sizeof name) continue;
      memcpy(name, w, (size_t)(we - w));
      name[we - w] = 0;
      const al_kb_entry *e = al_kb_find(kb, "pytest_async_markers", name);
      if (e) return e;
    }
  }
  return NULL;
}

/* The function's name appears in the file besides its definition (`asyncio.run(test_x())`
 * in a script that also runs it by hand). */
static bool name_used(const ir_file *f, const ir_node *fn, const char *name) {
  const char *t = f->src->text, *end = t + f->src->len;
  size_t n = strlen(name);
  for (const char *p = t; (p = memmem(p, (size_t)(end - p), name, n)); p += n) {
    if ((p > t && al_ident_char(p[-1])) || (p + n < end && al_ident_char(p[n]))) continue;
    uint32_t off = (uint32_t)(p - t);
    if (off < fn->span.start || off > fn->span.start + 16 + n) return true; /* not `async def name` */
  }
  return false;
}

/* A parameter of fn is a fixture whose plugin runs the test (`anyio_backend`). */
static bool async_fixture_param(const ir_node *fn) {
  const al_kb *kb = al_kb_for(AL_LANG_PYTHON);
  for (uint32_t i = 0; i < fn->nargs; i++) {
    const char *a = fn->args[i].text;
    char name[64];
    size_t n = 0;
    while (a && al_ident_char(a[n]) && n + 1 < sizeof name) name[n] = a[n], n++;
    name[n] = 0;
    if (n && al_kb_find(kb, "pytest_async_fixtures", name)) return true;
  }
  return false;
}

/* The class defines a method named name. */
static bool class_defines(const ir_node *cls, const char *name) {
  for (const ir_node *m = cls->child; m; m = m->next) {
    const char *dot = m->kind == IR_FUNC && m->name ? strrchr(m->name, '.') : NULL;
    if (dot && !strcmp(dot + 1, name)) return true;
  }
  return false;
}

typedef struct {
  const al_kb_entry *marker; /* the async marker the file uses, or the one for its library */
  bool strict_asyncio;       /* the file marks tests for pytest-asyncio (its strict mode) */
  bool other_plugins;        /* ... and for anyio or trio too */
} pytest_file;

static void report_test(const ir_file *f, al_sink *sink, const ir_node *fn, const char *name,
                        const pytest_file *pf) {
  const char *marker = pf->marker ? pf->marker->name : "asyncio";
  const char *plugin = pf->marker ? al_kb_attr(pf->marker, "plugin") : "pytest-asyncio";
  const al_kb_entry *mark = mark_entry();
  const char *alias = al_kb_attr(mark, "module") ? al_py_module_alias(f, al_kb_attr(mark, "module")) : NULL;
  al_fix *fx = NULL;
  if (alias) { /* the marker on a line of its own above the def */
    char indent[64];
    al_indent_at(f, fn->span.start, indent, sizeof indent);
    char *line = al_fmt("@%s.mark.%s\n%s", alias, marker, indent);
    fx = al_fix_new(AL_FIX_APPLY_UNSAFE, "mark the test for its async plugin");
    al_fix_add(fx, fn->span.start, fn->span.start, line);
    free(line);
  }
  al_report_fix(sink, fn, fx, "`async def %s` is a coroutine test that no plugin runs: pytest skips it with a "
                "warning (\"async def functions are not natively supported\"; pytest 8.4 fails it), so its body "
                "never runs; mark it `@pytest.mark.%s` (%s)%s", name, marker, plugin ? plugin : "its plugin",
                !strcmp(marker, "asyncio") ? " or set `asyncio_mode = auto` in the pytest configuration" : "");
}

static void report_fixture(const ir_file *f, al_sink *sink, const ir_node *fn, const char *name,
                           const decorators *d) {
  const char *use = al_kb_attr(d->fixture_entry, "async_use"), *dot = use ? strrchr(use, '.') : NULL;
  al_fix *fx = NULL;
  char module[128];
  if (dot && (size_t)(dot - use) < sizeof module) { /* the decorator, and an import of its module */
    memcpy(module, use, (size_t)(dot - use));
    module[dot - use] = 0;
    fx = al_fix_new(AL_FIX_APPLY_UNSAFE, "use pytest-asyncio's fixture decorator");
    al_fix_add(fx, d->fixture_at, d->fixture_at + d->fixture_len, use);
    al_py_add_import(fx, f, module);
  }
  al_report_fix(sink, fn, fx, "`async def %s` under a plain `@pytest.fixture`: in pytest-asyncio's strict mode the "
                "tests that use it get %s instead of its value; decorate it with `@%s`", name,
                (fn->flags & IR_F_GENERATOR) ? "an async generator object" : "a coroutine object",
                use ? use : "pytest-asyncio's fixture decorator");
}

/* One function of a test file: an unmarked coroutine test, or an async fixture that the
 * strict mode leaves alone. */
static void pytest_func(const ir_file *f, al_sink *sink, const ir_node *fn, const char *name, bool class_marked,
                        const pytest_file *pf) {
  if (!(fn->flags & IR_F_ASYNC)) return;
  decorators d = (fn->flags & IR_F_DECORATED) ? decorators_of(f, fn->span.start) : (decorators){0};
  if (d.fixture) {
    if (pf->strict_asyncio && !pf->other_plugins && !d.other) report_fixture(f, sink, fn, name, &d);
    return;
  }
  if (class_marked || d.other || d.skip || d.async_mark || d.async_fixture || !al_starts_with(name, "test")) return;
  if (async_fixture_param(fn) || name_used(f, fn, name)) return;
  report_test(f, sink, fn, name, pf);
}

static void pytest_tests(const ir_file *f, al_sink *sink) {
  if (!(f->pytest & AL_PYTEST_FILE) || (f->pytest & AL_PYTEST_RUNS_ASYNC)) return;
  if (al_pytest_text_runs_async(f->src->text, f->src->len) || pytestmark_marker(f)) return;
  const al_kb *kb = al_kb_for(AL_LANG_PYTHON);
  pytest_file pf = {0};
  bool any = false, pytest = (f->pytest & AL_PYTEST_CONFIGURED) != 0;
  for (const ir_node *n = f->root->child; n; n = n->next) {
    char head[64];
    size_t k = n->kind == IR_IMPORT && n->name ? strcspn(n->name, ".") : sizeof head;
    if (k < sizeof head) {
      memcpy(head, n->name, k);
      head[k] = 0;
      if (al_kb_find(kb, "pytest_async_imports", head)) return; /* its plugin may run every coroutine test */
      const al_kb_section *decs = al_kb_section_get(kb, "pytest_decorators"); /* pytest, pytest_asyncio */
      pytest |= decs && al_map_get(&decs->heads, head) != NULL;
    }
    any |= n->kind == IR_FUNC && (n->flags & IR_F_ASYNC);
    if (n->kind == IR_CLASS) any = true;
  }
  if (!any || !pytest) return; /* neither a pytest configuration around it nor an import of pytest */
  /* which async markers the file uses (the strict mode is in evidence when it marks tests) */
  for (const ir_node *n = f->root; n; n = ir_next(n, f->root)) {
    if ((n->kind != IR_FUNC && n->kind != IR_CLASS) || !(n->flags & IR_F_DECORATED)) continue;
    decorators d = decorators_of(f, n->span.start);
    if (!d.marker) continue;
    if (!pf.marker) pf.marker = d.marker;
    if (!strcmp(d.marker->name, "asyncio")) pf.strict_asyncio = true;
    else pf.other_plugins = true;
  }
  if (!pf.marker) { /* none used: the marker of the library the file imports */
    const char *lib = al_py_async_lib(f);
    const al_kb_section *sec = al_kb_section_get(kb, "pytest_async_markers");
    for (size_t i = 0; sec && i < sec->entries.len && !pf.marker; i++) {
      const al_kb_entry *e = sec->entries.items[i];
      if (al_kb_attr_is(e, "library", lib)) pf.marker = e;
    }
  }
  for (const ir_node *n = f->root->child; n; n = n->next) {
    if (n->kind == IR_FUNC && n->name) pytest_func(f, sink, n, n->name, false, &pf);
    if (n->kind != IR_CLASS || !n->name || !al_starts_with(n->name, "Test") || n->nargs || class_defines(n, "__init__"))
      continue;
    decorators cd = (n->flags & IR_F_DECORATED) ? decorators_of(f, n->span.start) : (decorators){0};
    for (const ir_node *m = n->child; m; m = m->next) {
      const char *dot = m->kind == IR_FUNC && m->name ? strrchr(m->name, '.') : NULL;
      if (dot) pytest_func(f, sink, m, dot + 1, cd.other || cd.skip || cd.async_mark, &pf);
    }
  }
}

static void check(const ir_file *f, const al_index *idx, al_sink *sink) {
  if (f->lang != AL_LANG_PYTHON) return;
  pytest_tests(f, sink);
  const al_kb *kb = al_kb_for(f->lang);
  const char *t = f->src->text;
  for (ir_node *const *n_at = ir_of_kind(f, IR_FUNC); *n_at; n_at++) {
    const ir_node *n = *n_at;
    if (!(n->flags & IR_F_ASYNC) || !(n->flags & IR_F_METHOD) || !n->name) continue;
    const char *dot = strrchr(n->name, '.');
    if (dot && async_test_method(f, idx, sink, n, dot + 1)) continue;
    const al_kb_entry *e = al_kb_find(kb, "sync_dunders", dot ? dot + 1 : n->name);
    if (!e || ((n->flags & IR_F_GENERATOR) && al_kb_attr(e, "generator_ok"))) continue;
    const char *what = al_kb_attr(e, "what");
    /* the fix only when the body does not await (it would be AL511's SyntaxError) */
    bool awaits = false;
    for (const ir_node *c = n->child; c && !awaits; c = c->kind == IR_FUNC ? ir_next_skip(c, n) : ir_next(c, n))
      awaits = c->kind == IR_AWAIT || ((c->kind == IR_WITH || c->kind == IR_LOOP) && (c->flags & IR_F_ASYNC));
    al_fix *fx = NULL;
    if (!awaits && n->span.start + 6 <= f->src->len && !strncmp(t + n->span.start, "async ", 6)) {
      fx = al_fix_new(AL_FIX_APPLY_UNSAFE, "make it a plain def");
      al_fix_add(fx, n->span.start, n->span.start + 6, "");
    }
    al_report_fix(sink, n, fx, "`async def %s`: the interpreter calls %s synchronously and uses its result, which "
                  "is now a coroutine — %s; make it a plain def (and move the async work to a method that is "
                  "awaited)", dot ? dot + 1 : n->name, dot ? dot + 1 : n->name, what ? what : "it breaks");
  }
}

const al_rule rule_al515 = {
    .code = "AL515",
    .name = "async-sync-protocol",
    .family = AL_FAMILY_HYGIENE,
    .langs = 1u << AL_LANG_PYTHON,
    .severity = AL_SEV_ERROR,
    .summary = "async def for a method Python calls synchronously (__init__, __enter__, __iter__, __aiter__, ...), "
               "or for a test its runner never awaits (unittest.TestCase, pytest without its plugin's marker)",
    .fix = AL_FIX_UNSAFE,
    .check = check,
};
