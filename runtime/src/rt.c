/* rt.c: the reference runtime: an epoll loop, ucontext tasks, a timer min-heap, futures,
 * scopes, semaphores, off-loop threads completed through an eventfd, sticky
 * cancellation, and the measurements of the async-behaviour report. */
#define _GNU_SOURCE
#include "rt.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <time.h>
#include <ucontext.h>
#include <unistd.h>

#define STACK_SIZE (256 * 1024)

enum { WAKE_NONE, WAKE_OK, WAKE_TIMEOUT, WAKE_CANCEL };

struct rt_task {
  ucontext_t ctx;
  void *stack;
  rt_task_fn fn;
  void *arg;
  const char *name;
  rt_scope_t *scope;
  rt_task_t *next_ready, *next_sibling, *next_wait;
  int done, rc, wake, waiting;
  unsigned gen;               /* bumps on every park: stale timers are ignored */
  int cancel_requested;
  long cancel_delivered;
  int uncancelled;
  int shield;
  int64_t shield_deadline;
  rt_scope_t *joining;        /* the scope this task waits on, if any */
};

struct rt_scope {
  rt_task_t *children;
  long live;
  rt_task_t *joiner;
  int first_err;
};

struct rt_future {
  int done, err, awaited, abandoned;
  void *value;
  rt_task_t *waiter;
  const char *file;
  int line;
  rt_future_t *prev, *next; /* registry of live futures */
};

typedef struct timer {
  int64_t deadline;
  uint64_t seq;
  rt_task_t *task;  /* wake task (if gen matches) ... */
  unsigned gen;
  rt_future_t *fut; /* ... or resolve this future */
} timer;

typedef struct thread_job {
  rt_thread_fn fn;
  void *arg, *result;
  rt_future_t *fut;
  struct thread_job *next;
} thread_job;

static struct {
  ucontext_t loop_ctx;
  rt_task_t *current;
  rt_task_t *ready_head, *ready_tail;
  timer *heap;
  size_t nheap, capheap;
  uint64_t seq;
  int epfd, evfd;
  pthread_mutex_t jobs_lock;
  thread_job *jobs_done;
  long threads_running;
  rt_future_t *futures;
  rt_task_t *graveyard[1024];
  size_t ngrave;
  long live_tasks;
  rt_report_t report;
} L = {.jobs_lock = PTHREAD_MUTEX_INITIALIZER};

int64_t rt_now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static double now_precise_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

rt_task_t *rt_current(void) { return L.current; }

static void *xcalloc(size_t n, size_t s) {
  void *p = calloc(n, s);
  if (!p) {
    fputs("rt: out of memory\n", stderr);
    abort();
  }
  return p;
}

/* ---- timer heap ---- */
static int timer_less(const timer *a, const timer *b) {
  return a->deadline < b->deadline || (a->deadline == b->deadline && a->seq < b->seq);
}

static void heap_push(timer t) {
  if (L.nheap == L.capheap) {
    L.capheap = L.capheap ? L.capheap * 2 : 64;
    L.heap = realloc(L.heap, L.capheap * sizeof *L.heap);
    if (!L.heap) abort();
  }
  t.seq = L.seq++;
  size_t i = L.nheap++;
  while (i > 0 && timer_less(&t, &L.heap[(i - 1) / 2])) {
    L.heap[i] = L.heap[(i - 1) / 2];
    i = (i - 1) / 2;
  }
  L.heap[i] = t;
}

static timer heap_pop(void) {
  timer top = L.heap[0], last = L.heap[--L.nheap];
  size_t i = 0;
  for (;;) {
    size_t c = 2 * i + 1;
    if (c >= L.nheap) break;
    if (c + 1 < L.nheap && timer_less(&L.heap[c + 1], &L.heap[c])) c++;
    if (!timer_less(&L.heap[c], &last)) break;
    L.heap[i] = L.heap[c];
    i = c;
  }
  if (L.nheap) L.heap[i] = last;
  return top;
}

/* ---- scheduling ---- */
static void make_ready(rt_task_t *t, int wake) {
  if (t->done || !t->waiting) return;
  t->waiting = 0;
  t->wake = wake;
  t->next_ready = NULL;
  if (L.ready_tail) L.ready_tail->next_ready = t;
  else L.ready_head = t;
  L.ready_tail = t;
}

