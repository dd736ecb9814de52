/* AL407 flattened-exception-group: one exception raised out of a caught exception group
 * — `except* ValueError as eg: raise eg.exceptions[0]`, `except ExceptionGroup as e:
 * first = e.exceptions[0]; raise first`. A task group (asyncio.TaskGroup, trio/anyio
 * nurseries) raises a group because several things failed: raising one of them drops
 * the rest — another task's failure, or a cancellation among them, is lost — and
 * raising it overwrites its traceback inside the group (flake8-async ASYNC123). Re-raise
 * the group (`raise`), or raise a new exception `from` it. Knowledge `exception_groups`
 * names the group types; `except*` handlers always catch a group. */
#include <string.h>

#include "common.h"

/* h catches an exception group: `except*`, or a group type by name. */
static bool catches_group(const ir_file *f, const ir_node *h) {
  if (al_py_star_handler(f, h)) return true;
  const al_kb *kb = al_kb_for(f->lang);
  for (const char *s = h->name; s && *s;) {
    size_t n = strcspn(s, ",");
    char item[128];
    if (n && n < sizeof item) {
      memcpy(item, s, n);
      item[n] = 0;
      if (al_kb_find(kb, "exception_groups", item)) return true;
    }
    s += n;
    while (*s == ',' || *s == ' ') s++;
  }
  return false;
}

/* text is `<alias>.exceptions[...]` */
static bool member_of_group(const char *text, const char *alias) {
  size_t al = strlen(alias);
  return text && !strncmp(text, alias, al) && !strncmp(text + al, ".exceptions[", 12);
}

static void check(const ir_file *f, const al_index *idx, al_sink *sink) {
  (void)idx;
  for (ir_node *const *h_at = ir_of_kind(f, IR_HANDLER); *h_at; h_at++) {
    const ir_node *h = *h_at;
    if (!h->alias || !*h->alias || !catches_group(f, h)) continue;
    for (const ir_node *r = h->child; r; r = r->kind == IR_FUNC ? ir_next_skip(r, h) : ir_next(r, h)) {
      if (r->kind != IR_RAISE || !r->name) continue;
      char raised[128];
      size_t rl = strcspn(r->name, " \t");
      if (rl >= sizeof raised) continue;
      memcpy(raised, r->name, rl);
      raised[rl] = 0;
      bool flat = member_of_group(raised, h->alias);
      /* through one variable: `first = e.exceptions[0]` ... `raise first` */
      for (const ir_node *a = h->child; a && !flat && a != r; a = ir_next(a, h))
        flat = a->kind == IR_ASSIGN && a->name && !strcmp(a->name, raised) && member_of_group(a->text, h->alias);
      if (!flat) continue;
      al_report(sink, r, "`raise %s` raises one exception out of the group `%s`: the rest of the group is dropped "
                "(another task's failure, or a cancellation, among them is lost) and the exception's traceback "
                "inside the group is overwritten; re-raise the group (`raise`), or raise a new exception `from %s`",
                raised, h->alias, h->alias);
    }
  }
}

const al_rule rule_al407 = {
    .code = "AL407",
    .name = "flattened-exception-group",
    .family = AL_FAMILY_CANCELLATION,
    .langs = 1u << AL_LANG_PYTHON,
    .severity = AL_SEV_WARNING,
    .summary = "one exception raised out of a caught exception group",
    .fix = AL_FIX_NONE,
    .check = check,
};
