/* test_runtime: the reference runtime's scheduling, futures, timers, scopes, bounded
 * gather, sticky cancellation, shields, threads, fd waits and its report. */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "rt.h"

static int order[8], norder;

static int sleeper(void *arg) {
  long ms = (long)arg;
  if (rt_sleep(ms) < 0) return -1;
  order[norder++] = (int)ms;
  return 0;
}

static int main_sleep_order(void *arg) {
  rt_scope_t *s = rt_scope_new();
  rt_spawn(s, sleeper, (void *)30L);
  rt_spawn(s, sleeper, (void *)10L);
  rt_spawn(s, sleeper, (void *)20L);
  return rt_scope_join(s, RT_FOREVER);
}

START_TEST(timers_fire_in_deadline_order) {
  norder = 0;
  int64_t t0 = rt_now_ms();
  ck_assert_int_eq(rt_run(main_sleep_order, NULL), 0);
  ck_assert_int_eq(norder, 3);
  ck_assert_int_eq(order[0], 10);
  ck_assert_int_eq(order[1], 20);
  ck_assert_int_eq(order[2], 30);
  int64_t took = rt_now_ms() - t0;
  ck_assert_int_ge(took, 30);
  ck_assert_int_lt(took, 1000);
}
END_TEST

static rt_future_t *shared;

static int producer(void *arg) {
  if (rt_sleep(5) < 0) return -1;
  rt_future_resolve(shared, arg);
  return 0;
}

static int main_futures(void *arg) {
  shared = rt_future_new();
  rt_scope_t *s = rt_scope_new();
  rt_spawn(s, producer, (void *)42L);
  void *v = NULL;
  int rc = rt_await(shared, RT_FOREVER, &v);
  if (rc || (long)v != 42) return -100;
  rt_future_t *never = rt_future_new();
  rc = rt_await(never, rt_now_ms() + 10, NULL);
  if (rc != -ETIMEDOUT) return -101;
  rt_future_resolve(never, NULL); /* abandoned: freed on completion */
  rt_future_t *failing = rt_future_new();
  rt_future_fail(failing, -EIO);
  if (rt_await(failing, RT_FOREVER, NULL) != -EIO) return -102;
  return rt_scope_join(s, RT_FOREVER);
}

START_TEST(futures_resolve_time_out_and_fail) { ck_assert_int_eq(rt_run(main_futures, NULL), 0); }
END_TEST

static int tiny(void *arg) { return rt_sleep(2); }

static int main_gather(void *arg) {
  size_t limit = (size_t)(long)arg;
  rt_task_fn fns[40];
  void *args[40];
  for (int i = 0; i < 40; i++) fns[i] = tiny, args[i] = NULL;
  return rt_gather(fns, args, 40, limit, RT_FOREVER);
}

START_TEST(gather_bounded_and_unbounded) {
  rt_report_t r;
  ck_assert_int_eq(rt_run(main_gather, (void *)4L), 0);
  rt_report_get(&r);
  ck_assert_int_eq(r.peak_tasks, 1 + 4);
  ck_assert_int_eq(rt_run(main_gather, (void *)0L), 0);
  rt_report_get(&r);
  ck_assert_int_eq(r.peak_tasks, 1 + 40);
}
END_TEST

static int swallows(void *arg) {
  int honour = (int)(long)arg;
  int delivered = 0;
  for (int i = 0; i < 5; i++) {
    int rc = rt_sleep(1000);
    if (rc == -ECANCELED) {
      delivered++;
      if (honour) {
        rt_uncancel();
        return 0;
      }
      continue; /* swallowed: keep going as if nothing happened */
    }
  }
  return delivered == 5 ? 0 : -1; /* sticky: every checkpoint said -ECANCELED */
}

static int main_cancel(void *arg) {
  rt_scope_t *s = rt_scope_new();
  rt_task_t *t = rt_spawn(s, swallows, arg);
  if (rt_sleep(5) < 0) return -1;
  rt_cancel(t);
  return rt_scope_join(s, RT_FOREVER);
}

START_TEST(cancellation_is_sticky_and_swallowing_is_reported) {
  rt_report_t r;
  int64_t t0 = rt_now_ms();
  ck_assert_int_eq(rt_run(main_cancel, (void *)0L), 0);
  ck_assert_int_lt(rt_now_ms() - t0, 500); /* no 1 s sleep ever ran after cancel */
  rt_report_get(&r);
  ck_assert_int_eq(r.swallowed_cancellations, 1);
  ck_assert_str_eq(r.first_swallowed_task, "swallows");
  ck_assert_int_eq(rt_run(main_cancel, (void *)1L), 0);
  rt_report_get(&r);
  ck_assert_int_eq(r.swallowed_cancellations, 0);
}
END_TEST

static int cleanup_results[2];

static int shielded(void *arg) {
  int rc = rt_sleep(1000);
  if (rc != -ECANCELED) return -1;
  rt_shield_begin(rt_now_ms() + 30);
  cleanup_results[0] = rt_sleep(5);                 /* cleanup work runs */
  int64_t t0 = rt_now_ms();
  cleanup_results[1] = rt_sleep_until(RT_FOREVER);  /* capped by the shield deadline */
  if (rt_now_ms() - t0 > 200) cleanup_results[1] = -999;
  rt_shield_end();
  return rc;
}

