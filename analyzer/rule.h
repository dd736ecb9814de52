/* rule: what a rule is (one const struct per rule file) and the sink it reports to.
 * Rules see only the IR, the project index and the knowledge base. */
#ifndef AL_RULE_H
#define AL_RULE_H

#include "fix.h"
#include "index.h"
#include "ir.h"
#include "kb.h"

typedef enum {
  AL_FAMILY_MISSING_AWAIT = 1,
  AL_FAMILY_BLOCKING = 2,
  AL_FAMILY_UNBOUNDED_GATHER = 3,
  AL_FAMILY_CANCELLATION = 4,
  AL_FAMILY_HYGIENE = 5,
} al_family;

typedef enum { AL_SEV_INFO, AL_SEV_WARNING, AL_SEV_ERROR } al_severity;
typedef enum { AL_FIX_NONE, AL_FIX_SAFE, AL_FIX_UNSAFE, AL_FIX_SOMETIMES } al_fix_kind;

#define AL_LANGS_ALL ((1u << AL_LANG_PYTHON) | (1u << AL_LANG_JS) | (1u << AL_LANG_C))

typedef struct al_finding {
  const char *path;    /* owned by the file record */
  ir_span span;
  uint32_t end_line, end_col; /* where span ends (1-based; 0: not known) */
  const char *code;    /* static, from the rule */
  const char *name;    /* static, from the rule */
  al_severity severity;
  char *message;       /* owned */
  al_fix *fix;         /* owned; NULL when there is no automatic fix */
  /* a related place (AL210: the blocking call at the end of the chain), or rel_path NULL */
  char *rel_path;      /* owned */
  ir_span rel_span;
  char *rel_message;   /* owned */
} al_finding;

typedef struct al_sink {
  const ir_file *file;
  const struct al_rule *rule;
  al_vec *out;         /* al_finding* */
} al_sink;

typedef struct al_rule {
  const char *code;    /* AL101 */
  const char *name;    /* unawaited-coroutine */
  al_family family;
  unsigned langs;      /* bit set of 1u << al_lang */
  al_severity severity;
  const char *summary; /* one line */
  al_fix_kind fix;
  bool opt_in;         /* off unless selected explicitly (by code, prefix or ALL) */
  void (*check)(const ir_file *f, const al_index *idx, al_sink *sink);
} al_rule;

/* Reports a finding at node `at` unless an inline suppression on its line silences it. */
void al_report(al_sink *sink, const ir_node *at, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Like al_report, with a fix (ownership passes to the finding, or it is freed). */
void al_report_fix(al_sink *sink, const ir_node *at, al_fix *fix, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* Like al_report, with a related place: node rel in file rel_file, described by rel_msg. */
void al_report_related(al_sink *sink, const ir_node *at, const ir_file *rel_file, const ir_node *rel,
                       const char *rel_msg, const char *fmt, ...) __attribute__((format(printf, 6, 7)));
/* True when line `line` of src carries `asynclint: ignore[...]` / `noqa` covering code. */
bool al_suppressed(const al_source *src, uint32_t line, const char *code);

/* The registry, driven by rules/rule_list.h. */
extern const al_rule *const al_rules[];
extern const size_t al_rule_count;
const al_rule *al_rule_find(const char *code);
const char *al_family_name(al_family f);
const char *al_severity_name(al_severity s);
/* The rule's documentation page (docs/rules/<CODE>-<name>.md, embedded), or NULL. */
const char *al_rule_doc(const char *code);

void al_finding_free(al_finding *f);

#endif
