/* test_fix: applying edits, atomic writes that keep the mode and refuse a file that
 * changed since it was read, a failed write that leaves the original intact, diffs. */
#include <sys/stat.h>
#include <unistd.h>

#include "fix.h"
#include "helpers.h"

static char dir[] = "/tmp/asynclint-fix-XXXXXX";

static char *write_tmp(const char *name, const char *text, mode_t mode) {
  char *path = al_fmt("%s/%s", dir, name);
  FILE *fp = fopen(path, "w");
  fputs(text, fp);
  fclose(fp);
  chmod(path, mode);
  return path;
}

static char *slurp(const char *path) {
  al_source s;
  char *err = NULL;
  if (al_source_load(&s, path, AL_LANG_PYTHON, &err) < 0) return err;
  char *t = al_strdup(s.text);
  al_source_free(&s);
  return t;
}

START_TEST(apply_skips_overlaps) {
  al_source s;
  const char *text = "a = f()\nb = g()\n";
  al_source_from_text(&s, "x.py", AL_LANG_PYTHON, text, strlen(text));
  al_fix *f1 = al_fix_new(AL_FIX_APPLY_SAFE, "one");
  al_fix_add(f1, 4, 4, "await ");
  al_fix *f2 = al_fix_new(AL_FIX_APPLY_SAFE, "two, overlapping one");
  al_fix_add(f2, 4, 7, "h()");
  al_fix *f3 = al_fix_new(AL_FIX_APPLY_SAFE, "three");
  al_fix_add(f3, 12, 12, "await ");
  al_fix_add(f3, 0, 0, "# fixed\n");
  al_fix *all[] = {f1, f2, f3};
  size_t applied, len;
  char *out = al_fix_apply(&s, all, 3, &applied, &len);
  ck_assert_uint_eq(applied, 2);
  ck_assert_str_eq(out, "# fixed\na = await f()\nb = await g()\n");
  ck_assert_uint_eq(len, strlen(out));
  free(out);
  for (int i = 0; i < 3; i++) al_fix_free(all[i]);
  al_source_free(&s);
}
END_TEST

START_TEST(write_keeps_mode_and_is_atomic) {
  char *path = write_tmp("keep.py", "x = 1\n", 0640);
  al_source s;
  char *err = NULL;
  ck_assert_int_eq(al_source_load(&s, path, AL_LANG_PYTHON, &err), 0);
  ck_assert_int_eq(al_fix_write(&s, "x = 2\n", 6, &err), 0);
  char *now = slurp(path);
  ck_assert_str_eq(now, "x = 2\n");
  struct stat st;
  stat(path, &st);
  ck_assert_int_eq(st.st_mode & 07777, 0640);
  free(now);
  al_source_free(&s);
  free(path);
}
END_TEST

START_TEST(write_refuses_a_changed_file) {
  char *path = write_tmp("changed.py", "x = 1\n", 0644);
  al_source s;
  char *err = NULL;
  ck_assert_int_eq(al_source_load(&s, path, AL_LANG_PYTHON, &err), 0);
  usleep(20000);
  FILE *fp = fopen(path, "a");
  fputs("y = 3\n", fp); /* someone edits the file between read and write */
  fclose(fp);
  ck_assert_int_eq(al_fix_write(&s, "x = 2\n", 6, &err), -1);
  ck_assert_ptr_nonnull(strstr(err, "changed"));
  free(err);
  char *now = slurp(path);
  ck_assert_str_eq(now, "x = 1\ny = 3\n");
  free(now);
  al_source_free(&s);
  free(path);
}
END_TEST

START_TEST(failed_write_leaves_original_and_no_temp) {
  char *path = write_tmp("fail.py", "x = 1\n", 0644);
  al_source s;
  char *err = NULL;
  ck_assert_int_eq(al_source_load(&s, path, AL_LANG_PYTHON, &err), 0);
  setenv("ASYNCLINT_TEST_FAIL_RENAME", "1", 1);
  ck_assert_int_eq(al_fix_write(&s, "x = 2\n", 6, &err), -1);
  unsetenv("ASYNCLINT_TEST_FAIL_RENAME");
  free(err);
  char *now = slurp(path);
  ck_assert_str_eq(now, "x = 1\n");
  free(now);
  char *cmd = al_fmt("ls %s | grep -c asynclint- > /dev/null", dir);
  ck_assert_int_ne(system(cmd), 0); /* no temporary file left behind */
  free(cmd);
  al_source_free(&s);
  free(path);
}
END_TEST

START_TEST(unified_diff) {
  al_source s;
  const char *a = "l1\nl2\nl3\nl4\nf()\nl6\nl7\nl8\nl9\nl10\nl11\ng()\n";
  al_source_from_text(&s, "m.py", AL_LANG_PYTHON, a, strlen(a));
  const char *b = "l1\nl2\nl3\nl4\nawait f()\nl6\nl7\nl8\nl9\nl10\nl11\nawait g()\n";
  char *buf = NULL;
  size_t blen = 0;
  FILE *out = open_memstream(&buf, &blen);
  al_fix_diff(&s, b, strlen(b), out);
  fclose(out);
  ck_assert_str_eq(buf, "--- a/m.py\n+++ b/m.py\n"
                        "@@ -2,7 +2,7 @@\n l2\n l3\n l4\n-f()\n+await f()\n l6\n l7\n l8\n"
                        "@@ -9,4 +9,4 @@\n l9\n l10\n l11\n-g()\n+await g()\n");
  free(buf);
  al_source_free(&s);
}
END_TEST

int main(void) {
  if (!mkdtemp(dir)) return 1;
  Suite *s = suite_create("fix");
  TCase *tc = tcase_create("fix");
  tcase_add_test(tc, apply_skips_overlaps);
  tcase_add_test(tc, write_keeps_mode_and_is_atomic);
  tcase_add_test(tc, write_refuses_a_changed_file);
  tcase_add_test(tc, failed_write_leaves_original_and_no_temp);
  tcase_add_test(tc, unified_diff);
  suite_add_tcase(s, tc);
  int rc = run_suite(s);
  char *cmd = al_fmt("rm -rf %s", dir);
  if (system(cmd) != 0) rc = 1;
  free(cmd);
  return rc;
}
