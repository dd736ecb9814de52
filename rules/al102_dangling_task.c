/* AL102 dangling-task: the task returned by asyncio.create_task()/ensure_future()/
 * loop.create_task() is dropped. The event loop keeps only a weak reference, so the
 * task can be garbage-collected mid-flight, and its exception is never retrieved.
 * Spawns owned by a TaskGroup or nursery never dangle (knowledge `spawn`). */
#include <string.h>

#include "common.h"

static void check(const ir_file *f, const al_index *idx, al_sink *sink) {
  (void)idx;
  for (const ir_node *n = f->root; n; n = ir_next(n, f->root)) {
    if (n->kind != IR_CALL || n->use != IR_USE_DISCARDED || !al_spawn_dangles(f, n)) continue;
    al_report(sink, n,
              "task created by `%s()` is dropped: the event loop keeps only a weak reference, so it can be "
              "garbage-collected before it finishes and its exception is never seen; keep a reference (a set "
              "with add_done_callback(set.discard)) or use asyncio.TaskGroup",
              n->text ? n->text : n->name);
  }
}

const al_rule rule_al102 = {
    .code = "AL102",
    .name = "dangling-task",
    .family = AL_FAMILY_MISSING_AWAIT,
    .langs = 1u << AL_LANG_PYTHON,
    .severity = AL_SEV_ERROR,
    .summary = "a task is created and its only reference dropped",
    .fix = AL_FIX_NONE,
    .check = check,
};
