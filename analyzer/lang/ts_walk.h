/* ts_walk: the shared, non-recursive walk the tree-sitter front ends lower with.
 * It keeps an explicit stack of frames (node, field, IR parent) so deep input cannot
 * overflow the C stack and ancestors are O(1) to reach. */
#ifndef AL_TS_WALK_H
#define AL_TS_WALK_H

#include <string.h>
#include <tree_sitter/api.h>

#include "ir.h"
#include "util.h"

typedef struct ts_frame {
  TSNode node;
  TSSymbol sym;
  ir_node *ir;     /* IR parent for this node's children */
  ir_node *own;    /* the IR node created for this node, if any */
  /* the walk's own state: named children by index, or (wide nodes) a cursor */
  uint32_t next, count;
  bool wide, more;
  TSFieldId field;  /* wide nodes: the field of the child being walked (0: none) */
  TSTreeCursor cursor;
} ts_frame;

typedef struct ts_walk ts_walk;
/* Called on entering a node. Returns the IR node created for it (children hang below it)
 * or NULL. Setting *descend = false skips the node's children. */
typedef ir_node *(*ts_enter_fn)(ts_walk *w, bool *descend);
typedef void (*ts_leave_fn)(ts_walk *w);

struct ts_walk {
  ir_file *f;
  const char *text;
  const TSLanguage *lang;
  ts_frame *frames;
  size_t depth, cap;   /* frames[depth-1] is the current node */
  void *user;
  /* The node types `enter` does anything for (NULL-terminated; NULL: all). The walk
   * descends through the others without calling it: most nodes of a tree (member
   * expressions, arguments, blocks, literals) only hold what is below them. */
  const char *const *handled;
};

/* Parses src (incrementally when ctx->tree holds an edited old tree). NULL with *err set
 * on failure. Release the result with ts_parse_done. */
struct al_lower_ctx;
TSTree *ts_parse(const TSLanguage *lang, const al_source *src, const struct al_lower_ctx *ctx, char **err);
/* The grammar of a source: Python, JavaScript, or (JS files named .ts .mts .cts / .tsx)
 * TypeScript / TSX, which the JavaScript front end lowers; NULL for C. */
const TSLanguage *ts_language_for(const al_source *src);
/* Frees tree, or hands it to the caller through ctx->tree. */
void ts_parse_done(TSTree *tree, const struct al_lower_ctx *ctx);

void ts_walk_run(ts_walk *w, TSNode root, ts_enter_fn enter, ts_leave_fn leave);
/* The field name of the current node within its parent ("left", "name"...), or NULL.
 * Found on demand (few nodes ask; reading it for every node cost more than the ask). */
const char *ts_cur_field_name(ts_walk *w);

static inline ts_frame *ts_cur(ts_walk *w) { return &w->frames[w->depth - 1]; }
/* The k-th ancestor frame of the current node (1 = parent), or NULL past the root. */
static inline ts_frame *ts_up(ts_walk *w, size_t k) { return k < w->depth ? &w->frames[w->depth - 1 - k] : NULL; }

/* The nearest IR node of `kind` created by an ancestor of the current node, or NULL. */
ir_node *ts_enclosing_own(ts_walk *w, ir_kind kind);

/* Locals assigned a call result, with a 64-bit filter on (length, first and last
 * character): most identifiers a walk meets are ruled out without hashing them. */
typedef struct ts_names {
  al_map map;
  uint64_t filter;
} ts_names;
void ts_names_add(ts_names *s, const char *name);
/* name[0, n) may be in s (the filter says; false: it is not). */
bool ts_names_maybe(const ts_names *s, const char *name, size_t n);
/* name[0, n) is in s (the filter first, then the map). */
bool ts_names_has(const ts_names *s, const char *name, size_t n);
void ts_names_free(ts_names *s);

/* For the current identifier node: a USE node when it names a local in `stored` and
 * is_read() says it is read here; else NULL. */
ir_node *ts_lower_read(ts_walk *w, const ts_names *stored, bool (*is_read)(ts_walk *w));

/* Function aliases (`get = fetch`, `const f = api.load`): in `aliases`, keyed by scope and
 * variable, what a variable assigned in the current scope stands for when called. target
 * NULL: var was assigned something else (this hides a module-level alias of that name). */