static int64_t effective_deadline(int64_t deadline) {
  rt_task_t *t = L.current;
  if (t && t->shield && t->shield_deadline != RT_FOREVER &&
      (deadline == RT_FOREVER || t->shield_deadline < deadline))
    return t->shield_deadline;
  return deadline;
}

/* A checkpoint: delivers a pending cancellation (sticky: every time). */
static int checkpoint(void) {
  rt_task_t *t = L.current;
  if (t && t->cancel_requested && !t->shield) {
    t->cancel_delivered++;
    return -ECANCELED;
  }
  return 0;
}

/* Suspends the current task until woken or deadline. Returns a WAKE_ reason. */
static int park(int64_t deadline) {
  rt_task_t *t = L.current;
  deadline = effective_deadline(deadline);
  t->waiting = 1;
  t->gen++;
  if (deadline != RT_FOREVER) heap_push((timer){.deadline = deadline, .task = t, .gen = t->gen});
  swapcontext(&t->ctx, &L.loop_ctx);
  return t->wake;
}

static int wake_to_err(int wake) {
  if (wake == WAKE_TIMEOUT) return -ETIMEDOUT;
  if (wake == WAKE_CANCEL) {
    L.current->cancel_delivered++;
    return -ECANCELED;
  }
  return 0;
}

static void task_entry(void) {
  rt_task_t *t = L.current;
  t->rc = t->fn(t->arg);
  t->done = 1;
  if (t->rc == 0 && t->cancel_delivered > 0 && !t->uncancelled) {
    if (!L.report.swallowed_cancellations++)
      snprintf(L.report.first_swallowed_task, sizeof L.report.first_swallowed_task, "%s", t->name);
  }
  L.live_tasks--;
  rt_scope_t *s = t->scope;
  if (s) {
    if (t->rc < 0 && t->rc != -ECANCELED && !s->first_err) s->first_err = t->rc;
    if (--s->live == 0 && s->joiner) make_ready(s->joiner, WAKE_OK);
  }
  swapcontext(&t->ctx, &L.loop_ctx);
}

static rt_task_t *task_new(rt_task_fn fn, void *arg, const char *name) {
  rt_task_t *t = xcalloc(1, sizeof *t);
  t->stack = xcalloc(1, STACK_SIZE);
  t->fn = fn;
  t->arg = arg;
  t->name = name;
  t->shield_deadline = RT_FOREVER;
  getcontext(&t->ctx);
  t->ctx.uc_stack.ss_sp = t->stack;
  t->ctx.uc_stack.ss_size = STACK_SIZE;
  t->ctx.uc_link = NULL;
  makecontext(&t->ctx, task_entry, 0);
  t->waiting = 1;
  L.report.tasks_spawned++;
  if (++L.live_tasks > L.report.peak_tasks) L.report.peak_tasks = L.live_tasks;
  make_ready(t, WAKE_OK);
  return t;
}

static void task_free(rt_task_t *t) {
  free(t->stack);
  free(t);
}

static void resume(rt_task_t *t) {
  L.current = t;
  double start = now_precise_ms();
  swapcontext(&L.loop_ctx, &t->ctx);
  double took = now_precise_ms() - start;
  L.current = NULL;
  if (took > L.report.longest_stall_ms) {
    L.report.longest_stall_ms = took;
    snprintf(L.report.stall_task, sizeof L.report.stall_task, "%s", t->name);
  }
}

/* ---- futures ---- */
rt_future_t *rt_future_new_at(const char *file, int line) {
  rt_future_t *f = xcalloc(1, sizeof *f);
  f->file = file;
  f->line = line;
  f->next = L.futures;
  if (L.futures) L.futures->prev = f;
  L.futures = f;
  return f;
}

static void future_free(rt_future_t *f) {
  if (f->prev) f->prev->next = f->next;
  else L.futures = f->next;
  if (f->next) f->next->prev = f->prev;
  free(f);
}

static void future_complete(rt_future_t *f, void *value, int err) {
  if (f->done) return;
  f->done = 1;
  f->value = value;
  f->err = err;
  if (f->abandoned) {
    future_free(f);
    return;
  }
  if (f->waiter) make_ready(f->waiter, WAKE_OK);
}

void rt_future_resolve(rt_future_t *f, void *value) { future_complete(f, value, 0); }
void rt_future_fail(rt_future_t *f, int err) { future_complete(f, NULL, err < 0 ? err : -err); }

