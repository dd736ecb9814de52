/* rt.h: asynclint's reference async runtime — a small single-threaded event loop with
 * stackful tasks, futures, timers, scopes, bounded gather, off-loop work and sticky
 * cancellation. It doubles as a sanitizer for async behaviour: it measures loop stalls,
 * peak concurrency, futures dropped without await and swallowed cancellations, and
 * writes them as JSON (RT_REPORT=path, or rt_report_write).
 *
 * Conventions: functions return 0 or a negative errno (-ECANCELED, -ETIMEDOUT, ...).
 * Deadlines are absolute, in ms of rt_now_ms(); RT_FOREVER waits without limit.
 * Every suspension point (rt_await, rt_sleep_until, rt_fd_wait, rt_sem_acquire,
 * rt_scope_join, rt_yield) returns -ECANCELED once its task is cancelled. */
#ifndef RT_H
#define RT_H

#include <stddef.h>
#include <stdint.h>

#define RT_FOREVER ((int64_t)-1)
#define RT_MUST_USE __attribute__((warn_unused_result))

typedef struct rt_future rt_future_t;
typedef struct rt_task rt_task_t;
typedef struct rt_scope rt_scope_t;
typedef struct rt_sem {
  long count;
  rt_task_t *head, *tail; /* waiters */
} rt_sem_t;

typedef int (*rt_task_fn)(void *arg);
typedef void *(*rt_thread_fn)(void *arg);

/* Runs main_fn as the first task and the loop until it finishes. Returns its result.
 * Writes the report to $RT_REPORT when set. */
int rt_run(rt_task_fn main_fn, void *arg);
int64_t rt_now_ms(void);
rt_task_t *rt_current(void);

/* ---- futures (one-shot) ---- */
#define rt_future_new() rt_future_new_at(__FILE__, __LINE__)
rt_future_t *rt_future_new_at(const char *file, int line);
void rt_future_resolve(rt_future_t *f, void *value);
void rt_future_fail(rt_future_t *f, int err);
/* Waits for f, then frees it. Returns 0 (value in *out if out), f's error, -ETIMEDOUT
 * or -ECANCELED (f is then abandoned: freed when it completes). */
RT_MUST_USE int rt_await(rt_future_t *f, int64_t deadline, void **out);

/* ---- time ---- */
RT_MUST_USE int rt_sleep_until(int64_t deadline);
RT_MUST_USE int rt_sleep(int64_t ms);
RT_MUST_USE int rt_yield(void);
/* A future resolved at deadline. */
#define rt_sleep_future(deadline) rt_sleep_future_at((deadline), __FILE__, __LINE__)
rt_future_t *rt_sleep_future_at(int64_t deadline, const char *file, int line);

/* ---- tasks and scopes (structured concurrency) ---- */
rt_scope_t *rt_scope_new(void);
#define rt_spawn(scope, fn, arg) rt_spawn_named((scope), (fn), (arg), #fn)
rt_task_t *rt_spawn_named(rt_scope_t *scope, rt_task_fn fn, void *arg, const char *name);
/* Waits for every child; cancelled, it cancels them and still waits (shielded), then
 * returns -ECANCELED. Returns the first child error otherwise. Frees the scope. */
RT_MUST_USE int rt_scope_join(rt_scope_t *scope, int64_t deadline);
void rt_scope_cancel(rt_scope_t *scope);
void rt_cancel(rt_task_t *t);
/* Declares that the current task handled a delivered cancellation on purpose. */
void rt_uncancel(void);
int rt_cancelled(void);
/* While shielded, checkpoints do not deliver cancellation, and no wait goes past the
 * shield's deadline (cleanup must be bounded). Nestable. */
void rt_shield_begin(int64_t deadline);
void rt_shield_end(void);

/* Runs fns[i](args[i]) for all i with at most `limit` running at once (0: no limit).
 * The first failure cancels the rest. Returns 0 or the first error. */
RT_MUST_USE int rt_gather(rt_task_fn *fns, void **args, size_t n, size_t limit, int64_t deadline);

/* ---- semaphore ---- */
void rt_sem_init(rt_sem_t *s, long count);
RT_MUST_USE int rt_sem_acquire(rt_sem_t *s, int64_t deadline);
void rt_sem_release(rt_sem_t *s);

/* ---- I/O and off-loop work ---- */
/* Waits until fd is ready for events (EPOLLIN/EPOLLOUT). */
RT_MUST_USE int rt_fd_wait(int fd, uint32_t events, int64_t deadline);
/* Runs fn(arg) on a thread; the future resolves with its result on the loop. */
#define rt_run_in_thread(fn, arg) rt_run_in_thread_at((fn), (arg), __FILE__, __LINE__)
rt_future_t *rt_run_in_thread_at(rt_thread_fn fn, void *arg, const char *file, int line);

/* ---- the report ---- */
typedef struct rt_report {
  double longest_stall_ms;
  char stall_task[64];
  long peak_tasks;
  long dropped_futures;
  char first_dropped_at[256];
  long swallowed_cancellations;
  char first_swallowed_task[64];
  long tasks_spawned;
} rt_report_t;
void rt_report_get(rt_report_t *out);
int rt_report_write(const char *path);

#endif