static int main_shield(void *arg) {
  rt_scope_t *s = rt_scope_new();
  rt_task_t *t = rt_spawn(s, shielded, NULL);
  if (rt_sleep(2) < 0) return -1;
  rt_cancel(t);
  return rt_scope_join(s, RT_FOREVER);
}

START_TEST(shield_allows_bounded_cleanup) {
  ck_assert_int_eq(rt_run(main_shield, NULL), 0);
  ck_assert_int_eq(cleanup_results[0], 0);
  ck_assert_int_eq(cleanup_results[1], 0);
}
END_TEST

static void *slow_square(void *arg) {
  usleep(50000);
  long x = (long)arg;
  return (void *)(x * x);
}

static int ticker(void *arg) {
  for (int i = 0; i < 10; i++)
    if (rt_sleep(5) < 0) return -1;
  return 0;
}

static int main_thread(void *arg) {
  rt_scope_t *s = rt_scope_new();
  rt_spawn(s, ticker, NULL);
  void *v = NULL;
  if (rt_await(rt_run_in_thread(slow_square, (void *)7L), RT_FOREVER, &v) < 0 || (long)v != 49) return -1;
  return rt_scope_join(s, RT_FOREVER);
}

START_TEST(run_in_thread_keeps_the_loop_free) {
  ck_assert_int_eq(rt_run(main_thread, NULL), 0);
  rt_report_t r;
  rt_report_get(&r);
  ck_assert_double_lt(r.longest_stall_ms, 25.0);
}
END_TEST

static int fds[2];

static int writer(void *arg) {
  if (rt_sleep(5) < 0) return -1;
  return write(fds[1], "x", 1) == 1 ? 0 : -1;
}

static int main_fd(void *arg) {
  rt_scope_t *s = rt_scope_new();
  rt_spawn(s, writer, NULL);
  int rc = rt_fd_wait(fds[0], EPOLLIN, rt_now_ms() + 1000);
  char c;
  if (rc == 0 && read(fds[0], &c, 1) != 1) rc = -1;
  int j = rt_scope_join(s, RT_FOREVER);
  return rc ? rc : j;
}

START_TEST(fd_wait_wakes_on_readiness) {
  ck_assert_int_eq(pipe(fds), 0);
  ck_assert_int_eq(rt_run(main_fd, NULL), 0);
  close(fds[0]);
  close(fds[1]);
}
END_TEST

static int blocker(void *arg) {
  usleep(40000); /* a blocking call on the loop */
  return 0;
}

static int main_report(void *arg) {
  rt_sleep_future(rt_now_ms() + 1); /* dropped on purpose: the report must count it. asynclint: ignore[AL101] */
  rt_scope_t *s = rt_scope_new();
  rt_spawn(s, blocker, NULL);
  return rt_scope_join(s, RT_FOREVER);
}

START_TEST(report_names_stalls_and_dropped_futures) {
  char path[] = "/tmp/rt-report-XXXXXX";
  int fd = mkstemp(path);
  ck_assert_int_ge(fd, 0);
  close(fd);
  setenv("RT_REPORT", path, 1);
  ck_assert_int_eq(rt_run(main_report, NULL), 0);
  unsetenv("RT_REPORT");
  rt_report_t r;
  rt_report_get(&r);
  ck_assert_double_ge(r.longest_stall_ms, 35.0);
  ck_assert_str_eq(r.stall_task, "blocker");
  ck_assert_int_eq(r.dropped_futures, 1);
  ck_assert_ptr_nonnull(strstr(r.first_dropped_at, "test_runtime.c:"));
  FILE *fp = fopen(path, "r");
  char buf[1024] = {0};
  ck_assert_uint_gt(fread(buf, 1, sizeof buf - 1, fp), 0);
  fclose(fp);
  unlink(path);
  ck_assert_ptr_nonnull(strstr(buf, "\"dropped_futures\": 1"));
  ck_assert_ptr_nonnull(strstr(buf, "\"stall_task\": \"blocker\""));
}
END_TEST

int main(void) {
  Suite *s = suite_create("runtime");
  TCase *tc = tcase_create("runtime");
  tcase_set_timeout(tc, 20);
  tcase_add_test(tc, timers_fire_in_deadline_order);
  tcase_add_test(tc, futures_resolve_time_out_and_fail);
  tcase_add_test(tc, gather_bounded_and_unbounded);
  tcase_add_test(tc, cancellation_is_sticky_and_swallowing_is_reported);
  tcase_add_test(tc, shield_allows_bounded_cleanup);
  tcase_add_test(tc, run_in_thread_keeps_the_loop_free);
  tcase_add_test(tc, fd_wait_wakes_on_readiness);
  tcase_add_test(tc, report_names_stalls_and_dropped_futures);
  suite_add_tcase(s, tc);
  SRunner *sr = srunner_create(s);
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? 1 : 0;
}