int rt_await(rt_future_t *f, int64_t deadline, void **out) {
  f->awaited = 1;
  int rc = checkpoint();
  if (rc == 0 && !f->done) {
    f->waiter = L.current;
    rc = wake_to_err(park(deadline));
    f->waiter = NULL;
  }
  if (rc == 0 && !f->done) rc = -ETIMEDOUT;
  if (rc < 0) {
    f->abandoned = 1; /* freed when it completes */
    if (f->done) future_free(f);
    return rc;
  }
  rc = f->err;
  if (out) *out = f->value;
  future_free(f);
  return rc;
}

/* ---- time ---- */
int rt_sleep_until(int64_t deadline) {
  int rc = checkpoint();
  if (rc) return rc;
  if (deadline == RT_FOREVER && !L.current->shield) return wake_to_err(park(RT_FOREVER));
  int wake = park(deadline);
  return wake == WAKE_CANCEL ? wake_to_err(wake) : 0;
}

int rt_sleep(int64_t ms) { return rt_sleep_until(rt_now_ms() + ms); }

int rt_yield(void) {
  int rc = checkpoint();
  if (rc) return rc;
  L.current->waiting = 1;
  make_ready(L.current, WAKE_OK);
  L.current->waiting = 0;
  L.current->gen++;
  swapcontext(&L.current->ctx, &L.loop_ctx);
  return 0;
}

rt_future_t *rt_sleep_future_at(int64_t deadline, const char *file, int line) {
  rt_future_t *f = rt_future_new_at(file, line);
  heap_push((timer){.deadline = deadline, .fut = f});
  return f;
}

/* ---- scopes ---- */
rt_scope_t *rt_scope_new(void) { return xcalloc(1, sizeof(rt_scope_t)); }

rt_task_t *rt_spawn_named(rt_scope_t *scope, rt_task_fn fn, void *arg, const char *name) {
  rt_task_t *t = task_new(fn, arg, name);
  t->scope = scope;
  t->next_sibling = scope->children;
  scope->children = t;
  scope->live++;
  return t;
}

void rt_cancel(rt_task_t *t) {
  if (t->done || t->cancel_requested) return;
  t->cancel_requested = 1;
  if (t->joining) rt_scope_cancel(t->joining);
  if (t->waiting && !t->shield) make_ready(t, WAKE_CANCEL);
}

void rt_scope_cancel(rt_scope_t *scope) {
  for (rt_task_t *c = scope->children; c; c = c->next_sibling) rt_cancel(c);
}

int rt_scope_join(rt_scope_t *scope, int64_t deadline) {
  rt_task_t *me = L.current;
  int rc = 0;
  me->joining = scope;
  while (scope->live > 0) {
    scope->joiner = me;
    int wake = park(me->cancel_requested ? RT_FOREVER : deadline);
    scope->joiner = NULL;
    if (wake == WAKE_CANCEL || wake == WAKE_TIMEOUT) {
      if (wake == WAKE_CANCEL) me->cancel_delivered++;
      rc = wake == WAKE_CANCEL ? -ECANCELED : -ETIMEDOUT;
      rt_scope_cancel(scope);
      deadline = RT_FOREVER; /* leaving a scope always joins its children */
    }
    if (scope->first_err && !rc) {
      rc = scope->first_err;
      rt_scope_cancel(scope);
    }
  }
  me->joining = NULL;
  if (!rc) rc = scope->first_err;
  if (!rc && me->cancel_requested && !me->shield) {
    me->cancel_delivered++;
    rc = -ECANCELED;
  }
  for (rt_task_t *c = scope->children, *n; c; c = n) {
    n = c->next_sibling;
    task_free(c);
  }
  free(scope);
  return rc;
}

void rt_uncancel(void) {
  if (L.current) {
    L.current->uncancelled = 1;
    L.current->cancel_requested = 0;
  }
}

int rt_cancelled(void) { return L.current && L.current->cancel_requested; }

void rt_shield_begin(int64_t deadline) {
  rt_task_t *t = L.current;
  if (t->shield++ == 0) t->shield_deadline = deadline;
}

void rt_shield_end(void) {
  rt_task_t *t = L.current;
  if (--t->shield == 0) t->shield_deadline = RT_FOREVER;
}

