/* test_core: util, source, glob, suppression comments and the knowledge loader. */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "discover.h"
#include "frontend.h"
#include "helpers.h"
#include "kb_expand.h"
#include "pytest_ctx.h"
#include "rule.h"
#include "toml.h"

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
  /* by hash alone (a readset's frozen lookups): one key, or none */
  void *v = (void *)1;
  ck_assert_uint_eq(al_map_find_hash(&m, al_hash_fast("k42", 3), &v), 1);
  ck_assert_int_eq((intptr_t)v, 43);
  ck_assert_uint_eq(al_map_find_hash(&m, al_hash_fast("missing", 7), &v), 0);
  ck_assert_ptr_null(v);
  al_map empty = {0};
  ck_assert_uint_eq(al_map_find_hash(&empty, al_hash_fast("k1", 2), &v), 0);
  /* reserved: the entries it has are kept, and n more go in without growing */
  al_map_reserve(&m, 20000);
  size_t cap = m.cap;
  ck_assert_uint_ge(cap * 3, 20001 * 4);
  ck_assert_int_eq((intptr_t)al_map_get(&m, "k7"), 99);
  for (int i = 5000; i < 20000; i++) {
    snprintf(key, sizeof key, "k%d", i);
    ck_assert_ptr_null(al_map_put(&m, key, (void *)(intptr_t)(i + 1)));
  }
  ck_assert_uint_eq(m.cap, cap);
  ck_assert_uint_eq(m.len, 20000);
  ck_assert_int_eq((intptr_t)al_map_get(&m, "k4999"), 5000);
  ck_assert_int_eq((intptr_t)al_map_get(&m, "k19999"), 20000);
  al_map_reserve(&m, 10); /* never shrinks */
  ck_assert_uint_eq(m.cap, cap);
  al_map_free(&m);
}
END_TEST

static void collect_name(const char *name, void *ud) {
  char *out = ud;
  strcat(out, name);
  strcat(out, "|");
}

/* Brace alternatives in knowledge names: every combination, in order; an empty
 * alternative is allowed; unmatched or nested braces and too many names are refused. */
START_TEST(knowledge_names_expand_braces) {
  char out[512] = "";
  ck_assert_int_eq(kb_expand("m.s.find{,All}By{Text,Role}", collect_name, out), 4);
  ck_assert_str_eq(out, "m.s.findByText|m.s.findByRole|m.s.findAllByText|m.s.findAllByRole|");
  out[0] = 0;
  ck_assert_int_eq(kb_expand("plain.name", collect_name, out), 1);
  ck_assert_str_eq(out, "plain.name|");
  out[0] = 0;
  ck_assert_int_eq(kb_expand("{a,b}", collect_name, out), 2);
  ck_assert_str_eq(out, "a|b|");
  const char *bad[] = {"m.{a,b", "m.a}", "m.{a,{b,c}}", "m.}{",
                       "{a,b,c,d,e,f,g,h}{a,b,c,d,e,f,g,h}{a,b,c,d,e,f,g,h}{a,b,c,d,e,f,g,h,i}"};
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
    out[0] = 0;
    ck_assert_int_eq(kb_expand(bad[i], collect_name, out), -1);
    ck_assert_str_eq(out, ""); /* nothing emitted */
  }
  /* the built-in knowledge holds the expanded names, not the templates */
  const al_kb *kb = al_kb_for(AL_LANG_JS);
  ck_assert_ptr_nonnull(al_kb_match(kb, "awaitable", "@testing-library/vue.screen.findAllByTestId"));
  ck_assert_ptr_nonnull(al_kb_match(kb, "awaitable", "@testing-library/user-event.UserEvent.click"));
  ck_assert_ptr_null(al_kb_match(kb, "awaitable", "@testing-library/react.screen.getByText"));
}
END_TEST

/* al_fmt / al_arena_fmt write the common formats themselves: the same text as snprintf,
 * and anything else (or a long result) through vasprintf. */
