/* test_index: the project index resolves calls across files and propagates
 * "returns an awaitable" to a fixpoint. */
#include <string.h>

#include "helpers.h"
#include "index.h"

typedef struct proj {
  al_source src[8];
  ir_file *ir[8];
  size_t n;
  al_index idx;
} proj;

static void add(proj *p, const char *path, const char *module, const char *text) {
  al_source *s = &p->src[p->n];
  al_source_from_text(s, path, al_lang_from_path(path), text, strlen(text));
  al_lower_ctx ctx = {.abs_path = path, .module = module};
  char *err = NULL;
  p->ir[p->n] = al_lower(s, &ctx, &err);
  ck_assert_ptr_nonnull(p->ir[p->n]);
  p->n++;
}

static void done(proj *p) {
  al_index_free(&p->idx);
  for (size_t i = 0; i < p->n; i++) {
    ir_file_free(p->ir[i]);
    al_source_free(&p->src[i]);
  }
}

/* The n-th CALL (0-based) of file f whose callee text is `text`. */
static const ir_node *call_named(const ir_file *f, const char *text) {
  for (const ir_node *x = f->root; x; x = ir_next(x, f->root))
    if (x->kind == IR_CALL && x->text && !strcmp(x->text, text)) return x;
  ck_abort_msg("no call %s", text);
  return NULL;
}

static const char *resolved(proj *p, size_t file, const char *text, bool *awaitable) {
  const ir_node *c = call_named(p->ir[file], text);
  const al_func_info *fn;
  const al_kb_entry *api;
  *awaitable = al_index_call_awaitable(&p->idx, p->ir[file], c, &fn, &api);
  return fn ? fn->func->name : api ? api->name : NULL;
}

START_TEST(python_cross_module) {
  proj p = {0};
  add(&p, "/p/pkg/db.py", "pkg.db", "async def load(): pass\ndef key(): pass\ndef wrap(): return load()\n");
  add(&p, "/p/pkg/api.py", "pkg.api",
      "import pkg\nfrom . import db\nfrom .db import key\nimport pkg.db as store\n"
      "class A:\n  async def m(self): pass\n  def go(self):\n"
      "    pkg.db.load()\n    db.load()\n    key()\n    store.wrap()\n    self.m()\n    nope()\n");
  al_index_build(&p.idx, p.ir, p.n);
  bool aw;
  ck_assert_str_eq(resolved(&p, 1, "pkg.db.load", &aw), "load");
  ck_assert(aw);
  ck_assert_str_eq(resolved(&p, 1, "db.load", &aw), "load");
  ck_assert(aw);
  ck_assert_str_eq(resolved(&p, 1, "key", &aw), "key");
  ck_assert(!aw);
  ck_assert_str_eq(resolved(&p, 1, "store.wrap", &aw), "wrap");
  ck_assert(aw); /* sync, but returns load()'s coroutine */
  ck_assert_str_eq(resolved(&p, 1, "self.m", &aw), "A.m");
  ck_assert(aw);
  ck_assert_ptr_null(resolved(&p, 1, "nope", &aw));
  ck_assert(!aw);
  done(&p);
}
END_TEST

START_TEST(javascript_modules) {
  proj p = {0};
  add(&p, "/p/lib/index.js", "/p/lib/index", "export async function ping() {}\n");
  add(&p, "/p/lib/db.js", "/p/lib/db",
      "export default async function () {}\nexport function q() { return new Promise(r => r()); }\n"
      "export function chain() { return q().then(x => x); }\n");
  add(&p, "/p/app.mjs", "/p/app",
      "import { ping } from './lib';\nimport conn, { q, chain } from './lib/db.js';\n"
      "const legacy = require('./lib/db');\nping();\nconn();\nq();\nchain();\nlegacy.q();\n");
  al_index_build(&p.idx, p.ir, p.n);
  bool aw;
  ck_assert_str_eq(resolved(&p, 2, "ping", &aw), "ping");
  ck_assert(aw);
  ck_assert_str_eq(resolved(&p, 2, "conn", &aw), "default");
  ck_assert(aw);
  ck_assert_str_eq(resolved(&p, 2, "q", &aw), "q");
  ck_assert(aw);
  ck_assert_str_eq(resolved(&p, 2, "chain", &aw), "chain");
  ck_assert(aw);
  ck_assert_str_eq(resolved(&p, 2, "legacy.q", &aw), "q");
  ck_assert(aw);
  done(&p);
}
END_TEST

START_TEST(c_linkage) {
  proj p = {0};
  add(&p, "/nonexistent/a.c", "/nonexistent/a.c",
      "typedef struct rt_future rt_future_t;\nrt_future_t *job(void) { return 0; }\n"
      "static rt_future_t *local(void) { return 0; }\nint plain(void) { return 0; }\n");
  add(&p, "/nonexistent/b.c", "/nonexistent/b.c",
      "typedef struct rt_future rt_future_t;\nrt_future_t *job(void);\nrt_future_t *local(void);\nint plain(void);\n"
      "void f(void) { job(); local(); plain(); }\n");
  al_index_build(&p.idx, p.ir, p.n);
  bool aw;
  ck_assert_str_eq(resolved(&p, 1, "job", &aw), "job");
  ck_assert(aw);
  /* a.c's local() is static: b.c's call is to some other local(), known only by type. */
  ck_assert_ptr_null(resolved(&p, 1, "local", &aw));
  ck_assert(aw);
  ck_assert_str_eq(resolved(&p, 1, "plain", &aw), "plain");
  ck_assert(!aw);
  done(&p);
}
END_TEST

int main(void) {
  Suite *s = suite_create("index");
  TCase *tc = tcase_create("index");
  tcase_set_timeout(tc, 30);
  tcase_add_test(tc, python_cross_module);
  tcase_add_test(tc, javascript_modules);
  tcase_add_test(tc, c_linkage);
  suite_add_tcase(s, tc);
  return run_suite(s);
}
