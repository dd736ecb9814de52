/* test_core: util, source, glob, suppression comments and the knowledge loader. */
#include <string.h>

#include "discover.h"
#include "helpers.h"
#include "rule.h"

START_TEST(map_grows_and_finds) {
  al_map m = {0};
  char key[32];
  for (int i = 0; i < 5000; i++) {
    snprintf(key, sizeof key, "k%d", i);
    ck_assert_ptr_null(al_map_put(&m, key, (void *)(intptr_t)(i + 1)));
  }
  for (int i = 0; i < 5000; i++) {
    snprintf(key, sizeof key, "k%d", i);
    ck_assert_int_eq((intptr_t)al_map_get(&m, key), i + 1);
  }
  ck_assert_ptr_null(al_map_get(&m, "missing"));
  ck_assert_int_eq((intptr_t)al_map_put(&m, "k7", (void *)99), 8);
  al_map_free(&m);
}
END_TEST

START_TEST(utf8_validation) {
  ck_assert_int_eq(al_utf8_invalid_at("plain ascii", 11), -1);
  ck_assert_int_eq(al_utf8_invalid_at("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80", 14), -1);
  ck_assert_int_eq(al_utf8_invalid_at("ab\xe9z", 4), 2);          /* Latin-1 byte */
  ck_assert_int_eq(al_utf8_invalid_at("\xc0\xaf", 2), 0);         /* overlong */
  ck_assert_int_eq(al_utf8_invalid_at("\xed\xa0\x80", 3), 0);     /* surrogate */
  ck_assert_int_eq(al_utf8_invalid_at("x\xe2\x82", 3), 1);        /* truncated */
  ck_assert_int_eq(al_utf8_invalid_at("\xf4\x90\x80\x80", 4), 0); /* > U+10FFFF */
}
END_TEST

START_TEST(line_map_handles_all_line_endings) {
  al_source s;
  const char *text = "a\r\nbb\rccc\ndddd";
  al_source_from_text(&s, "x.py", AL_LANG_PYTHON, text, strlen(text));
  ck_assert_uint_eq(s.nlines, 4);
  size_t len;
  const char *l = al_source_line(&s, 2, &len);
  ck_assert_int_eq((int)len, 2);
  ck_assert(!strncmp(l, "bb", 2));
  al_source_line(&s, 4, &len);
  ck_assert_int_eq((int)len, 4);
  ck_assert_uint_eq(al_source_line_of(&s, 0), 1);
  ck_assert_uint_eq(al_source_line_of(&s, 5), 2);
  ck_assert_uint_eq(al_source_line_of(&s, 7), 3);
  ck_assert_uint_eq(al_source_line_of(&s, 12), 4);
  al_source_line(&s, 99, &len);
  ck_assert_int_eq((int)len, 0);
  al_source_free(&s);
}
END_TEST

START_TEST(languages_by_extension) {
  ck_assert_int_eq(al_lang_from_path("a/b.py"), AL_LANG_PYTHON);
  ck_assert_int_eq(al_lang_from_path("b.pyi"), AL_LANG_PYTHON);
  ck_assert_int_eq(al_lang_from_path("c.mjs"), AL_LANG_JS);
  ck_assert_int_eq(al_lang_from_path("c.cjs"), AL_LANG_JS);
  ck_assert_int_eq(al_lang_from_path("c.jsx"), AL_LANG_JS);
  ck_assert_int_eq(al_lang_from_path("d.h"), AL_LANG_C);
  ck_assert_int_eq(al_lang_from_path("d.c"), AL_LANG_C);
  ck_assert_int_eq(al_lang_from_path("e.ts"), AL_LANG_NONE);
  ck_assert_int_eq(al_lang_from_path("dir.py/noext"), AL_LANG_NONE);
}
END_TEST