START_TEST(formats_match_snprintf) {
  char want[1024];
  al_arena a;
  al_arena_init(&a);
  char *s = al_fmt("%s.%s", "mod", "name");
  ck_assert_str_eq(s, "mod.name");
  free(s);
  s = al_fmt("%.*s|%u|%d|%zu|%%|%d", 3, "abcdef", 42u, -17, (size_t)123456789, 0);
  snprintf(want, sizeof want, "%.*s|%u|%d|%zu|%%|%d", 3, "abcdef", 42u, -17, (size_t)123456789, 0);
  ck_assert_str_eq(s, want);
  free(s);
  s = al_fmt("%.*s", 10, "ab"); /* a precision past the string's end */
  ck_assert_str_eq(s, "ab");
  free(s);
  s = al_fmt("%x-%5d", 255, 7); /* not written by hand: vasprintf */
  ck_assert_str_eq(s, "ff-    7");
  free(s);
  char big[800];
  memset(big, 'x', sizeof big - 1);
  big[sizeof big - 1] = 0;
  s = al_fmt("<%s>", big); /* longer than the stack buffer */
  ck_assert_uint_eq(strlen(s), sizeof big + 1);
  ck_assert_int_eq(s[0], '<');
  ck_assert_int_eq(s[sizeof big], '>');
  free(s);
  const char *r = al_arena_fmt(&a, "%s()%s", "f", ".then");
  ck_assert_str_eq(r, "f().then");
  r = al_arena_fmt(&a, "<anonymous@%u>.%s", 12u, "helper");
  ck_assert_str_eq(r, "<anonymous@12>.helper");
  al_arena_free(&a);
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
  /* ASCII is skipped eight bytes at a time: a bad byte in or after such runs, at every
   * offset, and a sequence cut by the end right after a run */
  char buf[40];
  for (int at = 0; at < 24; at++) {
    memset(buf, 'a', sizeof buf);
    buf[at] = (char)0xe9;
    ck_assert_int_eq(al_utf8_invalid_at(buf, sizeof buf), at);
    memcpy(buf + at, "\xc3\xa9", 2); /* valid there */
    ck_assert_int_eq(al_utf8_invalid_at(buf, sizeof buf), -1);
    ck_assert_int_eq(al_utf8_invalid_at(buf, (size_t)at + 1), at); /* cut after its first byte */
  }
  ck_assert_int_eq(al_utf8_invalid_at("0123456789abcdef\xe2\x82\xac!", 20), -1);
  ck_assert_int_eq(al_utf8_invalid_at("0123456789abcdef\xe2\x82", 18), 16);
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

/* Text without \r takes the memchr path: the same line map. */
START_TEST(line_map_without_carriage_returns) {
  al_source s;
  const char *text = "a\n\nccc\ndddd\n";
  al_source_from_text(&s, "x.py", AL_LANG_PYTHON, text, strlen(text));
  ck_assert_uint_eq(s.nlines, 5);
  ck_assert_uint_eq(s.line_starts[1], 2);
  ck_assert_uint_eq(s.line_starts[2], 3);
  ck_assert_uint_eq(s.line_starts[3], 7);
  ck_assert_uint_eq(s.line_starts[4], 12);
  ck_assert_uint_eq(al_source_line_of(&s, 8), 4);
  al_source_free(&s);
  const char *cr_end = "x\r";
  al_source_from_text(&s, "x.py", AL_LANG_PYTHON, cr_end, strlen(cr_end));
  ck_assert_uint_eq(s.nlines, 2);
  ck_assert_uint_eq(s.line_starts[1], 2);
  al_source_free(&s);
  al_source_from_text(&s, "x.py", AL_LANG_PYTHON, "", 0);
  ck_assert_uint_eq(s.nlines, 1);
  al_source_free(&s);
}
END_TEST

/* A finding's end: line and column of an offset, \r\n and lone \r ending lines too. */
START_TEST(source_positions) {
  al_source s;
  const char *text = "a\r\nbb\rccc\ndddd";
  al_source_from_text(&s, "x.py", AL_LANG_PYTHON, text, strlen(text));
  uint32_t line, col;
  const uint32_t want[][3] = {{0, 1, 1}, {1, 1, 2}, {3, 2, 1}, {4, 2, 2}, {6, 3, 1}, {9, 3, 4}, {10, 4, 1}, {14, 4, 5}};
  for (size_t i = 0; i < sizeof want / sizeof *want; i++) {
    al_source_position(&s, want[i][0], &line, &col);
    ck_assert_uint_eq(line, want[i][1]);
    ck_assert_uint_eq(col, want[i][2]);
  }
  al_source_free(&s);
  al_source_position(NULL, 3, &line, &col); /* no text: not known */
  ck_assert_uint_eq(line, 0);
  ck_assert_uint_eq(col, 0);
}
END_TEST

/* ir_add appends each child after its parent's last one, without a last-child pointer:
 * in pre-order, and for a parent given children out of that order. */
static void ck_children(const ir_node *p, const char *want) {
  char got[64] = "";
  for (const ir_node *c = p->child; c; c = c->next) {
    ck_assert_ptr_eq(c->parent, p);
    strncat(got, c->name, sizeof got - strlen(got) - 1);
  }
  ck_assert_str_eq(got, want);
}

START_TEST(ir_add_keeps_child_order) {
  al_source s;
  al_source_from_text(&s, "x.py", AL_LANG_PYTHON, "pass\n", 5);
  ir_file *f = ir_file_new(&s, "x");
  ir_span sp = {0, 1, 1, 1};
  ir_node *n[16];
  const char *names[16] = {"a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l", "m", "n", "o", "p"};
  int k = 0;
#define ADD(parent) (n[k] = ir_add(f, (parent), IR_CALL, sp), n[k]->name = names[k], n[k++])
  ir_node *a = ADD(f->root);      /* a */
  ir_node *b = ADD(a);            /*   b */
  ir_node *c = ADD(b);            /*     c */
  ADD(c);                         /*       d */
  ADD(f->root);                   /* e: after a, climbing from d */
  ADD(b);                         /* f: b's second child, out of order (e was made last) */
  ADD(a);                         /* g: a's second child, out of order */
  ADD(b);                         /* h: after f (made two nodes ago) */
  ADD(f->root);                   /* i: after e, with the last node made under a */
  ADD(c);                         /* j: c's second child, nothing on the climb */
#undef ADD
  ck_children(f->root, "aei");
  ck_children(a, "bg");
  ck_children(b, "cfh");
  ck_children(c, "dj");
  ck_assert_ptr_eq(n[9]->next, NULL);
  ir_file_free(f);
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
  ck_assert_int_eq(al_lang_from_path("e.ts"), AL_LANG_JS); /* TypeScript: the JavaScript front end */
  ck_assert_int_eq(al_lang_from_path("e.tsx"), AL_LANG_JS);
  ck_assert_int_eq(al_lang_from_path("e.mts"), AL_LANG_JS);
  ck_assert_int_eq(al_lang_from_path("e.rs"), AL_LANG_NONE);
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
  /* ESLint's spellings, the line before, and the whole file */
  const char *eslint = "f(); // asynclint-disable-line\n"              /* 1 */
                       "f(); // asynclint-disable-line AL101 AL2\n"    /* 2 */
                       "f(); // asynclint-disable-line AL3\n"          /* 3 */
                       "// asynclint-disable-next-line AL101 -- why\n" /* 4 */
                       "f();\n"                                        /* 5 */
                       "// asynclint: ignore-next-line[AL1]\n"         /* 6 */
                       "f();\n"                                        /* 7 */
                       "f(); // asynclint: ignore-next-line\n"         /* 8 */
                       "f();\n"                                        /* 9 */
                       "f();\n";                                       /* 10 */
  al_source_from_text(&s, "x.js", AL_LANG_JS, eslint, strlen(eslint));
  ck_assert(al_suppressed(&s, 1, "AL501"));
  ck_assert(al_suppressed(&s, 2, "AL101"));
  ck_assert(al_suppressed(&s, 2, "AL210"));
  ck_assert(!al_suppressed(&s, 2, "AL301"));
  ck_assert(!al_suppressed(&s, 3, "AL101"));
  ck_assert(al_suppressed(&s, 5, "AL101"));
  ck_assert(!al_suppressed(&s, 5, "AL104"));
  ck_assert(al_suppressed(&s, 7, "AL104"));
  ck_assert(!al_suppressed(&s, 7, "AL201"));
  ck_assert(!al_suppressed(&s, 8, "AL101")); /* it speaks of the next line only */
  ck_assert(al_suppressed(&s, 9, "AL101"));
  ck_assert(!al_suppressed(&s, 10, "AL101"));
  al_source_free(&s);
  const char *file = "import asyncio\n# asynclint: ignore-file[AL101, AL3]\nf()\n";
  al_source_from_text(&s, "x.py", AL_LANG_PYTHON, file, strlen(file));
  ck_assert(al_suppressed(&s, 3, "AL101"));
  ck_assert(al_suppressed(&s, 1, "AL302"));
  ck_assert(!al_suppressed(&s, 3, "AL102"));
  al_source_free(&s);
  const char *all = "/* asynclint-disable-file */\nf();\n";
  al_source_from_text(&s, "x.js", AL_LANG_JS, all, strlen(all));
  ck_assert(al_suppressed(&s, 2, "AL101"));
  al_source_free(&s);
}
END_TEST

/* The peers' own suppressions, for the rules of theirs that ours cover (knowledge
 * `peer_codes`): a project moving over keeps its decisions; other rules' do not count. */
START_TEST(peer_suppressions) {
  const char *py = "time.sleep(1)  # noqa: ASYNC251\n"       /* 1 */
                   "time.sleep(1)  # noqa: E501, ASYNC251\n" /* 2 */
                   "time.sleep(1)  # noqa: ASYNC210\n"       /* 3 */
                   "create_task(f())  # noqa: RUF006\n"      /* 4 */
                   "return  # pylint: disable=lost-exception\n" /* 5 */
                   "except:  # pylint: disable=W0702,C0301\n"   /* 6 */
                   "return  # pylint: disable=unused-import\n"; /* 7 */
  al_source s;
  al_source_from_text(&s, "x.py", AL_LANG_PYTHON, py, strlen(py));
  ck_assert(al_suppressed(&s, 1, "AL201"));
  ck_assert(!al_suppressed(&s, 1, "AL202"));
  ck_assert(al_suppressed(&s, 2, "AL201"));
  ck_assert(!al_suppressed(&s, 3, "AL201"));
  ck_assert(al_suppressed(&s, 4, "AL102"));
  ck_assert(al_suppressed(&s, 5, "AL403"));
  ck_assert(al_suppressed(&s, 6, "AL402"));
  ck_assert(!al_suppressed(&s, 6, "AL404"));
  ck_assert(!al_suppressed(&s, 7, "AL403"));
  al_source_free(&s);
  const char *js = "f(); // eslint-disable-line @typescript-eslint/no-floating-promises\n"        /* 1 */
                   "// eslint-disable-next-line no-console, require-await -- not async\n"     /* 2 */
                   "async function g() {}\n"                                                 /* 3 */
                   "// eslint-disable-next-line no-console\n"                                 /* 4 */
                   "f();\n"                                                                   /* 5 */
                   "// biome-ignore lint/nursery/noFloatingPromises: fire and forget\n"       /* 6 */
                   "f();\n"                                                                   /* 7 */
                   "/* eslint-disable no-await-in-loop, n/no-sync */\n"                       /* 8 */
                   "for (const x of xs) await f(x);\n"                                        /* 9 */
                   "/* eslint-enable no-await-in-loop */\n"                                   /* 10 */
                   "for (const x of xs) await f(x);\n"                                        /* 11 */
                   "fs.readFileSync(p);\n"                                                    /* 12 */
                   "/* eslint-enable */\n"                                                    /* 13 */
                   "fs.readFileSync(p);\n";                                                   /* 14 */
  al_source_from_text(&s, "x.js", AL_LANG_JS, js, strlen(js));
  ck_assert(al_suppressed(&s, 1, "AL101"));
  ck_assert(!al_suppressed(&s, 1, "AL104"));
  ck_assert(al_suppressed(&s, 3, "AL501"));
  ck_assert(!al_suppressed(&s, 5, "AL101")); /* another rule's suppression */
  ck_assert(al_suppressed(&s, 7, "AL101"));
  ck_assert(al_suppressed(&s, 9, "AL508"));
  ck_assert(!al_suppressed(&s, 11, "AL508"));
  ck_assert(al_suppressed(&s, 12, "AL203"));
  ck_assert(!al_suppressed(&s, 14, "AL203"));
  al_source_free(&s);
  /* Ruff's and flake8's whole-file exemptions */
  const char *ruff = "import time\n# ruff: noqa: ASYNC251, E501\ntime.sleep(1)\nf()\n";
  al_source_from_text(&s, "x.py", AL_LANG_PYTHON, ruff, strlen(ruff));
  ck_assert(al_suppressed(&s, 3, "AL201"));
  ck_assert(!al_suppressed(&s, 4, "AL101"));
  al_source_free(&s);
  const char *flake8 = "# flake8: noqa\nf()\n";
  al_source_from_text(&s, "x.py", AL_LANG_PYTHON, flake8, strlen(flake8));
  ck_assert(al_suppressed(&s, 2, "AL101"));
  al_source_free(&s);
  const char *prose = "x = 1  # see the ruff: noqa docs\nf()\n";
  al_source_from_text(&s, "x.py", AL_LANG_PYTHON, prose, strlen(prose));
  ck_assert(!al_suppressed(&s, 2, "AL101")); /* not a line of its own */
  al_source_free(&s);
  /* pylint's disable on a line of its own: to the end of its block, or an enable */
  const char *block = "def f():\n"                             /* 1 */
                      "    # pylint: disable=broad-except\n"   /* 2 */
                      "    try:\n"                             /* 3 */
                      "        pass\n"                         /* 4 */
                      "\n"                                     /* 5 */
                      "    except BaseException:\n"            /* 6 */
                      "        pass\n"                         /* 7 */
                      "def g():\n"                             /* 8 */
                      "    except BaseException:\n"            /* 9 */
                      "# pylint: disable=lost-exception\n"     /* 10 */
                      "def h():\n"                             /* 11 */
                      "    return\n"                           /* 12 */
                      "    # pylint: enable=W0150\n"           /* 13 */
                      "    return\n";                          /* 14 */
  al_source_from_text(&s, "x.py", AL_LANG_PYTHON, block, strlen(block));
  ck_assert(al_suppressed(&s, 6, "AL402"));
  ck_assert(!al_suppressed(&s, 6, "AL403")); /* another message */
  ck_assert(!al_suppressed(&s, 9, "AL402")); /* the block ended at line 8 */
  ck_assert(al_suppressed(&s, 12, "AL403")); /* module level: the rest of the file */
  ck_assert(!al_suppressed(&s, 14, "AL403")); /* enabled again */
  ck_assert(al_suppressed(&s, 6, "AL401")); /* out of line order: scanned afresh */
  al_source_free(&s);
  /* ESLint's names mean nothing in Python, ruff's nothing in JavaScript */
  const char *mixed = "f()  # eslint-disable-line require-await\n";
  al_source_from_text(&s, "x.py", AL_LANG_PYTHON, mixed, strlen(mixed));
  ck_assert(!al_suppressed(&s, 1, "AL501"));
  al_source_free(&s);
}
END_TEST

static void collect_path(const char *path, void *ctx) {
  al_buf *b = ctx;
  al_buf_puts(b, path);
  al_buf_puts(b, "\n");
}

START_TEST(import_scan) {
  /* Python: absolute, relative (from a module and from a package), submodules, a
   * parenthesized list over lines, `as`, a comment; above the top package: nothing */
  const char *py = "import os.path, json as j  # a comment\n"
                   "from .util import pause\n"
                   "from .. import top, (other)\n"
                   "    from .deep.er import (\n      a,\n      b as c,\n)\n"
                   "from .... import nowhere\n"
                   "x = 'from here import nothing'\n";
  al_source s;
  al_source_from_text(&s, "/r/pkg/sub/app.py", AL_LANG_PYTHON, py, strlen(py));
  al_buf b = {0};
  al_scan_import_candidates(&s, "/r/pkg/sub/app.py", "pkg.sub.app", collect_path, &b);
  al_buf_add(&b, "", 1);
  const char *want[] = {"/r/os/path.py\n", "/r/json/__init__.py\n", "/r/pkg/sub/util.py\n",
                        "/r/pkg/top.py\n", "/r/pkg/other/__init__.py\n", "/r/pkg/sub/deep/er/a.py\n",
                        "/r/pkg/sub/deep/er/b.py\n"};
  for (size_t i = 0; i < sizeof want / sizeof *want; i++) ck_assert_msg(strstr(b.data, want[i]), "%s", want[i]);
  ck_assert(!strstr(b.data, "nowhere"));
  ck_assert(!strstr(b.data, "/c.py")); /* `b as c` imports b */
  ck_assert(!strstr(b.data, "here")); /* `from` not at a line's start */
  al_buf_free(&b);
  al_source_free(&s);
  /* the same file as a package's __init__: `.` is the package itself */
  const char *init = "from . import util\n";
  al_source_from_text(&s, "/r/pkg/__init__.py", AL_LANG_PYTHON, init, strlen(init));
  al_buf b2 = {0};
  al_scan_import_candidates(&s, "/r/pkg/__init__.py", "pkg", collect_path, &b2);
  al_buf_add(&b2, "", 1);
  ck_assert(strstr(b2.data, "/r/pkg/util.py\n"));
  al_buf_free(&b2);
  al_source_free(&s);
  /* JS: require, import, dynamic import, re-export; not packages, not JSDoc types, not
   * a relative path in an ordinary string */
  const char *js = "const a = require('./a');\n"
                   "import b from \"../lib/b\";\n"
                   "import './side.js';\n"
                   "export { c } from './c';\n"
                   "const d = await import(`./d`);\n"
                   "const e = require('lodash');\n"
                   "/** @type {import('./typeonly')} */\n"
                   "// require('./commented')\n"
                   "const f = './notimport';\n";
  al_source_from_text(&s, "/w/src/x.js", AL_LANG_JS, js, strlen(js));
  al_buf b3 = {0};
  al_scan_import_candidates(&s, "/w/src/x.js", "/w/src/x", collect_path, &b3);
  al_buf_add(&b3, "", 1);
  const char *jwant[] = {"/w/src/./a.js\n", "/w/src/../lib/b/index.js\n", "/w/src/./side.js\n", "/w/src/./c.mjs\n",
                         "/w/src/./d.js\n"};
  for (size_t i = 0; i < sizeof jwant / sizeof *jwant; i++) ck_assert_msg(strstr(b3.data, jwant[i]), "%s", jwant[i]);
  ck_assert(!strstr(b3.data, "lodash"));
  ck_assert(!strstr(b3.data, "typeonly"));
  ck_assert(!strstr(b3.data, "commented"));
  ck_assert(!strstr(b3.data, "notimport"));
  al_buf_free(&b3);
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

  /* wildcards: exact before a.*, before *.m; a name whose head starts no entry still
   * reaches *.m entries */
  const char *wild = "blocking:\n  - {name: os.path.*, k: prefix}\n  - {name: os.path.exists, k: exact}\n"
                     "  - {name: '*.read', k: suffix}\n  - {name: sleep, k: bare}\n";
  ck_assert_int_eq(al_kb_load(&kb, wild, strlen(wild), "w.yaml", &err), 0);
  ck_assert_str_eq(al_kb_attr(al_kb_match(&kb, "blocking", "os.path.exists"), "k"), "exact");
  ck_assert_str_eq(al_kb_attr(al_kb_match(&kb, "blocking", "os.path.isdir"), "k"), "prefix");
  ck_assert_str_eq(al_kb_attr(al_kb_match(&kb, "blocking", "os.path.x.y"), "k"), "prefix");
  ck_assert_str_eq(al_kb_attr(al_kb_match(&kb, "blocking", "os.path.read"), "k"), "prefix");
  ck_assert_str_eq(al_kb_attr(al_kb_match(&kb, "blocking", "fh.read"), "k"), "suffix");
  ck_assert_str_eq(al_kb_attr(al_kb_match(&kb, "blocking", "a.b.read"), "k"), "suffix");
  ck_assert_str_eq(al_kb_attr(al_kb_match(&kb, "blocking", "sleep"), "k"), "bare");
  ck_assert_ptr_null(al_kb_match(&kb, "blocking", "os.getcwd"));
  ck_assert_ptr_null(al_kb_match(&kb, "blocking", "time.sleep"));
  ck_assert_ptr_null(al_kb_match(&kb, "blocking", "read"));
  ck_assert_ptr_null(al_kb_match(&kb, "blocking", "ospath.exists"));
  al_kb_free(&kb);

  /* a section of hundreds of heads and `*.m` entries: the filters that rule names out
   * before hashing them never rule out one that matches */
  al_buf big = {0};
  al_buf_puts(&big, "blocking:\n");
  for (int i = 0; i < 400; i++) {
    char line[96];
    snprintf(line, sizeof line, "  - mod%d.call%d\n  - mod%d.sub.*\n  - '*.meth%d'\n", i, i, i, i);
    al_buf_puts(&big, line);
  }
  ck_assert_int_eq(al_kb_load(&kb, big.data, big.len, "big.yaml", &err), 0);
  for (int i = 0; i < 400; i++) {
    char name[64];
    snprintf(name, sizeof name, "mod%d.call%d", i, i);
    ck_assert_ptr_nonnull(al_kb_match(&kb, "blocking", name));
    snprintf(name, sizeof name, "mod%d.sub.x.y", i);
    ck_assert_ptr_nonnull(al_kb_match(&kb, "blocking", name));
    snprintf(name, sizeof name, "self.conn.meth%d", i);
    ck_assert_ptr_nonnull(al_kb_match(&kb, "blocking", name));
    snprintf(name, sizeof name, "mod%d.other", i);
    ck_assert_ptr_null(al_kb_match(&kb, "blocking", name));
    snprintf(name, sizeof name, "self.conn.meth%d_", i);
    ck_assert_ptr_null(al_kb_match(&kb, "blocking", name));
  }
  al_buf_free(&big);
  al_kb_free(&kb);

  /* a.b.*.m: one component before the last, any; exact wins; no match across two */
  const char *mid = "awaitable:\n  - {name: 'db.Client.*.find', k: mid}\n  - {name: db.Client.raw.find, k: exact}\n"
                    "  - {name: db.Client.*, k: prefix}\n";
  ck_assert_int_eq(al_kb_load(&kb, mid, strlen(mid), "m.yaml", &err), 0);
  ck_assert_str_eq(al_kb_attr(al_kb_match(&kb, "awaitable", "db.Client.user.find"), "k"), "mid");
  ck_assert_str_eq(al_kb_attr(al_kb_match(&kb, "awaitable", "db.Client.raw.find"), "k"), "exact");
  ck_assert_str_eq(al_kb_attr(al_kb_match(&kb, "awaitable", "db.Client.user.on"), "k"), "prefix");
  ck_assert_str_eq(al_kb_attr(al_kb_match(&kb, "awaitable", "db.Client.a.b.find"), "k"), "prefix");
  ck_assert_ptr_null(al_kb_match(&kb, "awaitable", "db.Other.user.find"));
  al_kb_free(&kb);

  /* *.a.m: a two-component suffix wins over *.m; not a longer or shorter one */
  const char *suf2 = "blocking:\n  - {name: '*.objects.get', k: two}\n  - {name: '*.get', k: one}\n";
  ck_assert_int_eq(al_kb_load(&kb, suf2, strlen(suf2), "s2.yaml", &err), 0);
  ck_assert_str_eq(al_kb_attr(al_kb_match(&kb, "blocking", "app.models.User.objects.get"), "k"), "two");
  ck_assert_str_eq(al_kb_attr(al_kb_match(&kb, "blocking", "User.objects.get"), "k"), "two");
  ck_assert_str_eq(al_kb_attr(al_kb_match(&kb, "blocking", "cache.get"), "k"), "one");
  ck_assert_str_eq(al_kb_attr(al_kb_match(&kb, "blocking", "User.objects.filter().get"), "k"), "one");
  ck_assert_ptr_null(al_kb_match(&kb, "blocking", "objects.get_or_create"));
  al_kb_free(&kb);

  /* a.b.*.*.m: two components (client.db.coll.insert_one); one or three do not match it */
  const char *mid2 = "awaitable:\n  - {name: 'm.Client.*.*.insert', k: two}\n  - {name: 'm.Client.*.command', k: one}\n";
  ck_assert_int_eq(al_kb_load(&kb, mid2, strlen(mid2), "m2.yaml", &err), 0);
  ck_assert_str_eq(al_kb_attr(al_kb_match(&kb, "awaitable", "m.Client.shop.orders.insert"), "k"), "two");
  ck_assert_str_eq(al_kb_attr(al_kb_match(&kb, "awaitable", "m.Client.shop.command"), "k"), "one");
  ck_assert_ptr_null(al_kb_match(&kb, "awaitable", "m.Client.shop.insert"));
  ck_assert_ptr_null(al_kb_match(&kb, "awaitable", "m.Client.a.b.c.insert"));
  ck_assert_ptr_null(al_kb_match(&kb, "awaitable", "m.Client.a.b.command"));
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

/* Without al_kb_init, a language's knowledge is loaded on first use, and again after a
 * shutdown (the run helper calls al_kb_init; this starts from a shutdown). */
START_TEST(builtin_knowledge_loads_on_first_use) {
  al_kb_shutdown();
  ck_assert_ptr_nonnull(al_kb_find(al_kb_for(AL_LANG_JS), "awaitable", "fs/promises.*"));
  ck_assert_ptr_nonnull(al_kb_find(al_kb_for(AL_LANG_JS), "not_thenable", "setTimeout"));
  ck_assert_ptr_nonnull(al_kb_find(al_kb_for(AL_LANG_C), "blocking", "fgets@stdin"));
  al_kb_shutdown();
  ck_assert_ptr_null(al_kb_find(al_kb_for(AL_LANG_NONE), "awaitable", "asyncio.sleep"));
  ck_assert_ptr_nonnull(al_kb_find(al_kb_for(AL_LANG_PYTHON), "awaitable", "asyncio.sleep"));
  char *err = NULL;
  ck_assert_int_eq(al_kb_init(&err), 0); /* the rest of the suite expects all loaded */
}
END_TEST

/* The built-in knowledge, compiled at build time (tools/kb_compile.c), is what the YAML in
 * rules/knowledge says: every section, entry, attribute and order, both ways. */
typedef struct {
  const al_kb *other;
  int sections, entries;
} kb_cmp;

static void cmp_section(const char *name, void *val, void *ctx) {
  kb_cmp *c = ctx;
  const al_kb_section *a = val, *b = al_map_get(&c->other->sections, name);
  ck_assert_msg(b != NULL, "section %s missing", name);
  ck_assert_uint_eq(a->entries.len, b->entries.len);
  for (size_t i = 0; i < a->entries.len; i++) {
    const al_kb_entry *x = a->entries.items[i], *y = b->entries.items[i];
    ck_assert_str_eq(x->name, y->name);
    ck_assert_uint_eq(x->nattrs, y->nattrs);
    for (size_t k = 0; k < x->nattrs; k++) {
      ck_assert_str_eq(x->keys[k], y->keys[k]);
      ck_assert_str_eq(x->vals[k], y->vals[k]);
    }
  }
  ck_assert(memcmp(a->head_bits, b->head_bits, sizeof a->head_bits) == 0);
  ck_assert(memcmp(a->tail_bits, b->tail_bits, sizeof a->tail_bits) == 0);
  c->sections++;
  c->entries += (int)a->entries.len;
}

START_TEST(builtin_knowledge_matches_yaml) {
  static const char *const files[] = {NULL, "rules/knowledge/python.yaml", "rules/knowledge/javascript.yaml",
                                      "rules/knowledge/c.yaml"};
  for (int l = AL_LANG_PYTHON; l <= AL_LANG_C; l++) {
    al_source src = {0};
    char *err = NULL;
    ck_assert_int_eq(al_source_load(&src, files[l], AL_LANG_NONE, &err), 0);
    al_kb yaml = {0};
    ck_assert_int_eq(al_kb_load(&yaml, src.text, src.len, files[l], &err), 0);
    const al_kb *built = al_kb_for((al_lang)l);
    kb_cmp one = {built, 0, 0}, two = {&yaml, 0, 0};
    al_map_each(&yaml.sections, cmp_section, &one);
    al_map_each(&built->sections, cmp_section, &two);
    ck_assert_int_eq(one.sections, two.sections);
    ck_assert_int_eq(one.entries, two.entries);
    ck_assert_int_gt(one.entries, 100);
    al_kb_free(&yaml);
    al_source_free(&src);
  }
}
END_TEST

/* A damaged blob is refused with a message, not read past its end. */
START_TEST(flat_knowledge_rejects_damage) {
  static const unsigned char good[] = "Sawaitable\0E\1asyncio.sleep\0note\0x\0";
  al_kb kb = {0};
  char *err = NULL;
  ck_assert_int_eq(al_kb_load_flat(&kb, good, sizeof good - 1, "g", &err), 0);
  const al_kb_entry *e = al_kb_find(&kb, "awaitable", "asyncio.sleep");
  ck_assert_ptr_nonnull(e);
  ck_assert_str_eq(al_kb_attr(e, "note"), "x");
  al_kb_free(&kb);
  size_t section_alone = strlen((const char *)good) + 1; /* "Sawaitable" and its NUL: a whole record */
  for (size_t cut = 1; cut < sizeof good - 1; cut++) { /* every truncation but the section alone */
    al_kb k2 = {0};
    err = NULL;
    int rc = al_kb_load_flat(&k2, good, cut, "t", &err);
    if (cut != section_alone) {
      ck_assert_int_eq(rc, -1);
      ck_assert_ptr_nonnull(strstr(err, "broken compiled knowledge"));
      free(err);
    } else {
      ck_assert_int_eq(rc, 0);
    }
    al_kb_free(&k2);
  }
  static const unsigned char orphan[] = "E\0name\0"; /* an entry before any section */
  al_kb k3 = {0};
  ck_assert_int_eq(al_kb_load_flat(&k3, orphan, sizeof orphan - 1, "o", &err), -1);
  free(err);
  al_kb_free(&k3);
}
END_TEST

START_TEST(builtin_knowledge_loads) {
  ck_assert_ptr_nonnull(al_kb_find(al_kb_for(AL_LANG_PYTHON), "awaitable", "asyncio.sleep"));
  ck_assert_ptr_nonnull(al_kb_find(al_kb_for(AL_LANG_JS), "awaitable", "fs/promises.*"));
  ck_assert_ptr_nonnull(al_kb_find(al_kb_for(AL_LANG_C), "future_types", "struct rt_future *"));
}
END_TEST

/* The memo must answer exactly what realpath(3) answers: through a symlinked folder, a
 * symlinked file, "..", a relative path, and for a path that does not exist. */
START_TEST(realpath_memo_matches_realpath) {
  char tmpl[] = "/tmp/asynclint-rp-XXXXXX";
  char *root = mkdtemp(tmpl);
  ck_assert_ptr_nonnull(root);
  char *real = al_fmt("%s/real", root), *link = al_fmt("%s/link", root), *file = al_fmt("%s/real/a.py", root);
  char *flink = al_fmt("%s/real/b.py", root);
  ck_assert_int_eq(mkdir(real, 0755), 0);
  FILE *fh = fopen(file, "w");
  ck_assert_ptr_nonnull(fh);
  fclose(fh);
  ck_assert_int_eq(symlink(real, link), 0);
  ck_assert_int_eq(symlink(file, flink), 0);
  char *cwd = getcwd(NULL, 0);
  ck_assert_int_eq(chdir(real), 0);
  const char *cases[] = {file, "a.py", "./a.py", "../real/a.py", "b.py", NULL, NULL, NULL};
  char *via_link = al_fmt("%s/a.py", link), *dotdot = al_fmt("%s/real/../link/b.py", root);
  char *missing = al_fmt("%s/nope/a.py", root);
  cases[5] = via_link;
  cases[6] = dotdot;
  cases[7] = missing;
  al_realpaths m = {0};
  for (int round = 0; round < 2; round++) /* the second round answers from the memo */
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
      char *want = realpath(cases[i], NULL), *got = al_realpath_memo(&m, cases[i]);
      if (!want) ck_assert_ptr_null(got);
      else ck_assert_str_eq(got, want);
      free(want);
      free(got);
    }
  al_realpaths_free(&m);
  ck_assert_int_eq(chdir(cwd), 0);
  unlink(flink);
  unlink(file);
  unlink(link);
  rmdir(real);
  rmdir(root);
  free(cwd);
  free(real), free(link), free(file), free(flink), free(via_link), free(dotdot), free(missing);
}
END_TEST

/* Every length and alignment goes through the word loop and the tail; one changed byte
 * anywhere changes the hash. */
START_TEST(fast_hash_sees_every_byte) {
  char buf[80];
  for (size_t i = 0; i < sizeof buf; i++) buf[i] = (char)('a' + i % 26);
  for (size_t n = 0; n <= 64; n++)
    for (size_t at = 0; at < n; at++) {
      uint64_t h = al_hash_fast(buf + 1, n);
      buf[1 + at] ^= 1;
      ck_assert_uint_ne(h, al_hash_fast(buf + 1, n));
      buf[1 + at] ^= 1;
      ck_assert_uint_eq(h, al_hash_fast(buf + 1, n));
    }
  ck_assert_uint_ne(al_hash_fast("ab", 2), al_hash_fast("ab\0", 3)); /* length is mixed in */
}
END_TEST

/* Arenas fed from a pool hand out zeroed, aligned, non-overlapping memory from several
 * threads' files at once; blocks larger than a pool chunk work too. */
START_TEST(pooled_arenas) {
  al_pool *pool = al_pool_new();
  al_pool_use(pool);
  al_arena a, b;
  al_arena_init(&a);
  al_arena_init(&b);
  al_pool_use(NULL);
  char *prev = NULL;
  for (int i = 0; i < 5000; i++) {
    size_t n = (size_t)(i % 97) + 1;
    char *p = al_arena_alloc(i % 2 ? &a : &b, n);
    ck_assert_uint_eq((uintptr_t)p % 8, 0);
    unsigned char any = 0;
    for (size_t k = 0; k < n; k++) any |= (unsigned char)p[k];
    ck_assert_uint_eq(any, 0); /* zeroed, and no earlier allocation overlaps it */
    memset(p, 0xab, n);
    if (prev) ck_assert_uint_eq((unsigned char)prev[0], 0xab);
    prev = p;
  }
  char *big = al_arena_alloc(&a, 3u << 20);
  ck_assert_int_eq(big[0] | big[(3u << 20) - 1], 0);
  memset(big, 1, 3u << 20);
  ck_assert_uint_gt(al_arena_bytes(&a), 3u << 20);
  al_arena_free(&a);
  al_arena_free(&b);
  al_pool_free(pool);
  al_arena c; /* no pool in use: malloc'd blocks, as in the LSP */
  al_arena_init(&c);
  ck_assert_ptr_null(c.pool);
  ck_assert_int_eq(*(char *)al_arena_alloc(&c, 16), 0);
  al_arena_free(&c);
}
END_TEST

/* The scalar at a path of mappings (and sequence indices) under a TOML table, or NULL. */
static const char *toml_at(yaml_document_t *doc, const char *const *keys, size_t n) {
  yaml_node_t *at = yaml_document_get_root_node(doc);
  for (size_t i = 0; i < n && at; i++) {
    yaml_node_t *next = NULL;
    if (at->type == YAML_SEQUENCE_NODE) {
      long k = strtol(keys[i], NULL, 10);
      if (k >= 0 && at->data.sequence.items.start + k < at->data.sequence.items.top)
        next = yaml_document_get_node(doc, at->data.sequence.items.start[k]);
    } else if (at->type == YAML_MAPPING_NODE) {
      for (yaml_node_pair_t *q = at->data.mapping.pairs.start; q < at->data.mapping.pairs.top; q++)
        if (!strcmp((const char *)yaml_document_get_node(doc, q->key)->data.scalar.value, keys[i]))
          next = yaml_document_get_node(doc, q->value);
    }
    at = next;
  }
  return at && at->type == YAML_SCALAR_NODE ? (const char *)at->data.scalar.value : NULL;
}

static void write_text(const char *path, const char *text) {
  FILE *fh = fopen(path, "w");
  ck_assert_ptr_nonnull(fh);
  fputs(text, fh);
  fclose(fh);
}

/* AL515's pytest context: the file names pytest collects, the settings that run unmarked
 * coroutine tests (not the strict mode, not a longer name), found in a folder above. */
START_TEST(pytest_context) {
  ck_assert(al_pytest_file_name("/p/tests/test_orders.py"));
  ck_assert(al_pytest_file_name("orders_test.py"));
  ck_assert(!al_pytest_file_name("/p/tests/helpers.py"));
  ck_assert(!al_pytest_file_name("/p/test_/x.py"));
  ck_assert(!al_pytest_file_name("/p/test_x.pyi"));
  ck_assert(!al_pytest_file_name("_test.py"));
  static const struct { const char *text; bool runs; } cases[] = {
      {"[pytest]\nasyncio_mode = auto\n", true},
      {"[tool.pytest.ini_options]\nasyncio_mode = \"strict\"\n", false},
      {"[pytest]\nasyncio_mode=strict", false},
      {"[pytest]\naddopts = -q --asyncio-mode=auto\n", true},
      {"[pytest]\naddopts = --asyncio-mode strict\n", false},
      {"my_asyncio_mode = auto\n", false},
      {"[pytest]\ntrio_mode = true\n", true},
      {"def pytest_pyfunc_call(pyfuncitem):\n", true},
      {"pytest_plugins = [\"aiohttp.pytest_plugin\"]\n", true},
      {"def pytest_addoption(parser):\n    pass\n", false},
      {"", false},
  };
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
    ck_assert_msg(al_pytest_text_runs_async(cases[i].text, strlen(cases[i].text)) == cases[i].runs, "%s",
                  cases[i].text);
  char tmpl[] = "/tmp/asynclint-pytest-XXXXXX";
  char *root = mkdtemp(tmpl);
  ck_assert_ptr_nonnull(root);
  char *a = al_fmt("%s/a", root), *ab = al_fmt("%s/a/b", root), *c = al_fmt("%s/c", root);
  char *tox = al_fmt("%s/a/tox.ini", root), *conf = al_fmt("%s/c/conftest.py", root);
  ck_assert_int_eq(mkdir(a, 0755), 0);
  ck_assert_int_eq(mkdir(ab, 0755), 0);
  ck_assert_int_eq(mkdir(c, 0755), 0);
  write_text(tox, "[pytest]\nasyncio_mode = auto\n");
  write_text(conf, "import pytest\n");
  al_map memo = {0};
  char *t1 = al_fmt("%s/test_x.py", ab), *t2 = al_fmt("%s/test_y.py", c), *t3 = al_fmt("%s/helper.py", c);
  const int all = AL_PYTEST_FILE | AL_PYTEST_RUNS_ASYNC | AL_PYTEST_CONFIGURED;
  ck_assert_int_eq(al_pytest_context(&memo, t1), all); /* tox.ini's [pytest], two folders up */
  ck_assert_int_eq(al_pytest_context(&memo, t2), AL_PYTEST_FILE | AL_PYTEST_CONFIGURED); /* a conftest.py */
  ck_assert_int_eq(al_pytest_context(&memo, t3), 0);
  ck_assert_int_eq(al_pytest_context(&memo, t1), all); /* memoized */
  write_text(tox, "[tox]\nenvlist = py311\n"); /* no [pytest] section: not pytest's settings */
  al_map_free(&memo);
  memo = (al_map){0};
  ck_assert_int_eq(al_pytest_context(&memo, t1) & AL_PYTEST_CONFIGURED, 0);
  al_map_free(&memo);
  unlink(tox);
  unlink(conf);
  rmdir(ab);
  rmdir(a);
  rmdir(c);
  rmdir(root);
  free(a), free(ab), free(c), free(tox), free(conf), free(t1), free(t2), free(t3);
}
END_TEST

START_TEST(toml_table) {
  static const char *const table[] = {"tool", "asynclint"};
  const char *text =
      "# a pyproject\n"
      "[project]\nname = \"x\"\nreadme = '''\n[tool.asynclint]\nnot = 'a table'\n'''\n"
      "deps = [ \"a\", # [tool.asynclint]\n  [\"nested\"], { k = \"}\" } ]\n\n"
      "[ tool . \"asynclint\" ]  # spaces and a quoted part\n"
      "basic = \"tab\\there \\u00e9 \\U0001F600 \\\"q\\\"\"\n"
      "literal = 'C:\\path\\n'\n"
      "multi = \"\"\"\nfirst \\\n    joined\"\"\"\n"
      "quotes = \"\"\"a \"\"\"\"\"\n"
      "num = 1_000\nflag = true\nwhen = 1979-05-27T07:32:00Z\n"
      "dotted.inner.leaf = \"deep\"\n"
      "inline = { a = \"1\", b.c = \"2\" }\n"
      "[[tool.asynclint.list]]\nname = \"first\"\n[[tool.asynclint.list]]\nname = \"second\"\n"
      "[tool.asynclint.list.sub]\nx = \"in the last\"\n"
      "[other]\ny = 2\n";
  yaml_document_t doc;
  bool found = false;
  size_t line = 0;
  char *msg = NULL;
  ck_assert_int_eq(al_toml_table(text, strlen(text), table, 2, &doc, &found, &line, &msg), 0);
  ck_assert(found);
  ck_assert_str_eq(toml_at(&doc, (const char *[]){"basic"}, 1), "tab\there \xc3\xa9 \xf0\x9f\x98\x80 \"q\"");
  ck_assert_str_eq(toml_at(&doc, (const char *[]){"literal"}, 1), "C:\\path\\n");
  ck_assert_str_eq(toml_at(&doc, (const char *[]){"multi"}, 1), "first joined");
  ck_assert_str_eq(toml_at(&doc, (const char *[]){"quotes"}, 1), "a \"\"");
  ck_assert_str_eq(toml_at(&doc, (const char *[]){"num"}, 1), "1_000");
  ck_assert_str_eq(toml_at(&doc, (const char *[]){"when"}, 1), "1979-05-27T07:32:00Z");
  ck_assert_str_eq(toml_at(&doc, (const char *[]){"dotted", "inner", "leaf"}, 3), "deep");
  ck_assert_str_eq(toml_at(&doc, (const char *[]){"inline", "b", "c"}, 3), "2");
  ck_assert_str_eq(toml_at(&doc, (const char *[]){"list", "1", "name"}, 3), "second");
  ck_assert_str_eq(toml_at(&doc, (const char *[]){"list", "1", "sub", "x"}, 4), "in the last");
  ck_assert_ptr_null(toml_at(&doc, (const char *[]){"not"}, 1)); /* inside a string of [project] */
  ck_assert_ptr_null(toml_at(&doc, (const char *[]){"y"}, 1));
  yaml_node_t *root = yaml_document_get_root_node(&doc);
  yaml_node_t *first = yaml_document_get_node(&doc, root->data.mapping.pairs.start[0].value);
  ck_assert_uint_eq(first->start_mark.line + 1, 12); /* TOML lines reach the validation's messages */
  yaml_document_delete(&doc);
  /* no table: found is false; errors: their line */
  const char *none = "[project]\nname = 'x'\n";
  ck_assert_int_eq(al_toml_table(none, strlen(none), table, 2, &doc, &found, &line, &msg), 0);
  ck_assert(!found);
  yaml_document_delete(&doc);
  static const struct {
    const char *text;
    size_t line;
    const char *msg;
  } bad[] = {
      {"[tool.asynclint]\na = 1\na = 2\n", 3, "duplicate key 'a'"},
      {"[tool.asynclint]\na = \"\\q\"\n", 2, "unknown escape in a string"},
      {"[tool.asynclint]\na = \"\\ud800\"\n", 2, "a \\u escape names no Unicode scalar value"},
      {"[tool.asynclint]\na = 1 b\n", 2, "expected the end of the line"},
      {"x = [1,\n2\n", 3, "an array or inline table is not closed"},
      {"x = ]\n", 1, "a closing bracket without its opening one"},
      {"[[tool.asynclint]]\n", 1, "the settings table cannot be an array of tables"},
      {"[tool.asynclint]\na = 1\n[tool.asynclint.a]\n", 3, "'a' is already a value, not a table"},
  };
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
    ck_assert_int_eq(al_toml_table(bad[i].text, strlen(bad[i].text), table, 2, &doc, &found, &line, &msg), -1);
    ck_assert_uint_eq(line, bad[i].line);
    ck_assert_str_eq(msg, bad[i].msg);
    free(msg);
  }
}
END_TEST