/* ---- gather ---- */
typedef struct gather_state {
  rt_task_fn *fns;
  void **args;
  size_t n, next;
} gather_state;

static int gather_worker(void *arg) {
  gather_state *g = arg;
  while (g->next < g->n) {
    size_t i = g->next++;
    int rc = g->fns[i](g->args[i]);
    if (rc < 0) return rc;
    if (rt_cancelled()) return -ECANCELED;
  }
  return 0;
}

int rt_gather(rt_task_fn *fns, void **args, size_t n, size_t limit, int64_t deadline) {
  rt_scope_t *s = rt_scope_new();
  if (limit == 0 || limit >= n) {
    /* the caller asked for no limit (or one above n): AL301 reports that at its call */
    for (size_t i = 0; i < n; i++) rt_spawn_named(s, fns[i], args[i], "gather-child"); /* asynclint: ignore[AL302] */
    return rt_scope_join(s, deadline);
  }
  gather_state g = {fns, args, n, 0};
  for (size_t i = 0; i < limit; i++) rt_spawn_named(s, gather_worker, &g, "gather-worker");
  return rt_scope_join(s, deadline);
}

/* ---- semaphore ---- */
void rt_sem_init(rt_sem_t *s, long count) {
  s->count = count;
  s->head = s->tail = NULL;
}

int rt_sem_acquire(rt_sem_t *s, int64_t deadline) {
  int rc = checkpoint();
  if (rc) return rc;
  if (s->count > 0) {
    s->count--;
    return 0;
  }
  rt_task_t *me = L.current;
  me->next_wait = NULL;
  if (s->tail) s->tail->next_wait = me;
  else s->head = me;
  s->tail = me;
  int wake = park(deadline);
  if (wake == WAKE_OK) return 0; /* the releaser handed its unit to us */
  /* Timed out or cancelled: leave the queue. */
  rt_task_t **pp = &s->head, *prev = NULL;
  while (*pp && *pp != me) prev = *pp, pp = &(*pp)->next_wait;
  if (*pp) {
    *pp = me->next_wait;
    if (s->tail == me) s->tail = prev;
  }
  return wake_to_err(wake);
}

void rt_sem_release(rt_sem_t *s) {
  rt_task_t *w = s->head;
  if (w) {
    s->head = w->next_wait;
    if (!s->head) s->tail = NULL;
    make_ready(w, WAKE_OK);
  } else {
    s->count++;
  }
}

/* ---- fds and threads ---- */
int rt_fd_wait(int fd, uint32_t events, int64_t deadline) {
  int rc = checkpoint();
  if (rc) return rc;
  struct epoll_event ev = {.events = events | EPOLLONESHOT, .data.ptr = L.current};
  if (epoll_ctl(L.epfd, EPOLL_CTL_ADD, fd, &ev) < 0) return -errno;
  int wake = park(deadline);
  epoll_ctl(L.epfd, EPOLL_CTL_DEL, fd, NULL);
  return wake_to_err(wake);
}

static void *thread_main(void *arg) {
  thread_job *j = arg;
  j->result = j->fn(j->arg);
  pthread_mutex_lock(&L.jobs_lock);
  j->next = L.jobs_done;
  L.jobs_done = j;
  pthread_mutex_unlock(&L.jobs_lock);
  uint64_t one = 1;
  ssize_t w = write(L.evfd, &one, sizeof one);
  (void)w;
  return NULL;
}

rt_future_t *rt_run_in_thread_at(rt_thread_fn fn, void *arg, const char *file, int line) {
  thread_job *j = xcalloc(1, sizeof *j);
  j->fn = fn;
  j->arg = arg;
  j->fut = rt_future_new_at(file, line);
  pthread_t tid;
  L.threads_running++;
  if (pthread_create(&tid, NULL, thread_main, j) != 0) {
    L.threads_running--;
    rt_future_t *f = j->fut;
    free(j);
    rt_future_fail(f, -EAGAIN);
    return f;
  }
  pthread_detach(tid);
  return j->fut;
}

static void drain_jobs(void) {
  uint64_t n;
  ssize_t r = read(L.evfd, &n, sizeof n);
  (void)r;
  pthread_mutex_lock(&L.jobs_lock);
  thread_job *j = L.jobs_done;
  L.jobs_done = NULL;
  pthread_mutex_unlock(&L.jobs_lock);
  while (j) {
    thread_job *next = j->next;
    L.threads_running--;
    rt_future_resolve(j->fut, j->result);
    free(j);
    j = next;
  }
}