void ts_alias_bind(ts_walk *w, al_map *aliases, const char *var, const char *target);
/* var stands for target in the function `scope` (a hoisted declaration, bound before the
 * walk reaches it). */
void ts_alias_bind_in(al_map *aliases, const ir_node *scope, const char *var, const char *target);
/* What var stands for when called here (its scope's alias, else the module's), or NULL. */
const char *ts_alias_get(ts_walk *w, const al_map *aliases, const char *var);
/* name is a parameter of a function being walked (a lambda's too): it names no definition. */
bool ts_is_param(ts_walk *w, const char *name);

/* Typed locals: which class a local (or a `self.x` / `this.x` attribute) holds, so that
 * `x.m()` resolves to the class's method. Keys live in `types`; bindings in the arena. */
/* The innermost non-lambda function being walked (a local's scope), NULL at module level. */
const ir_node *ts_scope(ts_walk *w);
/* Binds var in scope (attributes starting with self_prefix bind to the enclosing class). */
void ts_bind_type(ts_walk *w, al_map *types, const ir_node *scope, const char *self_prefix, const char *var,
                  const char *module, const char *member);
/* The class var holds where the walk is: innermost scope outwards (closures), then the
 * module; attributes through the enclosing class, and `Cls.attr` through the class named
 * (a class attribute). NULL when unknown. */
struct al_binding *ts_typed_var(ts_walk *w, const al_map *types, const char *self_prefix, const char *var);
/* The element binding of the collection an identifier node names: prefix ("[]" for
 * what iterating or indexing it gives, "{}" for a mapping's values) + its text, as the
 * front ends bind it from a collection annotation. NULL when unknown. */
struct al_binding *ts_typed_element(ts_walk *w, const al_map *types, const char *self_prefix, const char *prefix,
                                    TSNode node);

/* Where the text of n has `<prefix><identifier> =` or `:` (`self.pool = `, `this.pool =`): up to
 * max offsets of the prefix, in order; returns how many there are (max + 1: more). A cheap
 * test before looking for the assignments in the tree. */
size_t ts_attr_assignments(ts_walk *w, TSNode n, const char *prefix, uint32_t *offs, size_t max);
/* Calls fn(w, ud, st) for each expression_statement of block holding one of the n offsets
 * (sorted; all statements when n is 0): through nested blocks and compound statements
 * (node types ending in _statement or _clause, `block`, `statement_block`), not into
 * functions or classes. */
void ts_each_expression_statement(ts_walk *w, TSNode block, const uint32_t *offs, size_t n,
                                  void (*fn)(ts_walk *w, void *ud, TSNode st), void *ud);
/* A class's pre-pass assigned attribute var (`self.x`, `this.x`) a value, which bound it
 * from `before` to its type, or left it (a value of unknown type): the first type is kept;
 * a second assignment of another type, or of one not known, leaves var unknown above the
 * assignments (the walk binds each where it is). `seen` maps var to what the first bound. */
void ts_prebind_settle(ts_walk *w, al_map *types, al_map *seen, const char *self_prefix, const char *var,
                       const struct al_binding *before);

ir_span ts_span(TSNode n);
const char *ts_text(ts_walk *w, TSNode n);           /* node text copied into the IR arena */
const char *ts_text_short(ts_walk *w, TSNode n, size_t max); /* truncated with "..." */
/* n is a node of that type. Inline, the first character first: most tests are a miss,
 * and most misses differ there (283,000 calls on a tenth of the JS corpus). */
static inline bool ts_is(TSNode n, const char *type) {
  if (!n.id) return false; /* ts_node_is_null */
  const char *t = ts_node_type(n);
  return al_streq(t, type);
}
/* The first child token of n whose type is tok (e.g. "async"), or a null node. */
bool ts_has_token(TSNode n, const char *tok);
TSNode ts_field(TSNode n, const char *field);
/* Call when a tree is made, edited (ts_tree_edit) or freed outside ts_parse/ts_parse_done:
 * ts_field's memo of nodes forgets what it saw. */
void ts_trees_changed(void);

#endif