int main(void) {
  Suite *s = suite_create("core");
  TCase *tc = tcase_create("core");
  tcase_set_timeout(tc, 30); /* sanitizer builds on a loaded machine */
  tcase_add_test(tc, map_grows_and_finds);
  tcase_add_test(tc, knowledge_names_expand_braces);
  tcase_add_test(tc, formats_match_snprintf);
  tcase_add_test(tc, utf8_validation);
  tcase_add_test(tc, line_map_handles_all_line_endings);
  tcase_add_test(tc, line_map_without_carriage_returns);
  tcase_add_test(tc, source_positions);
  tcase_add_test(tc, ir_add_keeps_child_order);
  tcase_add_test(tc, languages_by_extension);
  tcase_add_test(tc, gitignore_globs);
  tcase_add_test(tc, inline_suppressions);
  tcase_add_test(tc, peer_suppressions);
  tcase_add_test(tc, import_scan);
  tcase_add_test(tc, knowledge_loader);
  tcase_add_test(tc, builtin_knowledge_loads_on_first_use);
  tcase_add_test(tc, builtin_knowledge_loads);
  tcase_add_test(tc, builtin_knowledge_matches_yaml);
  tcase_add_test(tc, flat_knowledge_rejects_damage);
  tcase_add_test(tc, realpath_memo_matches_realpath);
  tcase_add_test(tc, fast_hash_sees_every_byte);
  tcase_add_test(tc, pooled_arenas);
  tcase_add_test(tc, toml_table);
  tcase_add_test(tc, pytest_context);
  suite_add_tcase(s, tc);
  return run_suite(s);
}