START_TEST(gitignore_globs) {
  ck_assert(al_glob_match("*.py", "a.py"));
  ck_assert(!al_glob_match("*.py", "d/a.py"));
  ck_assert(al_glob_match("**/gen/*.js", "src/x/gen/a.js"));
  ck_assert(al_glob_match("**/gen/*.js", "gen/a.js"));
  ck_assert(al_glob_match("build/**", "build/a/b/c.c"));
  ck_assert(al_glob_match("[a-c]?.py", "bz.py"));
  ck_assert(!al_glob_match("[!a-c]?.py", "bz.py"));
  ck_assert(al_glob_match("a\\*b", "a*b"));
  ck_assert(!al_glob_match("a\\*b", "axb"));
  /* Pathological patterns end within the step budget instead of hanging. */
  ck_assert(!al_glob_match("*a*a*a*a*a*a*a*a*a*a*a*b", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"));
}
END_TEST

START_TEST(inline_suppressions) {
  const char *py = "f()  # asynclint: ignore[AL101]\n"
                   "f()  # asynclint: ignore[AL2, AL301]\n"
                   "f()  # asynclint: ignore\n"
                   "f()  # noqa: AL101\n"
                   "f()  # noqa\n"
                   "f()  # noqa: E501\n"
                   "f()\n";
  al_source s;
  al_source_from_text(&s, "x.py", AL_LANG_PYTHON, py, strlen(py));
  ck_assert(al_suppressed(&s, 1, "AL101"));
  ck_assert(!al_suppressed(&s, 1, "AL201"));
  ck_assert(al_suppressed(&s, 2, "AL201"));
  ck_assert(al_suppressed(&s, 2, "AL301"));
  ck_assert(!al_suppressed(&s, 2, "AL101"));
  ck_assert(al_suppressed(&s, 3, "AL404"));
  ck_assert(al_suppressed(&s, 4, "AL101"));
  ck_assert(al_suppressed(&s, 5, "AL101"));
  ck_assert(!al_suppressed(&s, 6, "AL101"));
  ck_assert(!al_suppressed(&s, 7, "AL101"));
  al_source_free(&s);
  const char *js = "f(); // asynclint: ignore[AL101]\nf(); // noqa\n";
  al_source_from_text(&s, "x.js", AL_LANG_JS, js, strlen(js));
  ck_assert(al_suppressed(&s, 1, "AL101"));
  ck_assert(!al_suppressed(&s, 2, "AL101")); /* noqa is Python's convention */
  al_source_free(&s);
}
END_TEST

START_TEST(knowledge_loader) {
  al_kb kb = {0};
  char *err = NULL;
  const char *good = "awaitable:\n  - a.b\n  - {name: c.d, note: hello}\nother: []\n";
  ck_assert_int_eq(al_kb_load(&kb, good, strlen(good), "t.yaml", &err), 0);
  ck_assert_ptr_nonnull(al_kb_find(&kb, "awaitable", "a.b"));
  const al_kb_entry *e = al_kb_find(&kb, "awaitable", "c.d");
  ck_assert_str_eq(al_kb_attr(e, "note"), "hello");
  ck_assert_ptr_null(al_kb_find(&kb, "awaitable", "x"));
  ck_assert_ptr_null(al_kb_find(&kb, "nosuch", "a.b"));
  al_kb_free(&kb);

  const char *bad[] = {"awaitable: [a\n", "- just a list\n", "awaitable: 3\n", "awaitable:\n  - {note: x}\n",
                       "awaitable:\n  - {name: [1]}\n"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    al_kb k = {0};
    err = NULL;
    ck_assert_int_eq(al_kb_load(&k, bad[i], strlen(bad[i]), "bad.yaml", &err), -1);
    ck_assert_ptr_nonnull(err);
    ck_assert_msg(!strncmp(err, "bad.yaml:", 9), "error names the file and line: %s", err);
    ck_assert_ptr_null(strchr(err, '\n'));
    free(err);
    al_kb_free(&k);
  }
}
END_TEST

START_TEST(builtin_knowledge_loads) {
  ck_assert_ptr_nonnull(al_kb_find(al_kb_for(AL_LANG_PYTHON), "awaitable", "asyncio.sleep"));
  ck_assert_ptr_nonnull(al_kb_find(al_kb_for(AL_LANG_JS), "awaitable", "fs/promises.*"));
  ck_assert_ptr_nonnull(al_kb_find(al_kb_for(AL_LANG_C), "future_types", "struct rt_future *"));
}
END_TEST

int main(void) {
  Suite *s = suite_create("core");
  TCase *tc = tcase_create("core");
  tcase_add_test(tc, map_grows_and_finds);
  tcase_add_test(tc, utf8_validation);
  tcase_add_test(tc, line_map_handles_all_line_endings);
  tcase_add_test(tc, languages_by_extension);
  tcase_add_test(tc, gitignore_globs);
  tcase_add_test(tc, inline_suppressions);
  tcase_add_test(tc, knowledge_loader);
  tcase_add_test(tc, builtin_knowledge_loads);
  suite_add_tcase(s, tc);
  return run_suite(s);
}
