/* test_ir_c: the C front end (libclang) lowers snippets into the expected IR, also
 * when headers are missing. */
#include <string.h>

#include "helpers.h"

START_TEST(futures_and_uses) {
  ck_assert_ir("/nonexistent/p/a.c", "/nonexistent/p/a.c",
               "typedef struct rt_future rt_future_t;\n"
               "rt_future_t *rt_sleep_future(long ms);\n"
               "int rt_await(rt_future_t *f, long deadline);\n"
               "static rt_future_t *helper(void) { return rt_sleep_future(1); }\n"
               "void cb(int s) {}\n"
               "int reg(void (*fn)(int), void *p);\n"
               "void task(void *arg) {\n"
               "  rt_sleep_future(10);\n"
               "  (void)helper();\n"
               "  rt_future_t *f = helper();\n"
               "  f = helper();\n"
               "  if (rt_await(f, -1) < 0) return;\n"
               "  reg(cb, NULL);\n"
               "  while (arg) { break; }\n"
               "}\n",
               "FILE /nonexistent/p/a.c lang=c module=/nonexistent/p/a.c\n"
               "  FUNC 4:1 helper type=\"struct rt_future *\" [definition]\n"
               "    RETURN 4:36\n"
               "      CALL 4:43 rt_sleep_future type=\"struct rt_future *\" use=returned (lit:1)\n"
               "  FUNC 5:1 cb type=\"void\" [exported] [definition] (s)\n"
               "  FUNC 7:1 task type=\"void\" [exported] [definition] (arg)\n"
               "    CALL 8:3 rt_sleep_future type=\"struct rt_future *\" use=discarded (lit:10)\n"
               "    CALL 9:9 helper type=\"struct rt_future *\" use=voided\n"
               "    CALL 10:20 helper var=f type=\"struct rt_future *\" use=assigned\n"
               "    CALL 11:7 helper type=\"struct rt_future *\" use=assigned\n"
               "    CALL 12:7 rt_await type=\"int\" use=other (f, -1)\n"
               "      USE 12:16 f\n"
               "    RETURN 12:28\n"
               "    LOOP 14:3 arg [while]\n"
               "      BREAK 14:17\n"
               /* NULL is undeclared without <stddef.h>: the call comes back by token recovery. */
               "    CALL 13:3 reg use=discarded (cb, null:NULL)\n");
}
END_TEST

START_TEST(missing_headers_still_lower) {
  ck_assert_ir("/nonexistent/p/b.c", "/nonexistent/p/b.c",
               "#include \"no_such_header.h\"\n"
               "void on_read(uv_stream_t *s) { uv_fs_read(loop, &req, 0, NULL, 0, -1, NULL); }\n",
               "FILE /nonexistent/p/b.c lang=c module=/nonexistent/p/b.c\n"
               "  FUNC 2:1 on_read type=\"void\" [exported] [definition] (s)\n"
               "    CALL 2:32 uv_fs_read use=discarded (loop, &req, null:lit:0, null:NULL, null:lit:0, -1, null:NULL)\n");
}
END_TEST

START_TEST(callbacks_annotations_loops) {
  /* Functions stored in struct fields (designated initializer or assignment) and in a
   * variable become ASSIGN nodes naming the function (a field's record, by USR, in
   * type); a call through a field names the record and field in member, which no
   * function is; annotations set context flags; loops carry their condition; functions
   * their parameters. */
  ck_assert_ir("/nonexistent/p/c.c", "/nonexistent/p/c.c",
               "typedef void (*cb_t)(int);\n"
               "struct ops { cb_t on_done_cb; };\n"
               "int reg(cb_t fn, void *p);\n"
               "void on_done(int s) {}\n"
               "__attribute__((annotate(\"asynclint_on_loop\"))) void tick(int s) {}\n"
               "__attribute__((annotate(\"asynclint_may_block\"))) void slow(void) {}\n"
               "void setup(struct ops *o, int n) {\n"
               "  struct ops d = {.on_done_cb = on_done};\n"
               "  o->on_done_cb = on_done;\n"
               "  cb_t cb = tick;\n"
               "  reg(cb, 0);\n"
               "  for (int i = 0; i < n; i++) {}\n"
               "  do { n--; } while (n > 3);\n"
               "  o->on_done_cb(n);\n"
               "}\n",
               "FILE /nonexistent/p/c.c lang=c module=/nonexistent/p/c.c\n"
               "  FUNC 4:1 on_done type=\"void\" [exported] [definition] (s)\n"
               "  FUNC 5:1 tick type=\"void\" [loop-callback] [exported] [definition] (s)\n"
               "  FUNC 6:1 slow type=\"void\" [exported] [definition] [may-block]\n"
               "  FUNC 7:1 setup type=\"void\" [exported] [definition] (o, n)\n"
               "    ASSIGN 8:33 on_done_cb member=on_done type=\"c:@S@ops\" [method]\n"
               "    ASSIGN 9:19 on_done_cb member=on_done type=\"c:@S@ops\" [method]\n"
               "    ASSIGN 10:13 cb member=tick\n"
               "    CALL 11:3 reg type=\"int\" use=discarded (cb, null:lit:0)\n"
               "    LOOP 12:3 i < n\n"
               "    LOOP 13:3 n > 3 [while]\n"
               "    CALL 14:3 on_done_cb member=c:@S@ops.on_done_cb type=\"void\" use=discarded [method] (n)\n");
}
END_TEST

int main(void) {
  Suite *s = suite_create("ir_c");
  TCase *tc = tcase_create("lower");
  tcase_set_timeout(tc, 30);
  tcase_add_test(tc, futures_and_uses);
  tcase_add_test(tc, missing_headers_still_lower);
  tcase_add_test(tc, callbacks_annotations_loops);
  suite_add_tcase(s, tc);
  return run_suite(s);
}