/* ---- the loop ---- */
static void fire_timers(void) {
  int64_t now = rt_now_ms();
  while (L.nheap && L.heap[0].deadline <= now) {
    timer t = heap_pop();
    if (t.fut) rt_future_resolve(t.fut, NULL);
    else if (t.task->waiting && t.task->gen == t.gen) make_ready(t.task, WAKE_TIMEOUT);
  }
}

static int64_t next_timeout(void) {
  if (L.ready_head) return 0;
  if (!L.nheap) return -1;
  int64_t d = L.heap[0].deadline - rt_now_ms();
  return d < 0 ? 0 : d;
}

int rt_run(rt_task_fn main_fn, void *arg) {
  memset(&L.report, 0, sizeof L.report);
  L.epfd = epoll_create1(EPOLL_CLOEXEC);
  L.evfd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  struct epoll_event ev = {.events = EPOLLIN, .data.ptr = NULL};
  epoll_ctl(L.epfd, EPOLL_CTL_ADD, L.evfd, &ev);
  rt_task_t *main_task = task_new(main_fn, arg, "main");
  while (!main_task->done) {
    while (L.ready_head) {
      rt_task_t *t = L.ready_head;
      L.ready_head = t->next_ready;
      if (!L.ready_head) L.ready_tail = NULL;
      if (!t->done) resume(t);
    }
    if (main_task->done) break;
    int64_t timeout = next_timeout();
    if (timeout < 0 && !L.threads_running) {
      /* Nothing can ever wake anyone: a deadlock. Cancel main so it can unwind. */
      fputs("rt: deadlock: no task can make progress\n", stderr);
      rt_cancel(main_task);
      if (!L.ready_head) break;
      continue;
    }
    struct epoll_event evs[64];
    int n = epoll_wait(L.epfd, evs, 64, timeout > 60000 ? 60000 : (int)timeout);
    for (int i = 0; i < n; i++) {
      if (!evs[i].data.ptr) drain_jobs();
      else make_ready(evs[i].data.ptr, WAKE_OK);
    }
    fire_timers();
  }
  int rc = main_task->done ? main_task->rc : -EDEADLK;
  /* Futures nobody awaited (still registered and never awaited) were dropped. */
  for (rt_future_t *f = L.futures; f; f = f->next)
    if (!f->awaited && !L.report.dropped_futures++)
      snprintf(L.report.first_dropped_at, sizeof L.report.first_dropped_at, "%s:%d", f->file, f->line);
  const char *path = getenv("RT_REPORT");
  if (path && *path) rt_report_write(path);
  while (L.futures) future_free(L.futures);
  task_free(main_task);
  free(L.heap);
  L.heap = NULL;
  L.nheap = L.capheap = 0;
  close(L.epfd);
  close(L.evfd);
  L.ready_head = L.ready_tail = NULL;
  L.live_tasks = 0;
  return rc;
}

void rt_report_get(rt_report_t *out) { *out = L.report; }

static void json_str(FILE *fp, const char *s) {
  fputc('"', fp);
  for (; *s; s++) {
    if (*s == '"' || *s == '\\') fprintf(fp, "\\%c", *s);
    else if ((unsigned char)*s < 0x20) fprintf(fp, "\\u%04x", *s);
    else fputc(*s, fp);
  }
  fputc('"', fp);
}

int rt_report_write(const char *path) {
  FILE *fp = fopen(path, "w");
  if (!fp) return -errno;
  const rt_report_t *r = &L.report;
  fprintf(fp, "{\"longest_stall_ms\": %.3f, \"stall_task\": ", r->longest_stall_ms);
  json_str(fp, r->stall_task);
  fprintf(fp, ", \"peak_tasks\": %ld, \"tasks_spawned\": %ld, \"dropped_futures\": %ld, \"first_dropped_at\": ",
          r->peak_tasks, r->tasks_spawned, r->dropped_futures);
  json_str(fp, r->first_dropped_at);
  fprintf(fp, ", \"swallowed_cancellations\": %ld, \"first_swallowed_task\": ", r->swallowed_cancellations);
  json_str(fp, r->first_swallowed_task);
  fputs("}\n", fp);
  return fclose(fp) == 0 ? 0 : -errno;
}
