/* python: lowers a tree-sitter-python tree into the async IR: functions, calls with
 * their resolved callees and use, awaits, try/except/finally, loops, with, imports. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <tree_sitter/api.h>

#include "frontend.h"
#include "kb.h"
#include "names.h"
#include "ts_walk.h"

const TSLanguage *tree_sitter_python(void);

typedef struct py_ctx {
  const char *consumers; /* knowledge query_chains `consumers` (`list(qs)` reads qs), or NULL */
  al_names names;
  const char *module;
  bool is_package_init;
  al_map types;   /* "<scope>\x1f<var>" -> al_binding*: the class a local/attribute holds */
  ts_names stored; /* locals assigned a call result: reads of them are lowered to USE */
  al_map returns;  /* function (qualified name) -> py_return*: the class its `-> T` names */
  al_map partials; /* "<scope>\x1f<var>" -> dotted text: `p = functools.partial(f, ...)` or `p = f` calls f ("": not here) */
  al_map defs;     /* qualified name -> the first FUNC of that name (a redefinition qualifies its own nested defs apart) */
  ts_names awaitable_aliases; /* module-level `Loader = Callable[..., Awaitable[T]]`: annotations naming one */
  ts_names props;  /* names of the properties this file defines: reads of attributes so named are CALLs */
} py_ctx;

typedef struct py_return {
  al_binding type;
  bool async;      /* T is what its coroutine gives (`x = await f()`), not what f() gives */
  bool inferred;   /* from its return statements, not an annotation */
  bool mixed;      /* inferred, and its returns name different classes: none is known */
} py_return;

static const char *resolve_ref(ts_walk *w, py_ctx *c, const char *text, const char **name, const char **module,
                               const char **member);

/* Dotted text of an identifier/attribute chain ("a.b.c"); "()" stands for a call or
 * any other expression at the head. */
static const char *dotted_depth(ts_walk *w, TSNode n, int depth) {
  TSNode parts[64];
  size_t k = 0;
  while (ts_is(n, "attribute") && k < 63) {
    /* object and attribute: the first and last named children (not ts_field's field
     * scan), unless a comment sits in between (`a. # c` on a continued line) */
    uint32_t nc = ts_node_named_child_count(n);
    TSNode obj = ts_node_named_child(n, 0), attr = nc ? ts_node_named_child(n, nc - 1) : (TSNode){0};
    if (nc != 2 || !ts_is(attr, "identifier")) {
      obj = ts_field(n, "object");
      attr = ts_field(n, "attribute");
    }
    parts[k++] = attr;
    n = obj;
  }
  if (ts_is(n, "identifier") && !k) /* a plain name: its text, no buffer */
    return ir_str(w->f, w->text + ts_node_start_byte(n), ts_node_end_byte(n) - ts_node_start_byte(n));
  al_buf b = {0};
  if (ts_is(n, "identifier")) al_buf_add(&b, w->text + ts_node_start_byte(n), ts_node_end_byte(n) - ts_node_start_byte(n));
  else if (ts_is(n, "call") && depth < 4) {
    /* a().b: the callee's dotted text plus "()" (a constructor call types the rest) */
    al_buf_puts(&b, dotted_depth(w, ts_field(n, "function"), depth + 1));
    al_buf_puts(&b, "()");
  } else al_buf_puts(&b, "()");
  while (k > 0) {
    TSNode p = parts[--k];
    al_buf_puts(&b, ".");
    if (!ts_node_is_null(p)) al_buf_add(&b, w->text + ts_node_start_byte(p), ts_node_end_byte(p) - ts_node_start_byte(p));
  }
  const char *r = ir_str(w->f, b.data, b.len);
  al_buf_free(&b);
  return r;
}

static const char *dotted(ts_walk *w, TSNode n) { return dotted_depth(w, n, 0); }

/* The scope a local binding lives in: the enclosing (non-lambda) function, or the module. */

/* A class-like name: its last component starts with an upper-case letter. */
static bool looks_like_class(const char *name) { return al_capitalised_last(name); }

/* An annotation's (resolved) name is a class: capitalised, or a lowercase class the
 * knowledge names (`sock: socket.socket`: calling it gives one, `returns` says). */
static bool annotation_names_class(const char *name) {
  if (looks_like_class(name)) return true;
  if (!strchr(name, '.')) return false; /* (builtins: `str`, `int`, `list`...) */
  const al_kb_entry *e = al_kb_find(al_kb_for(AL_LANG_PYTHON), "returns", name);
  const char *t = e ? al_kb_attr(e, "type") : NULL;
  return t && !strcmp(t, name);
}

/* Records that `var` (a local, or `self.x`) holds an instance of the class `cls_text`
 * (dotted, as written) in the current scope; `self.x` bindings belong to the class. */

static void bind_type_resolved(ts_walk *w, py_ctx *c, const char *var, const char *module, const char *member) {
  ts_bind_type(w, &c->types, ts_scope(w), "self.", var, module, member);
}

static al_binding *typed_var(ts_walk *w, py_ctx *c, const char *var) {
  return ts_typed_var(w, &c->types, "self.", var);
}

/* var holds what a call of `callee` returns or resolves to, when the knowledge says
 * (section `key`: `returns` or `resolves`); true when it did. */
static bool bind_known_type(ts_walk *w, py_ctx *c, const char *var, const char *callee, const char *key) {
  const al_kb_entry *e = al_kb_match(al_kb_for(AL_LANG_PYTHON), key, callee);
  const char *t = e ? al_kb_attr(e, "type") : NULL;
  if (t && al_kb_attr(e, "sync_only")) { /* (in async code the call is reported itself) */
    const ir_node *scope = ts_scope(w);
    if (scope && (scope->flags & IR_F_ASYNC)) return true;
  }
  if (t) bind_type_resolved(w, c, var, NULL, ir_str(w->f, t, strlen(t)));
  return t != NULL;
}

static void bind_returned_type(ts_walk *w, py_ctx *c, const char *var, const char *callee) {
  bind_known_type(w, c, var, callee, "returns");
}

static const char *resolve_ref(ts_walk *w, py_ctx *c, const char *text, const char **name, const char **module,
                               const char **member);
static const char *annotation_class(ts_walk *w, TSNode t);
static al_binding *element_of(ts_walk *w, py_ctx *c, const char *prefix, TSNode node);
static bool div_type(ts_walk *w, py_ctx *c, TSNode e, const char **mod, const char **mem);

/* `x = await f(...)`, `r, w = await f(...)`: the targets hold what f's coroutine
 * resolves to, when the knowledge says (`resolves`: `type`, or `types` for a tuple,
 * comma-separated): `proc = await asyncio.create_subprocess_exec(...)` makes
 * `proc.wait()` a Process method. */
static void bind_tuple_types(ts_walk *w, py_ctx *c, TSNode left, const char *name, const char *section,
                             al_map *seen);

static void bind_awaited_type(ts_walk *w, py_ctx *c, TSNode left, TSNode value) {
  if (!ts_is(value, "await")) return;
  TSNode call = ts_node_named_child(value, 0);
  if (!ts_is(call, "call")) return;
  TSNode fn = ts_field(call, "function");
  if (!ts_is(fn, "identifier") && !ts_is(fn, "attribute")) return;
  const char *name, *mod, *mem;
  resolve_ref(w, c, dotted(w, fn), &name, &mod, &mem);
  if (ts_is(left, "identifier")) {
    py_return *rb = c->returns.len ? al_map_get(&c->returns, name) : NULL; /* `async def create() -> Repo` */
    if (rb && rb->async && !rb->mixed) {
      bind_type_resolved(w, c, ts_text(w, left), rb->type.module, rb->type.member);
      return;
    }
    if (bind_known_type(w, c, ts_text(w, left), name, "resolves")) return;
    if (!strchr(name, '(') && !ts_is_param(w, name)) /* imported or further down: as in bind_value_type */
      bind_type_resolved(w, c, ts_text(w, left), mod, al_arena_fmt(&w->f->arena, "%s(await)", mod ? mem : name));
    return;
  }
  if (!ts_is(left, "pattern_list") && !ts_is(left, "tuple_pattern")) return;
  bind_tuple_types(w, c, left, name, "resolves", NULL);
}

/* `send, recv = trio.open_memory_channel(0)`: the targets hold what the knowledge says
 * the call returns (`returns`, `types`), as `r, w = await f()` does for `resolves`. With
 * seen, a class's pre-pass: `self.send, self.recv = ...` types the attributes. */
static void bind_returned_tuple(ts_walk *w, py_ctx *c, TSNode left, TSNode value, al_map *seen) {
  if (!ts_is(value, "call")) return;
  TSNode fn = ts_field(value, "function");
  if (ts_is(fn, "subscript")) fn = ts_field(fn, "value"); /* `create_memory_object_stream[int](5)` */
  if (!ts_is(fn, "identifier") && !ts_is(fn, "attribute")) return;
  const char *name, *mod, *mem;
  resolve_ref(w, c, dotted(w, fn), &name, &mod, &mem);
  bind_tuple_types(w, c, left, name, "returns", seen);
}

/* Each target of left takes its place's type in the knowledge entry's `types`: a name
 * (seen NULL), or, in a class's pre-pass (seen: the attributes met), `self.<attr>`. */
static void bind_tuple_types(ts_walk *w, py_ctx *c, TSNode left, const char *name, const char *section,
                             al_map *seen) {
  const al_kb_entry *e = al_kb_match(al_kb_for(AL_LANG_PYTHON), section, name);
  const char *types = e ? al_kb_attr(e, "types") : NULL;
  uint32_t k = ts_node_named_child_count(left);
  for (uint32_t i = 0; types && *types && i < k; i++) {
    const char *end = strchr(types, ',');
    size_t len = end ? (size_t)(end - types) : strlen(types);
    TSNode v = ts_node_named_child(left, i), obj = ts_field(v, "object"), attr = ts_field(v, "attribute");
    if (!seen && ts_is(v, "identifier") && len) {
      bind_type_resolved(w, c, ts_text(w, v), NULL, ir_str(w->f, types, len));
    } else if (seen && len && ts_is(v, "attribute") && ts_is(obj, "identifier") && ts_is(attr, "identifier") &&
               ts_node_end_byte(obj) - ts_node_start_byte(obj) == 4 &&
               !memcmp(w->text + ts_node_start_byte(obj), "self", 4)) {
      const char *var = al_arena_fmt(&w->f->arena, "self.%s", ts_text(w, attr));
      al_binding *before = typed_var(w, c, var);
      bind_type_resolved(w, c, var, NULL, ir_str(w->f, types, len));
      ts_prebind_settle(w, &c->types, seen, "self.", var, before);
    }
    types = end ? end + 1 : "";
    while (*types == ' ') types++;
  }
}

/* `cls` called in a method of a class (a classmethod's constructor call): the class. */
static const ir_node *cls_called(ts_walk *w, TSNode fn) {
  uint32_t a = ts_node_start_byte(fn), b = ts_node_end_byte(fn);
  if (b - a != 3 || memcmp(w->text + a, "cls", 3)) return NULL;
  const ir_node *f = ts_enclosing_own(w, IR_FUNC);
  return f && f->parent && f->parent->kind == IR_CLASS && f->parent->name ? f->parent : NULL;
}

/* Binds var to the type of the value expression node when it is known: a constructor
 * call (class-like callee) or a call whose result type the knowledge data gives; else,
 * with defer (not over an annotation), what the callee returns, for the index to read. */
static void bind_value_type(ts_walk *w, py_ctx *c, const char *var, TSNode value, bool is_annotation, bool defer) {
  if (ts_node_is_null(value)) return;
  if (is_annotation) {
    const char *cls = annotation_class(w, value);
    if (!cls) return;
    const char *name, *mod, *mem;
    resolve_ref(w, c, cls, &name, &mod, &mem);
    if (annotation_names_class(name) && !bind_known_type(w, c, var, name, "annotation_types"))
      bind_type_resolved(w, c, var, mod, mem);
    return;
  }
  if (ts_is(value, "await")) return;
  const char *dmod = NULL, *dmem = NULL;
  if (ts_is(value, "binary_operator")) { /* `cfg = root / "config.json"`: the joined path's class */
    if (div_type(w, c, value, &dmod, &dmem)) bind_type_resolved(w, c, var, dmod, dmem);
    return;
  }
  if (ts_is(value, "subscript")) { /* `r = repos[0]`, `r = by_id[k]` */
    TSNode coll = ts_field(value, "value");
    al_binding *b = element_of(w, c, "[]", coll);
    if (!b) b = element_of(w, c, "{}", coll);
    if (b) bind_type_resolved(w, c, var, b->module, b->member);
    return;
  }
  if (!ts_is(value, "call")) return;
  TSNode fn = ts_field(value, "function");
  if (!ts_is(fn, "identifier") && !ts_is(fn, "attribute") && !ts_is(fn, "call")) return;
  const char *name, *mod, *mem;
  const ir_node *own_cls = ts_is(fn, "identifier") ? cls_called(w, fn) : NULL;
  if (own_cls) { /* `self = cls()` in a classmethod: an instance of its class */
    resolve_ref(w, c, own_cls->name, &name, &mod, &mem);
    bind_type_resolved(w, c, var, mod, mem);
    return;
  }
  resolve_ref(w, c, dotted(w, fn), &name, &mod, &mem);
  if (looks_like_class(name)) { /* (unless the knowledge names what it makes: multiprocessing.Pool ->
                                  * multiprocessing.pool.Pool, where its methods are listed) */
    if (!bind_known_type(w, c, var, name, "returns")) bind_type_resolved(w, c, var, mod, mem);
    return;
  }
  py_return *rb = c->returns.len ? al_map_get(&c->returns, name) : NULL; /* `def make() -> Repo` above */
  if (rb && !rb->async && !rb->mixed) {
    bind_type_resolved(w, c, var, rb->type.module, rb->type.member);
    return;
  }
  if (bind_known_type(w, c, var, name, "returns")) return;
  /* `unpaid = pending.filter(...)` on a local lazy queryset: a lazy queryset too (a
   * chain written out, `Order.objects.filter(...)`, is bound below, by `defer`) */
  if (mem && strstr(mem, "()") && al_lazy_query_chain(AL_LANG_PYTHON, name)) {
    bind_type_resolved(w, c, var, mod, al_arena_fmt(&w->f->arena, "%s()", mem));
    return;
  }
  /* a function imported, or defined further down: var holds what it returns, which the
   * index reads from its `->` annotation (`make_repo().save`, as the call chain reads) */
  if (defer && !ts_is(fn, "call") && !strchr(name, '(') && !ts_is_param(w, name))
    bind_type_resolved(w, c, var, mod, al_arena_fmt(&w->f->arena, "%s()", mod ? mem : name));
}


/* The walk is in a class body (not in a method of it): an assignment there binds a
 * class attribute, not a name of the enclosing scope. */
static bool in_class_body(ts_walk *w) {
  for (size_t i = w->depth; i-- > 0;) {
    const ir_node *o = w->frames[i].own;
    if (o && o->kind == IR_CLASS) return true;
    if (o && o->kind == IR_FUNC && !(o->flags & IR_F_LAMBDA)) return false;
  }
  return false;
}

/* A function's `global var` (or `nonlocal var`): an assignment there rebinds the module's
 * (or the outer function's) name, not a local of its own. */
static bool declared_outside(ts_walk *w, const char *var) {
  for (size_t i = w->depth; i-- > 0;) {
    const ir_node *o = w->frames[i].own;
    if (!o || o->kind != IR_FUNC || (o->flags & IR_F_LAMBDA)) continue;
    TSNode body = ts_field(w->frames[i].node, "body");
    uint32_t k = ts_node_is_null(body) ? 0 : ts_node_named_child_count(body);
    for (uint32_t j = 0; j < k; j++) {
      TSNode st = ts_node_named_child(body, j);
      if (!ts_is(st, "global_statement") && !ts_is(st, "nonlocal_statement")) continue;
      for (uint32_t m = 0, nm = ts_node_named_child_count(st); m < nm; m++) {
        TSNode id = ts_node_named_child(st, m);
        uint32_t s0 = ts_node_start_byte(id), e0 = ts_node_end_byte(id);
        if (e0 - s0 == strlen(var) && !memcmp(w->text + s0, var, e0 - s0)) return true;
      }
    }
    return false;
  }
  return true; /* module level: `try: import x / except ImportError: x = None` keeps x's calls x's */
}

/* A function's own `requests = 1`, `for time in ...`, `with open_clock() as time`: the
 * imported module of that name is hidden there; its calls are a local's (`().get`, which no
 * knowledge entry names), unless the value's own type was bound. */
static void shadow_import(ts_walk *w, py_ctx *c, const char *var) {
  if (!c->names.map.len || !al_map_get(&c->names.map, var) || in_class_body(w) || declared_outside(w, var)) return;
  bind_type_resolved(w, c, var, NULL, "()");
}

static void shadow_targets(ts_walk *w, py_ctx *c, TSNode target) {
  if (ts_is(target, "identifier")) {
    shadow_import(w, c, ts_text(w, target));
    return;
  }
  if (!ts_is(target, "pattern_list") && !ts_is(target, "tuple_pattern")) return;
  for (uint32_t i = 0, k = ts_node_named_child_count(target); i < k; i++) {
    TSNode v = ts_node_named_child(target, i);
    if (ts_is(v, "identifier")) shadow_targets(w, c, v);
  }
}

/* `p1, p2 = Path(a), Path(b)` and `(r, n) = (Repo(), 3)`: each name takes the type of
 * the value in its place, when the two lists are the same length (no starred unpacking). */
static void bind_unpacked_types(ts_walk *w, py_ctx *c, TSNode left, TSNode right) {
  uint32_t k = ts_node_named_child_count(left);
  if (k != ts_node_named_child_count(right)) return;
  for (uint32_t i = 0; i < k; i++) {
    TSNode v = ts_node_named_child(left, i), x = ts_node_named_child(right, i);
    if (ts_is(v, "identifier") && (ts_is(x, "call") || ts_is(x, "subscript")))
      bind_value_type(w, c, ts_text(w, v), x, false, true);
  }
}

/* One attribute a class's pre-pass met: `self.<attr> = value` in a method, `attr = value`
 * or `attr: T` in the class body. */
static void prebind_attr(ts_walk *w, py_ctx *c, al_map *seen, const char *attr, TSNode value, bool is_annotation) {
  TSNode fn = ts_is(value, "call") ? ts_field(value, "function") : value;
  uint32_t s0 = ts_node_start_byte(fn);
  if (ts_is(fn, "identifier") && ts_node_end_byte(fn) - s0 == 3 && !memcmp(w->text + s0, "cls", 3))
    return; /* `self.x = cls()`: the walk knows the classmethod's class where it is */
  const char *var = al_arena_fmt(&w->f->arena, "self.%s", attr);
  al_binding *before = typed_var(w, c, var);
  bind_value_type(w, c, var, value, is_annotation, false);
  ts_prebind_settle(w, &c->types, seen, "self.", var, before);
}

/* `self.x = Session()` in a method (its nested blocks too, not its nested functions). */
static void prebind_self_attr(ts_walk *w, void *seen, TSNode st) {
  TSNode a = ts_node_named_child(st, 0);
  TSNode left = ts_field(a, "left"), right = ts_field(a, "right");
  if (ts_is(a, "assignment") && (ts_is(left, "pattern_list") || ts_is(left, "tuple_pattern")) && ts_is(right, "call")) {
    bind_returned_tuple(w, w->user, left, right, seen); /* `self.send, self.recv = open_memory_channel(0)` */
    return;
  }
  if (!ts_is(a, "assignment") || !ts_is(left, "attribute") || !ts_is(right, "call")) return;
  TSNode obj = ts_field(left, "object"), attr = ts_field(left, "attribute");
  uint32_t s0 = ts_node_start_byte(obj);
  if (ts_is(obj, "identifier") && ts_node_end_byte(obj) - s0 == 4 && !memcmp(w->text + s0, "self", 4) &&
      ts_is(attr, "identifier"))
    prebind_attr(w, w->user, seen, ts_text(w, attr), right, false);
}

/* On entering a class: the types of its attributes, wherever in the class they are
 * assigned, so a method written above `__init__` (or above the class attribute, or above
 * the method that connects) resolves `self.session.get()` as one written below does. */
static void prebind_class_attrs(ts_walk *w, py_ctx *c, TSNode body) {
  if (!ts_is(body, "block")) return;
  al_map seen = {0};
  TSTreeCursor cur = ts_tree_cursor_new(body);
  for (bool more = ts_tree_cursor_goto_first_child(&cur); more; more = ts_tree_cursor_goto_next_sibling(&cur)) {
    TSNode st = ts_tree_cursor_current_node(&cur);
    if (ts_is(st, "decorated_definition")) st = ts_field(st, "definition");
    if (ts_is(st, "function_definition")) {
      TSNode mb = ts_field(st, "body");
      uint32_t offs[32];
      size_t k = ts_attr_assignments(w, mb, "self.", offs, 32);
      if (k) ts_each_expression_statement(w, mb, offs, k > 32 ? 0 : k, prebind_self_attr, &seen);
    } else if (ts_is(st, "expression_statement")) {
      TSNode a = ts_node_named_child(st, 0);
      TSNode left = ts_field(a, "left"), right = ts_field(a, "right"), type = ts_field(a, "type");
      if (!ts_is(a, "assignment") || !ts_is(left, "identifier")) continue;
      if (!ts_node_is_null(type)) prebind_attr(w, c, &seen, ts_text(w, left), type, true);
      else if (ts_is(right, "call")) prebind_attr(w, c, &seen, ts_text(w, left), right, false);
    }
  }
  ts_tree_cursor_delete(&cur);
  al_map_free(&seen);
}

/* Resolves dotted text (as `dotted` makes it) to a qualified name: through imports, the
 * class of `self`, locals and attributes of known class, and constructor calls
 * (`Path(p).read_text` -> pathlib.Path.read_text). Returns *name. */
static const char *resolve_ref(ts_walk *w, py_ctx *c, const char *text, const char **name, const char **module,
                               const char **member) {
  /* super().m(): the first base's method (found on it or its bases, in the index); the
   * class's own when the base is not a plain name; nothing for a class without bases
   * (object's: a mixin's `super().close()` reaches whatever the MRO puts next) */
  ir_node *sup_cls = al_starts_with(text, "super().") ? ts_enclosing_own(w, IR_CLASS) : NULL;
  if (sup_cls && !sup_cls->nargs && !strchr(text + 8, '(')) {
    *module = NULL;
    *member = *name = text;
    return *name;
  }
  if (sup_cls && !strchr(text + 8, '(')) {
    const char *base = sup_cls->nargs ? sup_cls->args[0].text : NULL;
    if (base && !strchr(base, '(') && !strchr(base, '[') && !strchr(base, '=')) {
      const char *bn, *bm, *bmem;
      resolve_ref(w, c, base, &bn, &bm, &bmem);
      if (looks_like_class(bn)) {
        *module = bm;
        *member = al_arena_fmt(&w->f->arena, "%s.%s", bmem, text + 8);
        *name = al_arena_fmt(&w->f->arena, "%s.%s", bn, text + 8);
        return *name;
      }
    }
    *module = NULL;
    *member = al_arena_fmt(&w->f->arena, "%s.%s", sup_cls->name, text + 8);
    *name = *member;
    return *name;
  }
  const char *paren = strstr(text, "()");
  if (paren) {
    const char *pn, *pm, *pmem;
    const char *prefix = ir_str(w->f, text, (size_t)(paren - text));
    resolve_ref(w, c, prefix, &pn, &pm, &pmem);
    const char *rest = paren + 2; /* "" or ".x..." */
    const al_kb_entry *e = *rest == '.' ? al_kb_match(al_kb_for(AL_LANG_PYTHON), "returns", pn) : NULL;
    if (*rest == '.' && looks_like_class(pn) && !(e && al_kb_attr(e, "type"))) {
      *module = pm;
      *member = al_arena_fmt(&w->f->arena, "%s%s", pmem, rest);
      *name = al_arena_fmt(&w->f->arena, "%s%s", pn, rest);
      return *name;
    }
    const char *t = e ? al_kb_attr(e, "type") : NULL;
    *module = t ? NULL : pm;
    *name = al_arena_fmt(&w->f->arena, "%s%s%s", t ? t : pn, t ? "" : "()", rest);
    *member = *name;
    if (!t && pm) *member = al_arena_fmt(&w->f->arena, "%s()%s", pmem, rest);
    return *name;
  }
  /* a typed local or self attribute heads the text */
  const char *dot = strchr(text, '.');
  size_t hl = dot ? (size_t)(dot - text) : strlen(text);
  if (al_starts_with(text, "self.") && dot) {
    const char *d2 = strchr(dot + 1, '.');
    hl = d2 ? (size_t)(d2 - text) : strlen(text);
  }
  if (hl < 256 && text[hl] == '.') {
    char head[256];
    memcpy(head, text, hl);
    head[hl] = 0;
    al_binding *b = typed_var(w, c, head);
    const char *d2 = b || dot != text + hl ? NULL : strchr(dot + 1, '.');
    if (d2 && (size_t)(d2 - text) < sizeof head) { /* `Services.http.get`: a class attribute */
      hl = (size_t)(d2 - text);
      memcpy(head, text, hl);
      head[hl] = 0;
      b = typed_var(w, c, head);
    }
    if (b) {
      const char *rest = text + hl; /* ".m" */
      *module = b->module;
      *member = al_arena_fmt(&w->f->arena, "%s%s", b->member, rest);
      *name = b->module ? al_arena_fmt(&w->f->arena, "%s.%s", b->module, *member) : *member;
      return *name;
    }
  }
  if (al_starts_with(text, "self.") || al_starts_with(text, "cls.")) {
    ir_node *cls = ts_enclosing_own(w, IR_CLASS);
    const char *rest = strchr(text, '.') + 1;
    *module = NULL;
    *member = cls ? al_arena_fmt(&w->f->arena, "%s.%s", cls->name, rest) : rest;
    *name = *member;
    return *name;
  }
  al_names_resolve(&c->names, text, name, module, member);
  return *name;
}

/* Absolute module for `from <spec> import`, resolving leading dots against this module. */
static const char *from_module(ts_walk *w, py_ctx *c, TSNode spec) {
  if (!ts_is(spec, "relative_import")) return ts_text(w, spec);
  TSNode prefix = ts_node_named_child(spec, 0);
  size_t dots = ts_is(prefix, "import_prefix") ? ts_node_end_byte(prefix) - ts_node_start_byte(prefix) : 0;
  TSNode rest = ts_node_named_child(spec, 1);
  /* The package of this module: itself for __init__.py, else its parent. */
  al_buf b = {0};
  al_buf_puts(&b, c->module ? c->module : "");
  size_t up = dots - (c->is_package_init ? 1 : 0);
  for (size_t i = 0; i < up; i++) {
    char *d = strrchr(b.data ? b.data : "", '.');
    if (d) {
      b.len = (size_t)(d - b.data);
      b.data[b.len] = 0;
    } else {
      b.len = 0;
      if (b.data) b.data[0] = 0;
    }
  }
  if (!ts_node_is_null(rest) && ts_is(rest, "dotted_name")) {
    if (b.len) al_buf_puts(&b, ".");
    al_buf_add(&b, w->text + ts_node_start_byte(rest), ts_node_end_byte(rest) - ts_node_start_byte(rest));
  }
  const char *r = ir_str(w->f, b.data ? b.data : "", b.len);
  al_buf_free(&b);
  return r;
}

static void lower_import(ts_walk *w, py_ctx *c, TSNode n, ir_node *parent) {
  bool from = ts_is(n, "import_from_statement");
  const char *mod = from ? from_module(w, c, ts_field(n, "module_name")) : NULL;
  uint32_t k = ts_node_named_child_count(n);
  for (uint32_t i = 0; i < k; i++) {
    TSNode ch = ts_node_named_child(n, i);
    const char *fld = ts_node_field_name_for_named_child(n, i);
    if (!fld || strcmp(fld, "name")) continue;
    TSNode nm = ch, alias = {0};
    if (ts_is(ch, "aliased_import")) {
      nm = ts_field(ch, "name");
      alias = ts_field(ch, "alias");
    }
    const char *name = ts_text(w, nm);
    const char *local;
    ir_node *imp = parent ? ir_add(w->f, parent, IR_IMPORT, ts_span(ch)) : NULL;
    if (from) {
      local = ts_node_is_null(alias) ? name : ts_text(w, alias);
      al_names_bind(&c->names, local, mod, name);
      if (imp) {
        imp->name = mod;
        imp->member = name;
      }
    } else if (!ts_node_is_null(alias)) {
      local = ts_text(w, alias);
      al_names_bind(&c->names, local, name, NULL);
      if (imp) imp->name = name;
    } else {
      /* `import a.b` binds `a`, which names module a. */
      const char *dot = strchr(name, '.');
      local = dot ? ir_str(w->f, name, (size_t)(dot - name)) : name;
      al_names_bind(&c->names, local, local, NULL);
      if (imp) imp->name = name;
    }
    if (imp) imp->alias = local;
  }
}

/* Imports are bound before the walk so functions defined above an import still resolve. */
static void prebind_imports(ts_walk *w, py_ctx *c, TSNode root) {
  uint32_t k = ts_node_named_child_count(root);
  for (uint32_t i = 0; i < k; i++) {
    TSNode ch = ts_node_named_child(root, i);
    if (ts_is(ch, "import_statement") || ts_is(ch, "import_from_statement")) {
      lower_import(w, c, ch, NULL);
    } else if (ts_is(ch, "try_statement") || ts_is(ch, "if_statement")) {
      /* try: import x / except ImportError: ... and if TYPE_CHECKING: import ... */
      TSTreeCursor cur = ts_tree_cursor_new(ch);
      uint32_t depth = 0;
      if (ts_tree_cursor_goto_first_child(&cur)) {
        depth = 1;
        for (;;) {
          TSNode x = ts_tree_cursor_current_node(&cur);
          if (ts_is(x, "import_statement") || ts_is(x, "import_from_statement")) lower_import(w, c, x, NULL);
          else if (depth < 3 && ts_tree_cursor_goto_first_child(&cur)) {
            depth++;
            continue;
          }
          while (!ts_tree_cursor_goto_next_sibling(&cur)) {
            if (depth <= 1 || !ts_tree_cursor_goto_parent(&cur)) goto next;
            depth--;
          }
        }
      }
    next:
      ts_tree_cursor_delete(&cur);
    }
  }
}

static const char *enclosing_qual(ts_walk *w) {
  py_ctx *c = w->user;
  for (size_t i = w->depth; i-- > 0;) {
    ir_node *o = w->frames[i].own;
    if (!o || (o->kind != IR_FUNC && o->kind != IR_CLASS) || (o->flags & IR_F_LAMBDA)) continue;
    /* `async def func()` defined again (as test files do): the functions nested in each
     * are its own (`<func@12>.helper`; messages show `helper`), not the first one's */
    const ir_node *first = o->kind == IR_FUNC && c->defs.len ? al_map_get(&c->defs, o->name) : NULL;
    if (first && first != o) return al_arena_fmt(&w->f->arena, "<%s@%u>", o->name, o->span.line);
    return o->name;
  }
  return NULL;
}

/* The node k-1 levels up (the call, or the parentheses around it) is truth-tested by
 * its parent at level k: the test of if/elif/while/assert or of a conditional
 * expression, the operand of `not`, the left operand of and/or, or the right one when
 * the whole and/or is itself truth-tested. */
static bool py_truth_tested(ts_walk *w, size_t k) {
  for (int guard = 0; guard < 64; guard++) {
    ts_frame *p = ts_up(w, k), *me = ts_up(w, k - 1);
    if (!p || !me) return false;
    const char *t = ts_node_type(p->node);
    if (al_streq(t, "if_statement") || al_streq(t, "elif_clause") || al_streq(t, "while_statement"))
      return ts_node_eq(ts_field(p->node, "condition"), me->node);
    if (al_streq(t, "assert_statement")) return ts_node_eq(ts_node_named_child(p->node, 0), me->node);
    if (al_streq(t, "conditional_expression")) return ts_node_eq(ts_node_named_child(p->node, 1), me->node);
    if (al_streq(t, "not_operator") || al_streq(t, "if_clause")) return true; /* `[x for x in xs if f(x)]` */
    if ((al_streq(t, "generator_expression") || al_streq(t, "list_comprehension")) &&
        ts_node_eq(ts_field(p->node, "body"), me->node)) {
      /* the element of any(f(x) for x in xs) / all([...]): tested for truth */
      ts_frame *g = ts_up(w, k + 1);
      if (g && ts_is(g->node, "argument_list")) g = ts_up(w, k + 2);
      if (!g || !ts_is(g->node, "call")) return false;
      TSNode fn = ts_field(g->node, "function"); /* any / all: knowledge `truth_tests` */
      return ts_is(fn, "identifier") && al_kb_find(al_kb_for(AL_LANG_PYTHON), "truth_tests", ts_text(w, fn));
    }
    if (al_streq(t, "boolean_operator")) {
      if (ts_node_eq(ts_field(p->node, "left"), me->node)) return true;
    } else if (strcmp(t, "parenthesized_expression")) {
      return false;
    }
    k++; /* the right operand / parentheses: truth-tested when the whole is */
  }
  return false;
}

/* The node k-1 levels up is dropped: it reaches an expression statement through
 * parentheses, a branch of a conditional expression (`f() if c else g()`) or the right
 * operand of `and`/`or` (`ready and start()`). */
static bool py_discarded(ts_walk *w, size_t k) {
  for (int guard = 0; guard < 64; guard++, k++) {
    ts_frame *p = ts_up(w, k), *me = ts_up(w, k - 1);
    if (!p || !me) return false;
    const char *t = ts_node_type(p->node);
    if (!strchr("epcblst", t[0])) return false; /* most parents (arguments, assignment, ...): one compare */
    if (al_streq(t, "expression_statement")) return k > 1; /* k == 1: the direct case, below */
    if (al_streq(t, "parenthesized_expression")) continue;
    /* `[fetch(a), fetch(b)]`, `fetch(a), fetch(b)` as a statement: built and dropped */
    if (al_streq(t, "list") || al_streq(t, "tuple") || al_streq(t, "set") || al_streq(t, "expression_list")) continue;
    /* `[fetch(x) for x in xs]` as a statement: a list of coroutines nobody awaits (a
     * generator expression is never run, so it starts nothing) */
    if (al_streq(t, "list_comprehension") || al_streq(t, "set_comprehension")) {
      if (!ts_node_eq(ts_field(p->node, "body"), me->node)) return false;
      continue;
    }
    if (al_streq(t, "conditional_expression")) {
      if (ts_node_eq(ts_node_named_child(p->node, 1), me->node)) return false; /* the test */
      continue;
    }
    if (al_streq(t, "boolean_operator") && ts_node_eq(ts_field(p->node, "right"), me->node)) continue;
    return false;
  }
  return false;
}

/* How the node at level 0 is used as a value by its parent (through parentheses):
 * turned into text (FORMATTED: an f-string's `{...}`, an operand of `+` / `%` whose other
 * operand is a string literal — only a literal tells the operator), a member or element
 * read off it (ACCESSED: `c.x`, `c[0]`, `c.items()`), or an operand of a comparison or
 * arithmetic operator (OPERAND; not `in` / `is`, which ask about the object itself).
 * IR_USE_NONE otherwise. One parent lookup for the three. */
static ir_use py_value_use(ts_walk *w) {
  size_t k = 1;
  ts_frame *p = ts_up(w, k), *me = ts_up(w, 0);
  while (p && me && ts_is(p->node, "parenthesized_expression")) me = p, p = ts_up(w, ++k);
  if (!p || !me) return IR_USE_NONE;
  const char *t = ts_node_type(p->node);
  switch (t[0]) {
  case 'i': return al_streq(t, "interpolation") ? IR_USE_FORMATTED : IR_USE_NONE;
  case 'a':
    return al_streq(t, "attribute") && ts_node_eq(ts_field(p->node, "object"), me->node) ? IR_USE_ACCESSED
                                                                                         : IR_USE_NONE;
  case 's':
    return al_streq(t, "subscript") && ts_node_eq(ts_field(p->node, "value"), me->node) ? IR_USE_ACCESSED
                                                                                       : IR_USE_NONE;
  case 'b': {
    if (strcmp(t, "binary_operator")) return IR_USE_NONE;
    TSNode op = ts_field(p->node, "operator"), l = ts_field(p->node, "left"), r = ts_field(p->node, "right");
    bool right = ts_node_eq(r, me->node);
    TSNode other = right ? l : r;
    bool lit = ts_is(other, "string") || ts_is(other, "concatenated_string");
    return lit && (ts_is(op, "+") || (ts_is(op, "%") && right)) ? IR_USE_FORMATTED : IR_USE_OPERAND;
  }
  case 'c': {
    if (strcmp(t, "comparison_operator")) return IR_USE_NONE;
    uint32_t n = ts_node_child_count(p->node);
    /* `c is None` / `c is not None`: a coroutine is never None (an assertion that always
     * holds); `is` with anything else asks about the object itself */
    TSNode other = n == 3 ? ts_node_child(p->node, ts_node_eq(ts_node_child(p->node, 0), me->node) ? 2 : 0)
                          : (TSNode){0};
    for (uint32_t i = 0; i < n; i++) {
      TSNode op = ts_node_child(p->node, i);
      if (ts_node_is_named(op)) continue;
      if (ts_is(op, "in") || ts_is(op, "not") || ts_is(op, "not in")) return IR_USE_NONE;
      if ((ts_is(op, "is") || ts_is(op, "is not")) && !ts_is(other, "none")) return IR_USE_NONE;
    }
    return IR_USE_OPERAND;
  }
  default: return IR_USE_NONE;
  }
}

static ir_use call_use(ts_walk *w, const char **var) {
  if (py_discarded(w, 1)) return IR_USE_DISCARDED;
  size_t k = 1;
  ts_frame *p = ts_up(w, k);
  while (p && ts_is(p->node, "parenthesized_expression")) p = ts_up(w, ++k);
  if (!p) return IR_USE_OTHER;
  ts_frame *me = ts_up(w, k - 1);
  const char *t = ts_node_type(p->node);
  if (al_streq(t, "expression_statement")) return IR_USE_DISCARDED;
  if (al_streq(t, "await")) return IR_USE_AWAITED;
  if (al_streq(t, "return_statement")) return IR_USE_RETURNED;
  if (al_streq(t, "argument_list") || al_streq(t, "keyword_argument") || al_streq(t, "list_splat"))
    return IR_USE_PASSED;
  if (al_streq(t, "lambda")) return IR_USE_RETURNED;
  if (py_truth_tested(w, k)) return IR_USE_CONDITION;
  ir_use v = py_value_use(w);
  if (v != IR_USE_NONE) return v;
  if (al_streq(t, "conditional_expression") && !ts_node_eq(ts_node_named_child(p->node, 1), me->node)) {
    /* `x = f() if c else None`: a branch of the value assigned is assigned */
    size_t j = k + 1;
    ts_frame *q = ts_up(w, j), *qm = p;
    while (q && ts_is(q->node, "parenthesized_expression")) qm = q, q = ts_up(w, ++j);
    if (q && ts_is(q->node, "assignment") && ts_node_eq(ts_field(q->node, "right"), qm->node)) p = q, me = qm, t = "assignment";
  }
  if (al_streq(t, "assignment")) {
    TSNode right = ts_field(p->node, "right");
    if (ts_node_eq(right, me->node)) {
      TSNode left = ts_field(p->node, "left");
      if (ts_is(left, "identifier") || ts_is(left, "attribute")) *var = ts_text(w, left);
      return IR_USE_ASSIGNED;
    }
  }
  return IR_USE_OTHER;
}

static bool is_map_call(ts_walk *w, TSNode a) {
  TSNode fn = ts_field(a, "function");
  return ts_is(fn, "identifier") && ts_node_end_byte(fn) - ts_node_start_byte(fn) == 3 &&
         !strncmp(w->text + ts_node_start_byte(fn), "map", 3);
}

/* `list(map(f, xs))`, `tuple(x for x in xs)`, `set([...])`: the map call or comprehension
 * a list/tuple/set/sorted call materialises (one item per element, as the inner one
 * makes), else n itself. */
static TSNode materialized(ts_walk *w, TSNode n) {
  if (!ts_is(n, "call")) return n;
  TSNode fn = ts_field(n, "function"), args = ts_field(n, "arguments");
  if (!ts_is(fn, "identifier")) return n;
  const char *name = ts_text(w, fn);
  if (strcmp(name, "list") && strcmp(name, "tuple") && strcmp(name, "set") && strcmp(name, "sorted")) return n;
  if (ts_is(args, "generator_expression")) return args;
  if (ts_node_named_child_count(args) != 1) return n;
  TSNode a = ts_node_named_child(args, 0);
  if (ts_is(a, "list_comprehension") || ts_is(a, "generator_expression") || (ts_is(a, "call") && is_map_call(w, a)))
    return a;
  return n;
}

/* What a comprehension (or map(f, xs)) iterates: the first for-clause's iterable. */
static const char *comprehension_iter(ts_walk *w, TSNode n) {
  if (ts_is(n, "call")) {
    TSNode args = ts_field(n, "arguments");
    TSNode xs = ts_node_named_child(args, 1);
    return ts_node_is_null(xs) ? NULL : ts_text_short(w, xs, 80);
  }
  uint32_t k = ts_node_named_child_count(n);
  for (uint32_t i = 0; i < k; i++) {
    TSNode ch = ts_node_named_child(n, i);
    if (ts_is(ch, "for_in_clause")) return ts_text_short(w, ts_field(ch, "right"), 80);
  }
  return NULL;
}

static void lower_args(ts_walk *w, py_ctx *c, ir_node *call, TSNode args) {
  if (ts_is(args, "generator_expression")) {
    call->nargs = 1;
    call->args = al_arena_alloc(&w->f->arena, sizeof *call->args);
    call->args[0].flags = IR_ARG_COMPREHENSION;
    call->args[0].text = ts_text_short(w, args, 60);
    call->args[0].iter = comprehension_iter(w, args);
    return;
  }
  uint32_t k = ts_node_named_child_count(args);
  call->args = al_arena_alloc(&w->f->arena, (k ? k : 1) * sizeof *call->args);
  for (uint32_t i = 0; i < k; i++) {
    TSNode a = ts_node_named_child(args, i);
    if (ts_is(a, "comment")) continue;
    ir_arg *x = &call->args[call->nargs++];
    if (ts_is(a, "keyword_argument")) {
      x->keyword = ts_text(w, ts_field(a, "name"));
      x->flags |= IR_ARG_KEYWORD;
      a = ts_field(a, "value");
    } else if (ts_is(a, "list_splat") || ts_is(a, "dictionary_splat")) {
      x->flags |= IR_ARG_SPREAD;
      a = ts_node_named_child(a, 0);
    }
    const char *t = ts_node_is_null(a) ? "" : ts_node_type(a);
    if (al_streq(t, "list_comprehension") || al_streq(t, "generator_expression") ||
        al_streq(t, "set_comprehension")) {
      x->flags |= IR_ARG_COMPREHENSION;
      x->iter = comprehension_iter(w, a);
    }
    else if (al_streq(t, "none")) x->flags |= IR_ARG_NULL;
    else if (al_streq(t, "lambda")) x->flags |= IR_ARG_LAMBDA;
    else if (al_streq(t, "integer") || al_streq(t, "float") || al_streq(t, "string") || al_streq(t, "list") ||
             al_streq(t, "tuple") || al_streq(t, "true") || al_streq(t, "false"))
      x->flags |= IR_ARG_LITERAL;
    else if (al_streq(t, "call")) {
      if (is_map_call(w, a)) {
        x->flags |= IR_ARG_COMPREHENSION;
        x->iter = comprehension_iter(w, a);
      }
    }
    x->text = ts_node_is_null(a) ? "" : ts_text_short(w, a, 60);
    if (al_streq(t, "attribute") && c->types.len && !strpbrk(x->text, "()[")) {
      /* `repo.save` with `repo = Repo()`, `self.repo.save`: Repo.save (when typed) */
      const char *nm, *mod, *mem, *last = strrchr(x->text, '.');
      al_binding *b = last ? typed_var(w, c, ir_str(w->f, x->text, (size_t)(last - x->text))) : NULL;
      if (b) {
        resolve_ref(w, c, x->text, &nm, &mod, &mem);
        if (mem && *mem) x->ref_module = mod, x->ref_member = mem;
      }
    }
  }
}

/* `functools.partial(f, ...)` (knowledge `partials`): the dotted text of f, or NULL. */
static const char *partial_target(ts_walk *w, py_ctx *c, TSNode call) {
  TSNode fn = ts_field(call, "function");
  if (!ts_is(fn, "identifier") && !ts_is(fn, "attribute")) return NULL;
  const char *name, *mod, *mem;
  resolve_ref(w, c, dotted(w, fn), &name, &mod, &mem);
  if (!al_kb_find(al_kb_for(AL_LANG_PYTHON), "partials", name)) return NULL;
  TSNode first = ts_node_named_child(ts_field(call, "arguments"), 0);
  if (!ts_is(first, "identifier") && !ts_is(first, "attribute")) return NULL;
  return dotted(w, first);
}

/* The function a callee stands for when it is a partial or an alias: `functools.partial(f, 1)()`,
 * or `p()` after `p = functools.partial(f, 1)` or `p = f` in the same function (or at module
 * level); NULL otherwise. */
static const char *partial_callee(ts_walk *w, py_ctx *c, TSNode fn) {
  if (ts_is(fn, "call")) return partial_target(w, c, fn);
  return ts_is(fn, "identifier") ? ts_alias_get(w, &c->partials, ts_text(w, fn)) : NULL;
}

/* The class of `a / b` (a path join, a Decimal division...): the class of its leftmost
 * operand — a class called (`Path(x) / "y"`) or a name typed so (`root / name`, `self.root
 * / name`) — as `__truediv__` keeps it; false when that is not known. */
static bool div_type(ts_walk *w, py_ctx *c, TSNode e, const char **mod, const char **mem) {
  for (int depth = 0; depth < 32; depth++) {
    while (ts_is(e, "parenthesized_expression")) e = ts_node_named_child(e, 0);
    if (ts_is(e, "binary_operator")) {
      if (!ts_is(ts_field(e, "operator"), "/")) return false;
      e = ts_field(e, "left");
      continue;
    }
    if (depth == 0) return false; /* not a division at all */
    const char *name;
    if (ts_is(e, "call")) {
      TSNode fn = ts_field(e, "function");
      if (!ts_is(fn, "identifier") && !ts_is(fn, "attribute")) return false;
      resolve_ref(w, c, dotted(w, fn), &name, mod, mem);
      return looks_like_class(name) && *mem;
    }
    if (!ts_is(e, "identifier") && !ts_is(e, "attribute")) return false;
    al_binding *b = c->types.len ? typed_var(w, c, dotted(w, e)) : NULL;
    if (!b || !b->member || strchr(b->member, '(')) return false;
    *mod = b->module, *mem = b->member;
    return true;
  }
  return false;
}

/* A local holding a lazy queryset (`qs = Book.objects.filter(...)`), read where that runs
 * its query: a CALL of the chain under parent (flagged IR_F_READ_LOCAL, its text the
 * local), as `for x in Book.objects.filter(...)` itself would be. */
static void lazy_query_read(ts_walk *w, py_ctx *c, TSNode id, ir_node *parent, uint8_t use) {
  if (!c->types.len || !ts_is(id, "identifier")) return;
  al_binding *b = typed_var(w, c, ts_text(w, id));
  size_t ml = b && b->member ? strlen(b->member) : 0;
  if (ml < 3 || strcmp(b->member + ml - 2, "()")) return;
  const char *member = ir_str(w->f, b->member, ml - 2);
  const char *name = b->module ? al_arena_fmt(&w->f->arena, "%s.%s", b->module, member) : member;
  if (!al_lazy_query_chain(AL_LANG_PYTHON, name)) return;
  ir_node *q = ir_add(w->f, parent, IR_CALL, ts_span(id));
  q->module = b->module;
  q->member = member;
  q->name = name;
  q->text = ts_text(w, id);
  q->use = use;
  q->flags |= IR_F_READ_LOCAL;
}

/* `(await session.get(url)).json()`: the type the knowledge says the awaited call's
 * result is (`resolves`: an aiohttp ClientResponse), as `r = await session.get(url);
 * r.json()` types r; NULL when the receiver is not such an await or the type unknown. */
static const char *awaited_receiver_type(ts_walk *w, py_ctx *c, TSNode obj) {
  while (ts_is(obj, "parenthesized_expression")) obj = ts_node_named_child(obj, 0);
  if (!ts_is(obj, "await")) return NULL;
  TSNode inner = ts_node_named_child(obj, 0);
  while (ts_is(inner, "parenthesized_expression")) inner = ts_node_named_child(inner, 0);
  if (!ts_is(inner, "call")) return NULL;
  TSNode ifn = ts_field(inner, "function");
  if (!ts_is(ifn, "identifier") && !ts_is(ifn, "attribute")) return NULL;
  const char *name, *mod, *mem;
  resolve_ref(w, c, dotted(w, ifn), &name, &mod, &mem);
  const al_kb_entry *e = name ? al_kb_match(al_kb_for(AL_LANG_PYTHON), "resolves", name) : NULL;
  return e ? al_kb_attr(e, "type") : NULL;
}

static ir_node *lower_call(ts_walk *w, py_ctx *c, TSNode n, ir_node *parent) {
  ir_node *call = ir_add(w->f, parent, IR_CALL, ts_span(n));
  TSNode fn = ts_field(n, "function");
  const char *text = dotted(w, fn);
  call->text = text;
  /* `type(self).m()`, `self.__class__.m()`: the class's own m, as `cls.m()` */
  if (ts_is(fn, "attribute") && (al_starts_with(text, "type().") || al_starts_with(text, "self.__class__."))) {
    TSNode obj = ts_field(fn, "object"); /* the receiver itself: `type(self).a.m()` is not one */
    TSNode args = ts_is(obj, "call") ? ts_field(obj, "arguments") : obj, inner = ts_field(obj, "object");
    bool of_self = ts_is(obj, "call") ? ts_node_named_child_count(args) == 1 &&
                                            al_streq(ts_text(w, ts_node_named_child(args, 0)), "self")
                                      : ts_is(obj, "attribute") && ts_is(inner, "identifier") &&
                                            al_streq(ts_text(w, inner), "self");
    if (of_self) {
      call->text = ts_text(w, fn); /* (as written, for messages) */
      text = al_arena_fmt(&w->f->arena, "cls.%s", ts_text(w, ts_field(fn, "attribute")));
    }
  }
  if (al_starts_with(text, "self.") || al_starts_with(text, "cls.")) call->flags |= IR_F_SELF;
  const char *target = partial_callee(w, c, fn);
  const char *dmod = NULL, *dmem = NULL, *awaited = NULL;
  if (!target && text[0] == '(' && ts_is(fn, "attribute") &&
      (awaited = awaited_receiver_type(w, c, ts_field(fn, "object")))) {
    /* `(await session.get(url)).json()`: the method of what the await gives */
    call->member = call->name = al_arena_fmt(&w->f->arena, "%s.%s", awaited, ts_text(w, ts_field(fn, "attribute")));
  } else if (!target && text[0] == '(' && ts_is(fn, "attribute") &&
             div_type(w, c, ts_field(fn, "object"), &dmod, &dmem)) {
    /* `(root / "x").exists()`: the method of the joined path's class */
    const char *m = ts_text(w, ts_field(fn, "attribute"));
    call->module = dmod;
    call->member = al_arena_fmt(&w->f->arena, "%s.%s", dmem, m);
    call->name = dmod ? al_arena_fmt(&w->f->arena, "%s.%s", dmod, call->member) : call->member;
  } else {
    resolve_ref(w, c, target ? target : text, &call->name, &call->module, &call->member);
  }
  const char *var = NULL;
  call->use = (uint8_t)call_use(w, &var);
  call->alias = var;
  if (var && call->use == IR_USE_ASSIGNED && !strchr(var, '.')) ts_names_add(&c->stored, var);
  lower_args(w, c, call, ts_field(n, "arguments"));
  return call;
}

/* The resolved, comma-joined exception types an except clause names (NULL: bare). */
static const char *handler_types(ts_walk *w, py_ctx *c, TSNode n) {
  al_buf b = {0};
  uint32_t k = ts_node_named_child_count(n);
  for (uint32_t i = 0; i < k; i++) {
    const char *fld = ts_node_field_name_for_named_child(n, i);
    if (!fld || strcmp(fld, "value")) continue;
    TSNode v = ts_node_named_child(n, i);
    if (ts_is(v, "as_pattern")) v = ts_node_named_child(v, 0); /* except X as e */
    TSNode items[32];
    uint32_t m = 0;
    if (ts_is(v, "tuple") || ts_is(v, "parenthesized_expression") || ts_is(v, "expression_list")) {
      uint32_t vk = ts_node_named_child_count(v);
      for (uint32_t j = 0; j < vk && m < 32; j++) items[m++] = ts_node_named_child(v, j);
    } else {
      items[m++] = v;
    }
    for (uint32_t j = 0; j < m; j++) {
      const char *name, *mod, *mem;
      const char *held = ts_is(items[j], "identifier") ? ts_alias_get(w, &c->partials, ts_text(w, items[j])) : NULL;
      if (held && al_ends_with(held, "()")) name = held; /* `cancelled = anyio.get_cancelled_exc_class()` */
      else resolve_ref(w, c, dotted(w, items[j]), &name, &mod, &mem);
      if (b.len) al_buf_puts(&b, ",");
      al_buf_puts(&b, name);
    }
  }
  if (!b.len) { /* only empty names (error recovery): the buffer may still hold memory */
    al_buf_free(&b);
    return NULL;
  }
  const char *r = ir_str(w->f, b.data, b.len);
  al_buf_free(&b);
  return r;
}

/* The dotted class an annotation names, as written: `Repo`, `db.Repo`, the base of a
 * generic (`asyncio.Queue[int]`), the class in `Optional[Repo]`, `Repo | None` and
 * `Union[Repo, None]`, and the same inside a
 * string annotation (`"asyncio.Queue[int]"`). NULL for anything else. */
static const char *annotation_class(ts_walk *w, TSNode t) {
  for (int depth = 0; depth < 8; depth++) {
    if (ts_is(t, "type")) t = ts_node_named_child(t, 0);
    if (ts_is(t, "identifier") || ts_is(t, "attribute")) return dotted(w, t);
    if (ts_is(t, "binary_operator")) { /* `X | None`, `None | X`: X */
      TSNode l = ts_field(t, "left"), r = ts_field(t, "right");
      if (ts_is(r, "none")) t = l;
      else if (ts_is(l, "none")) t = r;
      else return NULL;
      continue;
    }
    if (!ts_is(t, "subscript") && !ts_is(t, "generic_type")) break;
    TSNode base = ts_is(t, "subscript") ? ts_field(t, "value") : ts_node_named_child(t, 0);
    const char *b = ts_is(base, "identifier") || ts_is(base, "attribute") ? dotted(w, base) : NULL;
    if (!b) return NULL;
    bool uni = al_streq(b, "Union") || al_streq(b, "typing.Union");
    if (!uni && strcmp(b, "Optional") && strcmp(b, "typing.Optional")) return b;
    TSNode t0 = t, sub = ts_is(t, "subscript") ? ts_field(t, "subscript") : ts_node_named_child(t, 1); /* Optional[X]: X */
    t = ts_is(sub, "type_parameter") ? ts_node_named_child(sub, 0) : sub;
    if (uni) { /* Union[X, None], Union[None, X]: X; other unions name no one class */
      TSNode list = ts_is(sub, "type_parameter") ? sub : t0; /* a subscript: its value, then the two */
      uint32_t k = ts_is(sub, "type_parameter") ? 0 : 1;
      if (ts_node_named_child_count(list) != k + 2) return NULL;
      TSNode a = ts_node_named_child(list, k), z = ts_node_named_child(list, k + 1);
      if (ts_is(a, "type")) a = ts_node_named_child(a, 0);
      if (ts_is(z, "type")) z = ts_node_named_child(z, 0);
      if (ts_is(z, "none")) t = a;
      else if (ts_is(a, "none")) t = z;
      else return NULL;
    }
    if (ts_node_is_null(t)) return NULL;
  }
  if (ts_is(t, "string")) {
    uint32_t a = ts_node_start_byte(t), e = ts_node_end_byte(t);
    const char *q = w->text + a;
    if (e - a < 3 || (*q != '"' && *q != '\'')) return NULL; /* no prefixes (f"", r"") */
    const char *body = q + 1, *end = w->text + e - 1;
    for (;;) {
      size_t n = 0;
      while (body + n < end && (isalnum((unsigned char)body[n]) || body[n] == '_' || body[n] == '.')) n++;
      if (!n || (body + n < end && body[n] != '[' && body[n] != ']')) return NULL;
      bool optional = (n == 8 && !strncmp(body, "Optional", 8)) || (n == 15 && !strncmp(body, "typing.Optional", 15));
      if (!optional || body + n >= end || body[n] != '[') return ir_str(w->f, body, n);
      body += n + 1; /* "Optional[X]": X */
    }
  }
  return NULL;
}

/* The element class of a collection annotation (`list[Repo]`, `Sequence[db.Repo]`,
 * `tuple[Repo, ...]`): what a for loop over it binds. NULL for anything else. */
static const char *element_class(ts_walk *w, TSNode t) {
  static const char *const colls[] = {"list", "List", "set", "Set", "frozenset", "FrozenSet", "tuple", "Tuple",
                                      "Sequence", "MutableSequence", "Iterable", "Iterator", "Collection",
                                      "AbstractSet", "deque", "Deque"};
  if (ts_is(t, "type")) t = ts_node_named_child(t, 0);
  if (!ts_is(t, "subscript") && !ts_is(t, "generic_type")) return NULL;
  TSNode base = ts_is(t, "subscript") ? ts_field(t, "value") : ts_node_named_child(t, 0);
  if (!ts_is(base, "identifier") && !ts_is(base, "attribute")) return NULL;
  const char *b = dotted(w, base), *last = strrchr(b, '.');
  last = last ? last + 1 : b;
  bool coll = false;
  for (size_t i = 0; i < sizeof colls / sizeof *colls && !coll; i++) coll = !strcmp(last, colls[i]);
  if (!coll) return NULL;
  TSNode e = ts_is(t, "subscript") ? ts_field(t, "subscript") : ts_node_named_child(t, 1);
  if (ts_is(e, "type_parameter")) e = ts_node_named_child(e, 0);
  return ts_node_is_null(e) ? NULL : annotation_class(w, e);
}

/* The value class of a mapping annotation (`dict[str, Repo]`, `Mapping[K, db.Repo]`,
 * `defaultdict[str, Repo]`): what `d[k]`, `d.values()` and `d.items()` give. */
static const char *mapping_value_class(ts_walk *w, TSNode t) {
  static const char *const maps[] = {"dict", "Dict", "Mapping", "MutableMapping", "defaultdict", "DefaultDict",
                                     "OrderedDict"};
  if (ts_is(t, "type")) t = ts_node_named_child(t, 0);
  if (!ts_is(t, "generic_type")) return NULL;
  TSNode base = ts_node_named_child(t, 0);
  if (!ts_is(base, "identifier") && !ts_is(base, "attribute")) return NULL;
  const char *b = dotted(w, base), *last = strrchr(b, '.');
  last = last ? last + 1 : b;
  bool map = false;
  for (size_t i = 0; i < sizeof maps / sizeof *maps && !map; i++) map = !strcmp(last, maps[i]);
  TSNode params = ts_node_named_child(t, 1);
  if (!map || !ts_is(params, "type_parameter") || ts_node_named_child_count(params) != 2) return NULL;
  return annotation_class(w, ts_node_named_child(params, 1));
}

/* Binds "[]var" (what a for loop over var, or var[i], gives: its collection annotation's
 * element) or "{}var" (var[k], var.values(): its mapping annotation's value). */
static void bind_element_type(ts_walk *w, py_ctx *c, const ir_node *scope, const char *var, TSNode type) {
  if (ts_node_is_null(type)) return;
  const char *cls = element_class(w, type), *prefix = "[]";
  if (!cls && (cls = mapping_value_class(w, type))) prefix = "{}";
  if (!cls) return;
  const char *name, *mod, *mem;
  resolve_ref(w, c, cls, &name, &mod, &mem);
  if (looks_like_class(name))
    ts_bind_type(w, &c->types, scope, "self.", al_arena_fmt(&w->f->arena, "%s%s", prefix, var), mod, mem);
}

/* The element binding ("[]" or "{}" + the text of node, an identifier), or NULL. */
static al_binding *element_of(ts_walk *w, py_ctx *c, const char *prefix, TSNode node) {
  return ts_typed_element(w, &c->types, "self.", prefix, node);
}

/* `d.items()` / `d.values()` / `enumerate(xs)`: the receiver or argument node when the
 * call is the named method (or function) with that shape; a null node otherwise. */
static TSNode iter_call_arg(ts_walk *w, TSNode call, const char *method) {
  TSNode none = {0};
  if (!ts_is(call, "call")) return none;
  TSNode fn = ts_field(call, "function"), args = ts_field(call, "arguments");
  if (al_streq(method, "enumerate")) {
    if (!ts_is(fn, "identifier") || strcmp(ts_text(w, fn), "enumerate")) return none;
    return ts_node_named_child(args, 0);
  }
  if (!ts_is(fn, "attribute") || ts_node_named_child_count(args)) return none;
  if (strcmp(ts_text(w, ts_field(fn, "attribute")), method)) return none;
  return ts_field(fn, "object");
}

/* An annotation `Callable[..., Awaitable[T]]` / `Callable[..., Coroutine[...]]` (any
 * module prefix, quoted or not): a function returning an awaitable. */
static bool awaitable_callable(ts_walk *w, TSNode type) {
  uint32_t s = ts_node_start_byte(type), e = ts_node_end_byte(type);
  py_ctx *c = w->user;
  if (c->awaitable_aliases.map.len && e - s < 128) { /* `load: Loader`, `load: "Loader"` */
    char nm[128];
    memcpy(nm, w->text + s, e - s);
    nm[e - s] = 0;
    size_t n = e - s;
    char *p = nm;
    if (n >= 2 && (nm[0] == '"' || nm[0] == '\'') && nm[n - 1] == nm[0]) { /* a forward reference */
      nm[n - 1] = 0;
      p++;
    }
    if (al_map_get(&c->awaitable_aliases.map, p)) return true;
  }
  if (!memmem(w->text + s, e - s, "Callable[", 9)) return false; /* (no copy for the usual annotation) */
  const char *t = ts_text_short(w, type, 200);
  if (*t == '"' || *t == '\'') t++;
  const char *cb = strstr(t, "Callable[");
  if (!cb || (cb != t && cb[-1] != '.')) return false;
  const char *ret = NULL;
  int depth = 0;
  for (const char *p = cb + 9; *p; p++) {
    if (*p == '[') depth++;
    else if (*p == ']') {
      if (depth-- == 0) break;
    } else if (*p == ',' && depth == 0)
      ret = p + 1;
  }
  if (!ret) return false;
  while (*ret == ' ') ret++;
  const char *br = strchr(ret, '[');
  size_t n = br ? (size_t)(br - ret) : strcspn(ret, "],");
  const char *dot = NULL;
  for (const char *p = ret; p < ret + n; p++)
    if (*p == '.') dot = p;
  const char *base = dot ? dot + 1 : ret;
  size_t bn = (size_t)(ret + n - base);
  return bn == 9 && (!strncmp(base, "Awaitable", 9) || !strncmp(base, "Coroutine", 9));
}

/* The decorator (knowledge `context_manager_decorators`) that makes a function a
 * context manager factory — `@contextlib.contextmanager`, `@asynccontextmanager` — by
 * its resolved name, or NULL. AL101/AL513 read it (FUNC type) to tell `with` from
 * `async with`. */
static const char *cm_decorator(ts_walk *w, py_ctx *c, TSNode decorated) {
  for (uint32_t i = 0, k = ts_node_named_child_count(decorated); i < k; i++) {
    TSNode d = ts_node_named_child(decorated, i);
    if (!ts_is(d, "decorator")) continue;
    TSNode e = ts_node_named_child(d, 0);
    if (!ts_is(e, "identifier") && !ts_is(e, "attribute")) continue;
    const char *name, *mod, *mem;
    resolve_ref(w, c, ts_text(w, e), &name, &mod, &mem);
    const al_kb_entry *ke = al_kb_find(al_kb_for(AL_LANG_PYTHON), "context_manager_decorators", name);
    if (ke) return ke->name;
  }
  return NULL;
}

/* A decorator of the function that the knowledge lists in section, by its resolved name
 * (`@x` or `@x(...)`): `offloop_decorators` run a sync function on a thread and make
 * calling it give an awaitable — `@sync_to_async`, `@sync_to_async(thread_sensitive=
 * False)`, `@asyncify`. */
static bool decorator_in(ts_walk *w, py_ctx *c, TSNode decorated, const char *section) {
  for (uint32_t i = 0, k = ts_node_named_child_count(decorated); i < k; i++) {
    TSNode d = ts_node_named_child(decorated, i);
    if (!ts_is(d, "decorator")) continue;
    TSNode e = ts_node_named_child(d, 0);
    if (ts_is(e, "call")) e = ts_field(e, "function");
    if (!ts_is(e, "identifier") && !ts_is(e, "attribute")) continue;
    const char *name, *mod, *mem;
    resolve_ref(w, c, ts_text(w, e), &name, &mod, &mem);
    if (al_kb_find(al_kb_for(AL_LANG_PYTHON), section, name)) return true;
  }
  return false;
}

/* Parameter names into FUNC args; annotated parameters of a class type are typed
 * locals of the function. */
static void lower_params(ts_walk *w, py_ctx *c, ir_node *fn, TSNode params) {
  if (ts_node_is_null(params)) return;
  uint32_t k = ts_node_named_child_count(params);
  fn->args = al_arena_alloc(&w->f->arena, (k ? k : 1) * sizeof *fn->args);
  for (uint32_t i = 0; i < k; i++) {
    TSNode p = ts_node_named_child(params, i);
    TSNode nm = p, type = {0};
    uint32_t flags = 0;
    if (ts_is(p, "typed_parameter")) {
      nm = ts_node_named_child(p, 0);
      type = ts_field(p, "type");
    } else if (ts_is(p, "default_parameter") || ts_is(p, "typed_default_parameter")) {
      nm = ts_field(p, "name");
      type = ts_field(p, "type");
    }
    if (ts_is(nm, "list_splat_pattern") || ts_is(nm, "dictionary_splat_pattern")) {
      flags |= IR_ARG_SPREAD;
      nm = ts_node_named_child(nm, 0);
    }
    if (ts_node_is_null(nm) || !ts_is(nm, "identifier")) continue;
    ir_arg *a = &fn->args[fn->nargs++];
    a->flags = flags;
    a->text = ts_text(w, nm);
    if (!ts_node_is_null(type) && awaitable_callable(w, type)) a->flags |= IR_ARG_PROMISE_FN;
    /* a parameter named like an imported module hides it (`async def f(requests)`) */
    if (c->names.map.len && !(fn->flags & IR_F_LAMBDA) && al_map_get(&c->names.map, a->text))
      ts_bind_type(w, &c->types, fn, "self.", a->text, NULL, "()");
    const char *cls = ts_node_is_null(type) ? NULL : annotation_class(w, type);
    if (cls) {
      const char *name, *mod, *mem;
      resolve_ref(w, c, cls, &name, &mod, &mem);
      const al_kb_entry *e = al_kb_find(al_kb_for(AL_LANG_PYTHON), "annotation_types", name);
      const char *t = e ? al_kb_attr(e, "type") : NULL; /* `f: typing.TextIO`: the class it stands for */
      if (t) {
        ts_bind_type(w, &c->types, fn, "self.", a->text, NULL, ir_str(w->f, t, strlen(t)));
        a->ref_member = ir_str(w->f, t, strlen(t));
      } else if (annotation_names_class(name)) {
        ts_bind_type(w, &c->types, fn, "self.", a->text, mod, mem);
        if (mem && *mem && !strchr(mem, '(')) a->ref_module = mod, a->ref_member = mem;
      } else {
        bind_element_type(w, c, fn, a->text, type); /* repos: list[Repo] */
      }
    }
  }
}

/* An identifier that is read (not a binding target, attribute name or keyword). */
static bool is_read(ts_walk *w) {
  ts_frame *p = ts_up(w, 1);
  if (!p) return false;
  const char *fld = ts_cur_field_name(w);
  const char *pt = ts_node_type(p->node);
  if (fld && al_streq(fld, "attribute")) return false;
  if (fld && al_streq(fld, "name")) return false; /* def/class/keyword names */
  if (fld && al_streq(fld, "left") && (al_streq(pt, "assignment") || al_streq(pt, "for_statement") ||
                                      al_streq(pt, "for_in_clause")))
    return false;
  if (al_streq(pt, "parameters") || al_streq(pt, "typed_parameter") || al_streq(pt, "lambda_parameters") ||
      al_streq(pt, "as_pattern_target") || al_streq(pt, "pattern_list") || al_streq(pt, "global_statement") ||
      al_streq(pt, "nonlocal_statement"))
    return false;
  /* `del coro` drops the name without running it (`del a, b` too) */
  if (al_streq(pt, "delete_statement")) return false;
  if (al_streq(pt, "expression_list") && ts_up(w, 2) && ts_is(ts_up(w, 2)->node, "delete_statement")) return false;
  return true;
}

static const char *with_item_args(ts_walk *w, py_ctx *c, TSNode call, al_buf *b) {
  TSNode args = ts_field(call, "arguments");
  uint32_t k = ts_node_is_null(args) ? 0 : ts_node_named_child_count(args);
  for (uint32_t i = 0, first = 1; i < k; i++) {
    TSNode a = ts_node_named_child(args, i);
    if (ts_is(a, "comment")) continue;
    if (!first) al_buf_puts(b, ",");
    first = 0;
    if (ts_is(a, "keyword_argument")) {
      al_buf_printf(b, "%s=%s", ts_text(w, ts_field(a, "name")), ts_text_short(w, ts_field(a, "value"), 40));
    } else if (ts_is(a, "identifier") || ts_is(a, "attribute") || ts_is(a, "call")) {
      const char *name, *mod, *mem;
      al_buf_puts(b, resolve_ref(w, c, dotted(w, a), &name, &mod, &mem));
    } else {
      al_buf_puts(b, ts_text_short(w, a, 40));
    }
  }
  return NULL;
}

/* The condition looks at the caught exception: `isinstance(...)`, or the alias as a word. */
static bool tests_exception(ts_walk *w, TSNode cond, const char *alias) {
  uint32_t a = ts_node_start_byte(cond), b = ts_node_end_byte(cond);
  const char *t = w->text + a;
  size_t n = b - a, al = alias ? strlen(alias) : 0;
  if (memmem(t, n, "isinstance", 10)) return true;
  for (size_t i = 0; al && i + al <= n; i++)
    if (!memcmp(t + i, alias, al) && (i == 0 || !(isalnum((unsigned char)t[i - 1]) || t[i - 1] == '_')) &&
        (i + al == n || !(isalnum((unsigned char)t[i + al]) || t[i + al] == '_')))
      return true;
  return false;
}

/* Whether n holds a `break` of the loop whose body it is (not one of a nested loop or
 * function). */
static bool breaks_out(TSNode n, int depth) {
  if (depth > 64) return true;
  uint32_t k = ts_node_named_child_count(n);
  for (uint32_t i = 0; i < k; i++) {
    TSNode s = ts_node_named_child(n, i);
    const char *t = ts_node_type(s);
    if (al_streq(t, "break_statement")) return true;
    if (al_streq(t, "for_statement") || al_streq(t, "while_statement")) {
      /* (their else clause runs in this loop) */
      TSNode e = ts_field(s, "alternative");
      if (!ts_node_is_null(e) && breaks_out(e, depth + 1)) return true;
      continue;
    }
    if (al_streq(t, "function_definition") || al_streq(t, "class_definition") || al_streq(t, "lambda")) continue;
    if (breaks_out(s, depth + 1)) return true;
  }
  return false;
}

/* `while True:` (or `while 1:`) with no break of its own: it never ends normally. */
static bool endless_while(ts_walk *w, TSNode s) {
  TSNode cond = ts_field(s, "condition");
  if (ts_node_is_null(cond)) return false;
  if (!ts_is(cond, "true") && !(ts_is(cond, "integer") && strspn(ts_text(w, cond), "0xXoObB_") < strlen(ts_text(w, cond))))
    return false;
  TSNode b = ts_field(s, "body");
  return !ts_node_is_null(b) && !breaks_out(b, 0);
}

/* Whether a block can end normally: false when it surely leaves by raise, return,
 * break or continue (an if/elif/else or with whose every branch does; a `while True:`
 * that has no break of its own never ends). Anything it
 * cannot tell (try, match, deep nesting) counts as leaving: a handler is reported as
 * swallowing on a quiet path only when that path is certain (flake8-async ASYNC103).
 * An `if` testing the caught exception itself (`isinstance(exc, ...)`, `exc.args`)
 * sorts exceptions, so its quiet branch is taken as not the cancellation's. */
static bool block_falls_through(ts_walk *w, TSNode block, const char *alias, int depth) {
  if (depth > 8) return false;
  uint32_t k = ts_node_named_child_count(block);
  for (uint32_t i = 0; i < k; i++) {
    TSNode s = ts_node_named_child(block, i);
    const char *t = ts_node_type(s);
    if (al_streq(t, "raise_statement") || al_streq(t, "return_statement") || al_streq(t, "break_statement") ||
        al_streq(t, "continue_statement") || al_streq(t, "try_statement") || al_streq(t, "match_statement"))
      return false;
    if (al_streq(t, "while_statement") && endless_while(w, s)) return false;
    if (al_streq(t, "with_statement")) {
      TSNode b = ts_field(s, "body");
      if (!ts_node_is_null(b) && !block_falls_through(w, b, alias, depth + 1)) return false;
    } else if (al_streq(t, "if_statement")) {
      TSNode cond = ts_field(s, "condition");
      if (!ts_node_is_null(cond) && tests_exception(w, cond, alias)) return false;
      TSNode b = ts_field(s, "consequence");
      bool all_leave = !ts_node_is_null(b) && !block_falls_through(w, b, alias, depth + 1), has_else = false;
      uint32_t m = ts_node_named_child_count(s);
      for (uint32_t j = 0; j < m && all_leave; j++) {
        TSNode a = ts_node_named_child(s, j);
        if (!ts_is(a, "elif_clause") && !ts_is(a, "else_clause")) continue;
        has_else |= ts_is(a, "else_clause");
        TSNode ab = ts_field(a, ts_is(a, "elif_clause") ? "consequence" : "body");
        all_leave = !ts_node_is_null(ab) && !block_falls_through(w, ab, alias, depth + 1);
      }
      if (all_leave && has_else) return false;
    }
  }
  return true;
}

/* ---- The path a cancellation takes through a handler that sorts what it caught ----
 * `except BaseException as e:` then `if isinstance(e, ValueError): return` and `raise`:
 * the return is ValueError's, the cancellation reaches the raise. `if isinstance(e,
 * (KeyboardInterrupt, SystemExit)): raise` then `log(e)`: the cancellation is logged and
 * dropped. Decided only where each `if` on the way either does not look at the exception
 * or is `[not] isinstance(alias, class or tuple of classes)` naming classes it can place. */
typedef enum { CP_FALLS, CP_RAISES, CP_QUIET, CP_UNKNOWN } cancel_path;

/* Whether the class a name resolves to is the cancellation's (1), not it (0), or
 * cannot be told (-1: an ALL_CAPS name may hold a tuple of classes). */
static int class_is_cancel(ts_walk *w, py_ctx *c, TSNode t) {
  if (ts_is(t, "call")) {
    const char *name, *mod, *mem;
    resolve_ref(w, c, dotted(w, ts_field(t, "function")), &name, &mod, &mem);
    char *full = al_arena_fmt(&w->f->arena, "%s()", name);
    return al_kb_find(al_kb_for(AL_LANG_PYTHON), "cancelled", full) ? 1 : -1;
  }
  if (!ts_is(t, "identifier") && !ts_is(t, "attribute")) return -1;
  const char *text = dotted(w, t);
  if (ts_is(t, "identifier") && ts_alias_get(w, &c->partials, text)) return -1; /* a class held in a name */
  const char *last = strrchr(text, '.');
  last = last ? last + 1 : text;
  bool caps = true;
  for (const char *q = last; *q && caps; q++) caps = !(*q >= 'a' && *q <= 'z');
  if (caps) return -1;
  const char *name, *mod, *mem;
  resolve_ref(w, c, text, &name, &mod, &mem);
  const al_kb *kb = al_kb_for(AL_LANG_PYTHON);
  if (al_kb_find(kb, "cancelled", name) || al_kb_find(kb, "catch_all", name) || strstr(last, "Cancel")) return 1;
  return 0;
}

/* Whether a condition holds for the cancellation: 1, 0, -1 (cannot tell; also for a
 * condition that does not look at the exception, which *test_free says). */
static int cond_for_cancel(ts_walk *w, py_ctx *c, TSNode cond, const char *alias, bool *test_free) {
  *test_free = false;
  if (ts_is(cond, "parenthesized_expression")) return cond_for_cancel(w, c, ts_node_named_child(cond, 0), alias, test_free);
  if (ts_is(cond, "not_operator")) {
    int v = cond_for_cancel(w, c, ts_field(cond, "argument"), alias, test_free);
    return v < 0 ? v : !v;
  }
  if (ts_is(cond, "call") && !strcmp(ts_text(w, ts_field(cond, "function")), "isinstance")) {
    TSNode args = ts_field(cond, "arguments");
    if (ts_node_named_child_count(args) != 2) return -1;
    TSNode a0 = ts_node_named_child(args, 0), a1 = ts_node_named_child(args, 1);
    if (!alias || !ts_is(a0, "identifier") || strcmp(ts_text(w, a0), alias)) {
      *test_free = !alias || !tests_exception(w, cond, alias);
      return -1;
    }
    if (!ts_is(a1, "tuple") && !ts_is(a1, "parenthesized_expression")) return class_is_cancel(w, c, a1);
    int any = 0;
    for (uint32_t i = 0, k = ts_node_named_child_count(a1); i < k; i++) {
      int v = class_is_cancel(w, c, ts_node_named_child(a1, i));
      if (v < 0) return -1;
      any |= v;
    }
    return any;
  }
  *test_free = !tests_exception(w, cond, alias);
  return -1;
}

static cancel_path block_cancel_path(ts_walk *w, py_ctx *c, TSNode block, const char *alias, int depth,
                                     bool *decided);

/* Where the branches of an `if` lead a cancellation; CP_FALLS: on past the `if`. */
static cancel_path if_cancel_path(ts_walk *w, py_ctx *c, TSNode s, const char *alias, int depth, bool *decided) {
  cancel_path seen[34];
  uint32_t n = 0, m = ts_node_named_child_count(s);
  bool has_else = false;
  for (int32_t j = -1; j < (int32_t)m; j++) {
    if (n >= 33) return CP_UNKNOWN; /* (an elif chain that long: not followed) */
    TSNode cl = j < 0 ? s : ts_node_named_child(s, (uint32_t)j);
    if (j >= 0 && !ts_is(cl, "elif_clause") && !ts_is(cl, "else_clause")) continue;
    bool is_else = j >= 0 && ts_is(cl, "else_clause");
    TSNode body = ts_field(cl, is_else ? "body" : "consequence");
    if (ts_node_is_null(body)) return CP_UNKNOWN;
    if (!is_else) {
      bool free_;
      int v = cond_for_cancel(w, c, ts_field(cl, "condition"), alias, &free_);
      if (v < 0 && !free_) return CP_UNKNOWN;
      if (v >= 0) *decided = true;
      if (v == 0) continue; /* not the cancellation's branch */
      cancel_path r = block_cancel_path(w, c, body, alias, depth + 1, decided);
      if (v == 1) { /* the cancellation's branch: the later ones are not taken */
        seen[n++] = r;
        has_else = true;
        break;
      }
      seen[n++] = r;
    } else {
      seen[n++] = block_cancel_path(w, c, body, alias, depth + 1, decided);
      has_else = true;
    }
  }
  if (!has_else) seen[n++] = CP_FALLS;
  bool quiet = false, unknown = false, falls = false;
  for (uint32_t i = 0; i < n; i++) quiet |= seen[i] == CP_QUIET, unknown |= seen[i] == CP_UNKNOWN, falls |= seen[i] == CP_FALLS;
  if (quiet) return CP_QUIET; /* a quiet exit on one path swallows it there */
  if (unknown) return CP_UNKNOWN;
  return falls ? CP_FALLS : CP_RAISES;
}

static cancel_path block_cancel_path(ts_walk *w, py_ctx *c, TSNode block, const char *alias, int depth,
                                     bool *decided) {
  if (depth > 8) return CP_UNKNOWN;
  for (uint32_t i = 0, k = ts_node_named_child_count(block); i < k; i++) {
    TSNode s = ts_node_named_child(block, i);
    const char *t = ts_node_type(s);
    cancel_path r = CP_FALLS;
    if (al_streq(t, "raise_statement")) r = CP_RAISES;
    else if (al_streq(t, "return_statement") || al_streq(t, "break_statement") || al_streq(t, "continue_statement"))
      r = CP_QUIET;
    else if (al_streq(t, "try_statement") || al_streq(t, "match_statement") || al_streq(t, "for_statement") ||
             al_streq(t, "while_statement"))
      r = CP_UNKNOWN;
    else if (al_streq(t, "with_statement")) {
      TSNode b = ts_field(s, "body");
      r = ts_node_is_null(b) ? CP_UNKNOWN : block_cancel_path(w, c, b, alias, depth + 1, decided);
    } else if (al_streq(t, "if_statement")) {
      r = if_cancel_path(w, c, s, alias, depth, decided);
    }
    if (r != CP_FALLS) return r;
  }
  return CP_FALLS;
}

/* A function without a `-> T` annotation returns what its return statements make:
 * `return cls()` / `return self` in a method (its class), `return Repo(...)`, or a local
 * holding one (`conn = cls(); await conn.open(); return conn`). Calls of it then hold
 * that class, as with the annotation (`c = await Conn.create(); c.close()`). Returns
 * naming different classes name none. */
static void infer_return(ts_walk *w, py_ctx *c, TSNode ret) {
  ir_node *fn = ts_enclosing_own(w, IR_FUNC);
  TSNode v = ts_node_named_child(ret, 0);
  if (!fn || !fn->name || ts_node_is_null(v) || (fn->flags & IR_F_GENERATOR)) return;
  py_return *rb = c->returns.len ? al_map_get(&c->returns, fn->name) : NULL;
  if (rb && (!rb->inferred || rb->mixed)) return;
  const char *name = NULL, *mod = NULL, *mem = NULL;
  const ir_node *cls = fn->parent && fn->parent->kind == IR_CLASS ? fn->parent : NULL;
  bool receiver = false; /* `cls()` / `self`: the class it is called on, a subclass too */
  if (ts_is(v, "call")) {
    TSNode callee = ts_field(v, "function");
    if (ts_is(callee, "identifier") && cls_called(w, callee)) {
      resolve_ref(w, c, cls->name, &name, &mod, &mem);
      receiver = true;
    }
    else if (ts_is(callee, "identifier") || ts_is(callee, "attribute")) {
      resolve_ref(w, c, dotted(w, callee), &name, &mod, &mem);
      if (!looks_like_class(name)) return;
    } else return;
  } else if (ts_is(v, "identifier")) {
    uint32_t a = ts_node_start_byte(v), b = ts_node_end_byte(v);
    if (cls && b - a == 4 && !memcmp(w->text + a, "self", 4) && cls->name) {
      resolve_ref(w, c, cls->name, &name, &mod, &mem);
      receiver = true;
    } else {
      al_binding *t = c->types.len ? typed_var(w, c, ts_text(w, v)) : NULL;
      if (!t || !t->member || strchr(t->member, '(')) return;
      mod = t->module, mem = t->member;
    }
  } else {
    return;
  }
  if (!mem) return;
  if (rb) { /* a second return: the same class, or none */
    al_return_again(fn, &rb->type, &rb->mixed, mod, mem, receiver);
    return;
  }
  if (receiver) fn->flags |= IR_F_RETURNS_RECEIVER;
  rb = al_arena_alloc(&w->f->arena, sizeof *rb);
  memset(rb, 0, sizeof *rb);
  rb->type = (al_binding){mod, mem};
  rb->async = (fn->flags & IR_F_ASYNC) != 0;
  rb->inferred = true;
  al_map_put(&c->returns, fn->name, rb);
  fn->module = mod;
  fn->member = mem;
}

static bool py_ident_char(char ch) {
  return ch == '_' || (ch >= '0' && ch <= '9') || ((ch | 32) >= 'a' && (ch | 32) <= 'z') || (unsigned char)ch >= 0x80;
}

/* The decorators that make a method a property getter (knowledge `property_decorators`):
 * reading the attribute calls it. */
static bool property_decorator(const char *d, size_t n) {
  char name[64];
  if (!n || n >= sizeof name) return false;
  memcpy(name, d, n);
  name[n] = 0;
  return al_kb_find(al_kb_for(AL_LANG_PYTHON), "property_decorators", name) != NULL;
}

static bool is_property(ts_walk *w, TSNode decorated) {
  for (uint32_t i = 0, k = ts_node_named_child_count(decorated); i < k; i++) {
    TSNode d = ts_node_named_child(decorated, i);
    if (!ts_is(d, "decorator")) continue;
    TSNode e = ts_node_named_child(d, 0);
    uint32_t s0 = ts_node_start_byte(e), e0 = ts_node_end_byte(e);
    if (property_decorator(w->text + s0, e0 - s0)) return true;
  }
  return false;
}

/* The names of the properties the file defines (`@property` then `def name`), by a scan
 * of the text before the walk: a read may come before the def (a method above it). */
static void scan_properties(const char *t, size_t len, ts_names *props) {
  const char *end = t + len;
  for (const char *p = t; (p = memchr(p, '@', (size_t)(end - p)));) {
    const char *d = ++p, *q = d;
    while (q < end && (py_ident_char(*q) || *q == '.')) q++;
    if (!property_decorator(d, (size_t)(q - d))) continue;
    while (q < end && *q != '\n') q++; /* the rest of the decorator line */
    for (;;) { /* more decorators, blank lines, then `def` or `async def` */
      while (q < end && (*q == ' ' || *q == '\t' || *q == '\n' || *q == '\r')) q++;
      if (q < end && *q == '@') {
        while (q < end && *q != '\n') q++;
        continue;
      }
      break;
    }
    if (end - q > 6 && !strncmp(q, "async ", 6)) q += 6;
    while (q < end && *q == ' ') q++;
    if (end - q < 5 || strncmp(q, "def ", 4)) continue;
    q += 4;
    while (q < end && *q == ' ') q++;
    const char *nm = q;
    while (q < end && py_ident_char(*q)) q++;
    if (q > nm && q - nm < 128) {
      char buf[128];
      memcpy(buf, nm, (size_t)(q - nm));
      buf[q - nm] = 0;
      ts_names_add(props, buf);
    }
    p = q;
  }
}

/* `self.config` where config names a property of this file: a CALL of the getter (flag
 * IR_F_PROPERTY), unless the attribute is called, assigned or deleted. n: the attribute's
 * name identifier (the current node). */
static ir_node *lower_property_read(ts_walk *w, py_ctx *c, TSNode n) {
  uint32_t s0 = ts_node_start_byte(n), e0 = ts_node_end_byte(n);
  if (!ts_names_has(&c->props, w->text + s0, e0 - s0)) return NULL; /* (most identifiers: the filter) */
  ts_frame *up = ts_up(w, 1), *up2 = ts_up(w, 2);
  if (!up || !ts_is(up->node, "attribute") || !ts_node_eq(ts_field(up->node, "attribute"), n)) return NULL;
  if (up2) {
    const char *pt = ts_node_type(up2->node);
    if (al_streq(pt, "call") && ts_node_eq(ts_field(up2->node, "function"), up->node)) return NULL; /* self.x() */
    if ((al_streq(pt, "assignment") || al_streq(pt, "augmented_assignment")) &&
        ts_node_eq(ts_field(up2->node, "left"), up->node))
      return NULL; /* self.x = v (a setter) */
    if (al_streq(pt, "delete_statement") || al_streq(pt, "decorator")) return NULL;
  }
  ir_node *call = ir_add(w->f, up->ir, IR_CALL, ts_span(up->node));
  call->flags |= IR_F_PROPERTY;
  const char *text = dotted(w, up->node);
  call->text = text;
  if (al_starts_with(text, "self.") || al_starts_with(text, "cls.")) call->flags |= IR_F_SELF;
  resolve_ref(w, c, text, &call->name, &call->module, &call->member);
  const char *var = NULL;
  w->depth--; /* the use of the attribute, not of its name */
  call->use = (uint8_t)call_use(w, &var);
  w->depth++;
  call->alias = var;
  return call;
}

/* A decorator of an `async def` that caches what the function returns (knowledge
 * `result_caching_decorators`: `@functools.lru_cache`, `@cache`, `@cached_property`): a
 * CALL of the decorator, flagged IR_F_DECORATED, whose one argument is the function's
 * name. What it caches is the coroutine object, which can be awaited once (AL516). */
static ir_node *lower_caching_decorator(ts_walk *w, py_ctx *c, TSNode n, ir_node *parent) {
  TSNode def = ts_field(ts_node_parent(n), "definition");
  if (!ts_is(def, "function_definition") || !ts_has_token(def, "async")) return NULL;
  TSNode e = ts_node_named_child(n, 0);
  if (ts_is(e, "call")) e = ts_field(e, "function");
  if (!ts_is(e, "identifier") && !ts_is(e, "attribute")) return NULL;
  const char *text = dotted(w, e), *name, *mod, *mem;
  resolve_ref(w, c, text, &name, &mod, &mem);
  if (!name || !al_kb_find(al_kb_for(AL_LANG_PYTHON), "result_caching_decorators", name)) return NULL;
  ir_node *call = ir_add(w->f, parent, IR_CALL, ts_span(n));
  call->name = name;
  call->module = mod;
  call->member = mem;
  call->text = text;
  call->use = IR_USE_OTHER;
  call->flags |= IR_F_DECORATED;
  call->args = al_arena_alloc(&w->f->arena, sizeof *call->args);
  memset(call->args, 0, sizeof *call->args);
  call->args[0].text = ts_text(w, ts_field(def, "name"));
  call->args[0].flags = IR_ARG_FUNC_REF;
  call->nargs = 1;
  return call;
}

/* Every node type py_enter looks at (ts_walk skips calling it for the others). */
static const char *const py_handled[] = {
    "assignment", "await", "break_statement", "call", "class_definition", "continue_statement", "decorator",
    "except_clause",
    "finally_clause", "for_in_clause", "for_statement", "function_definition", "identifier",
    "import_from_statement", "import_statement", "lambda", "raise_statement", "return_statement", "string",
    "try_statement", "while_statement", "with_statement", "yield", NULL};

static ir_node *py_enter(ts_walk *w, bool *descend) {
  py_ctx *c = w->user;
  ts_frame *fr = ts_cur(w);
  TSNode n = fr->node;
  ir_node *parent = fr->ir;
  if (!ts_node_is_named(n)) return NULL;
  const char *t = ts_node_type(n);
  ir_node *x = NULL;
  switch (t[0]) {
  case 'a':
    if (al_streq(t, "await")) return ir_add(w->f, parent, IR_AWAIT, ts_span(n));
    if (al_streq(t, "assignment")) {
      TSNode left = ts_field(n, "left");
      TSNode right = ts_field(n, "right");
      TSNode type = ts_field(n, "type");
      bool self_attr = ts_is(left, "attribute") && ts_is(ts_field(left, "object"), "identifier") &&
                       !strcmp(ts_text(w, ts_field(left, "object")), "self");
      if (!ts_node_is_null(right) && ts_is(right, "await")) bind_awaited_type(w, c, left, right);
      else if (!ts_node_is_null(right) && ts_is(right, "call") && (ts_is(left, "pattern_list") || ts_is(left, "tuple_pattern")))
        bind_returned_tuple(w, c, left, right, NULL);
      if (!ts_node_is_null(right) && (ts_is(left, "pattern_list") || ts_is(left, "tuple_pattern")) &&
          (ts_is(right, "expression_list") || ts_is(right, "tuple")))
        bind_unpacked_types(w, c, left, right);
      if (!ts_is(left, "identifier") && !self_attr) return NULL;
      const char *var = ts_text(w, left);
      if (!self_attr && !ts_scope(w) && !ts_node_is_null(right) && ts_is(right, "subscript") &&
          awaitable_callable(w, right))
        ts_names_add(&c->awaitable_aliases, var); /* `Loader = Callable[[], Awaitable[int]]` */
      /* a local named like an imported module hides it (shadow_import), unless typed below */
      bool shadows = !self_attr && c->names.map.len && al_map_get(&c->names.map, var);
      al_binding *before_typed = shadows ? typed_var(w, c, var) : NULL;
      /* a class body's annotation (`client: httpx.AsyncClient`, dataclass and pydantic
       * fields) types the instances' attribute */
      ts_frame *blk = ts_up(w, 2), *body_of = ts_up(w, 3);
      bool class_field = !self_attr && !ts_node_is_null(type) && blk && body_of && ts_is(blk->node, "block") &&
                         ts_is(body_of->node, "class_definition");
      bool in_body = blk && body_of && ts_is(blk->node, "block") && ts_is(body_of->node, "class_definition");
      if (class_field)
        bind_value_type(w, c, al_arena_fmt(&w->f->arena, "self.%s", var), type, true, false);
      else if (!self_attr && in_body && ts_node_is_null(type) && ts_is(right, "call")) /* `http = httpx.AsyncClient()` */
        bind_value_type(w, c, al_arena_fmt(&w->f->arena, "self.%s", var), right, false, false);
      else { /* the annotation, then a value of known type over it (`f: IO = make()` keeps IO) */
        if (!ts_node_is_null(type)) bind_value_type(w, c, var, type, true, false);
        if (!ts_node_is_null(right) && (ts_is(right, "call") || ts_is(right, "subscript") ||
                                        (ts_is(right, "binary_operator") && ts_node_is_null(type))))
          bind_value_type(w, c, var, right, false, ts_node_is_null(type));
      }
      if (shadows && !class_field && typed_var(w, c, var) == before_typed) shadow_import(w, c, var);
      if (!self_attr && !class_field && !ts_node_is_null(type)) bind_element_type(w, c, ts_scope(w), var, type);
      else if (!ts_node_is_null(right) && ts_is(right, "identifier")) {
        /* `self.repo = repo` with `repo: Repo` (a parameter or a typed local) */
        al_binding *b = typed_var(w, c, ts_text(w, right));
        if (b) bind_type_resolved(w, c, var, b->module, b->member);
      }
      /* `on_done: Callable[..., Awaitable[None]]` (a class field) or `self.on_done:
       * Callable[...] = cb`: a method that returns an awaitable, as a bodiless FUNC of
       * the class (`self.on_done()` resolves to it) */
      if ((class_field || self_attr) && !ts_node_is_null(type) && awaitable_callable(w, type)) {
        ir_node *cls = ts_enclosing_own(w, IR_CLASS);
        if (cls && cls->name) {
          ir_node *m = ir_add(w->f, cls, IR_FUNC, ts_span(left));
          m->flags |= IR_F_RETURNS_PROMISE | IR_F_METHOD;
          m->name = al_arena_fmt(&w->f->arena, "%s.%s", cls->name, self_attr ? var + 5 : var);
        }
      }
      if (self_attr) return NULL;
      /* `p = functools.partial(f, ...)`, or `p = f` / `p = mod.f` (an alias): p() calls f;
       * assigning p anything else ends that */
      const char *target = NULL;
      if (!ts_node_is_null(right) && ts_is(right, "call")) {
        target = partial_target(w, c, right);
        /* `cancelled = anyio.get_cancelled_exc_class()`: a call the knowledge lists among
         * the cancellation classes (`cancelled`), kept in a name — `except cancelled:`
         * catches the cancellation (its alias holds the resolved call: handler_types).
         * Only calls without arguments are resolved for it. */
        const char *rn, *rmod, *rmem;
        if (!target && !ts_node_named_child_count(ts_field(right, "arguments"))) {
          resolve_ref(w, c, dotted(w, right), &rn, &rmod, &rmem);
          if (al_ends_with(rn, "()") && al_kb_match(al_kb_for(AL_LANG_PYTHON), "cancelled", rn)) target = rn;
        }
      }
      else if (!ts_node_is_null(right) && (ts_is(right, "identifier") || ts_is(right, "attribute"))) {
        target = dotted(w, right);
        if (!strcmp(target, var) || strchr(target, '(') || ts_is_param(w, target)) target = NULL;
      }
      if (!in_class_body(w)) ts_alias_bind(w, &c->partials, var, target); /* a class attribute is no name here */
      x = ir_add(w->f, parent, IR_ASSIGN, ts_span(n));
      x->name = var;
      /* a module-level value of a library class (`http = httpx.AsyncClient()`): its type,
       * which the summary hands to the index for importers (`from net import http`) */
      /* ... or a class attribute of a module-level class (`class Services: http =
       * httpx.AsyncClient()`: importers' `Services.http.get()`) */
      bool cls_attr = in_body && parent && parent->kind == IR_CLASS && parent->parent && parent->parent->kind == IR_FILE;
      if (!ts_scope(w) && c->types.len && !strchr(var, '.') && (cls_attr || !in_class_body(w))) {
        al_binding *b = typed_var(w, c, cls_attr ? al_arena_fmt(&w->f->arena, "self.%s", var) : var);
        if (b && b->member && !strchr(b->member, '(')) {
          x->type = b->module ? al_arena_fmt(&w->f->arena, "%s.%s", b->module, b->member) : b->member;
          x->module = b->module ? b->module : w->f->module; /* a project class's methods, by the index */
          x->member = b->member;
        }
      }
      if (!ts_node_is_null(right)) {
        const char *rt = ts_node_type(right);
        x->text = ts_text_short(w, right, 80);
        if (al_streq(rt, "list") || al_streq(rt, "tuple") || al_streq(rt, "set") || al_streq(rt, "dictionary") ||
            al_streq(rt, "string") || al_streq(rt, "integer")) {
          x->flags |= IR_F_LITERAL;
          /* `[fetch(a), fetch(b)]`: its reads are USEs (AL103 looks for them) */
          bool seq = rt[0] == 'l' || rt[0] == 't' || (rt[0] == 's' && rt[1] == 'e');
          for (uint32_t i = 0, k = seq ? ts_node_named_child_count(right) : 0; i < k; i++)
            if (ts_is(ts_node_named_child(right, i), "call")) {
              if (!strchr(var, '.') && !strchr(var, '[')) ts_names_add(&c->stored, var);
              break;
            }
        }
        else if (al_streq(rt, "list_comprehension") || al_streq(rt, "generator_expression") ||
                 al_streq(rt, "set_comprehension") || al_streq(rt, "dictionary_comprehension") ||
                 (al_streq(rt, "call") && (is_map_call(w, right) || !ts_node_eq(materialized(w, right), right)))) {
          x->flags |= IR_F_COMPREHENSION;
          x->member = comprehension_iter(w, materialized(w, right));
          if (!strchr(var, '.') && !strchr(var, '[')) ts_names_add(&c->stored, var); /* its reads: USE */
        }
      }
      return x;
    }
    break;
  case 'b':
    if (al_streq(t, "break_statement")) return ir_add(w->f, parent, IR_BREAK, ts_span(n));
    break;
  case 'd':
    if (al_streq(t, "decorator")) return lower_caching_decorator(w, c, n, parent);
    break;
  case 'c':
    if (al_streq(t, "call")) return lower_call(w, c, n, parent);
    if (al_streq(t, "class_definition")) {
      x = ir_add(w->f, parent, IR_CLASS, ts_span(n));
      const char *q = enclosing_qual(w);
      const char *name = ts_text(w, ts_field(n, "name"));
      x->name = q ? al_arena_fmt(&w->f->arena, "%s.%s", q, name) : name;
      TSNode sup = ts_field(n, "superclasses");
      if (!ts_node_is_null(sup)) {
        uint32_t k = ts_node_named_child_count(sup);
        for (uint32_t i = 0; i < k; i++) {
          TSNode b = ts_node_named_child(sup, i);
          if (ts_is(b, "keyword_argument") || ts_is(b, "comment")) continue;
          if (ts_is(b, "identifier") && !strcmp(ts_text(w, b), "object")) continue;
          x->flags |= IR_F_DERIVED;
          if (!ts_is(b, "identifier") && !ts_is(b, "attribute")) continue;
          /* a base by name: methods not found on the class are looked up on it (index) */
          if (!x->args) x->args = al_arena_alloc(&w->f->arena, k * sizeof *x->args);
          const char *bn, *bmod, *bmem;
          al_names_resolve(&c->names, ts_text(w, b), &bn, &bmod, &bmem);
          x->args[x->nargs++] = (ir_arg){.text = bmem, .keyword = bmod};
        }
      }
      if (ts_is(ts_node_parent(n), "decorated_definition")) x->flags |= IR_F_DECORATED;
      ts_cur(w)->own = x; /* (what the walk sets on return) the class the attributes bind to */
      prebind_class_attrs(w, c, ts_field(n, "body"));
      return x;
    }
    if (al_streq(t, "continue_statement")) return ir_add(w->f, parent, IR_CONTINUE, ts_span(n));
    break;
  case 'e':
    if (al_streq(t, "except_clause")) {
      x = ir_add(w->f, parent, IR_HANDLER, ts_span(n));
      x->name = handler_types(w, c, n);
      if (!x->name) x->flags |= IR_F_BARE;
      TSNode alias = ts_field(n, "alias");
      TSNode v = ts_field(n, "value");
      if (ts_node_is_null(alias) && ts_is(v, "as_pattern")) alias = ts_field(v, "alias");
      if (!ts_node_is_null(alias)) x->alias = ts_text(w, alias);
      uint32_t k = ts_node_named_child_count(n);
      TSNode body = k ? ts_node_named_child(n, k - 1) : n;
      if (ts_is(body, "block") && block_falls_through(w, body, x->alias, 0)) x->flags |= IR_F_FALLS_THROUGH;
      bool decided = false;
      uint32_t b0 = ts_node_start_byte(body), b1 = ts_node_end_byte(body);
      cancel_path cp = x->alias && ts_is(body, "block") && memmem(w->text + b0, b1 - b0, "isinstance", 10)
                           ? block_cancel_path(w, c, body, x->alias, 0, &decided)
                           : CP_UNKNOWN;
      if (decided && cp == CP_RAISES) x->flags |= IR_F_CANCEL_RAISES;
      if (decided && (cp == CP_QUIET || cp == CP_FALLS)) x->flags |= IR_F_CANCEL_QUIET;
      return x;
    }
    break;
  case 'f':
    if (al_streq(t, "for_in_clause") && ts_has_token(n, "async")) { /* `[x async for x in agen()]`: awaits */
      x = ir_add(w->f, parent, IR_AWAIT, ts_span(n));
      x->flags |= IR_F_ASYNC;
      return x;
    }
    if (al_streq(t, "function_definition")) {
      x = ir_add(w->f, parent, IR_FUNC, ts_span(n));
      const char *q = enclosing_qual(w);
      const char *name = ts_text(w, ts_field(n, "name"));
      x->name = q ? al_arena_fmt(&w->f->arena, "%s.%s", q, name) : name;
      if (!al_map_get(&c->defs, x->name)) al_map_put(&c->defs, x->name, x);
      /* a function nested in a function: its bare name, called there, is this one */
      if (q && !in_class_body(w)) ts_alias_bind(w, &c->partials, name, x->name);
      if (ts_has_token(n, "async")) x->flags |= IR_F_ASYNC;
      if (parent->kind == IR_CLASS) x->flags |= IR_F_METHOD;
      if (ts_is(ts_node_parent(n), "decorated_definition")) {
        x->flags |= IR_F_DECORATED;
        x->type = cm_decorator(w, c, ts_node_parent(n));
        /* a sync function run on a thread by its decorator: calls of it are awaitable, and
         * what it does blocks no loop */
        if (!(x->flags & IR_F_ASYNC) && decorator_in(w, c, ts_node_parent(n), "offloop_decorators"))
          x->flags |= IR_F_RETURNS_PROMISE;
        /* the async_generator package's `@async_generator async def` (yield_()): calls make
         * an async generator, not a coroutine */
        if ((x->flags & IR_F_ASYNC) && decorator_in(w, c, ts_node_parent(n), "async_generator_decorators"))
          x->flags |= IR_F_GENERATOR;
        if (c->props.map.len && is_property(w, ts_node_parent(n))) x->flags |= IR_F_PROPERTY;
      }
      TSNode body = ts_field(n, "body");
      if (!ts_node_is_null(body)) x->body = ts_node_start_byte(body);
      lower_params(w, c, x, ts_field(n, "parameters"));
      TSNode rt = ts_field(n, "return_type"); /* `-> Repo`: what a call of it holds, for the rest of the file */
      const char *cls = ts_node_is_null(rt) ? NULL : annotation_class(w, rt);
      if (cls) {
        const char *rn, *rmod, *rmem;
        resolve_ref(w, c, cls, &rn, &rmod, &rmem);
        if (looks_like_class(rn)) {
          py_return *b = al_arena_alloc(&w->f->arena, sizeof *b);
          memset(b, 0, sizeof *b);
          b->type = (al_binding){rmod, rmem};
          b->async = (x->flags & IR_F_ASYNC) != 0;
          al_map_put(&c->returns, x->name, b);
          x->module = rmod; /* for other files, and calls above the def: the index reads it */
          x->member = rmem;
        }
      }
      return x;
    }
    if (al_streq(t, "for_statement")) {
      TSNode left = ts_field(n, "left"), right = ts_field(n, "right");
      if (c->names.map.len) shadow_targets(w, c, left); /* `for time in ...` (an element type overrides) */
      if (c->types.len) {
        al_binding *b = NULL;
        TSNode var = left;
        if (ts_is(left, "identifier")) {
          b = element_of(w, c, "[]", right); /* for r in repos: (repos: list[Repo]) */
          if (!b) b = element_of(w, c, "{}", iter_call_arg(w, right, "values")); /* for r in by_id.values() */
        } else if ((ts_is(left, "pattern_list") || ts_is(left, "tuple_pattern")) &&
                   ts_node_named_child_count(left) == 2) {
          var = ts_node_named_child(left, 1);
          b = element_of(w, c, "{}", iter_call_arg(w, right, "items")); /* for k, r in by_id.items() */
          if (!b) b = element_of(w, c, "[]", iter_call_arg(w, right, "enumerate")); /* for i, r in enumerate(repos) */
        }
        if (b && ts_is(var, "identifier")) bind_type_resolved(w, c, ts_text(w, var), b->module, b->member);
      }
      /* `for c in map(work, xs)`, `for c in [work(x) for x in xs]`, `for c in coros`:
       * the loop variable may hold a coroutine, so its reads are USEs (AL103) */
      if (ts_is(left, "identifier") && !ts_node_is_null(right)) {
        TSNode m = materialized(w, right);
        bool items = ts_is(m, "list_comprehension") || ts_is(m, "generator_expression") ||
                     ts_is(m, "set_comprehension") || ts_is(m, "list") || (ts_is(m, "call") && is_map_call(w, m));
        if (!items && ts_is(right, "identifier") && c->stored.map.len) {
          char nm[128];
          uint32_t s0 = ts_node_start_byte(right), e0 = ts_node_end_byte(right);
          if (e0 - s0 < sizeof nm) {
            memcpy(nm, w->text + s0, e0 - s0);
            nm[e0 - s0] = 0;
            items = al_map_get(&c->stored.map, nm) != NULL;
          }
        }
        if (items) ts_names_add(&c->stored, ts_text(w, left));
      }
      x = ir_add(w->f, parent, IR_LOOP, ts_span(n));
      x->name = ts_text_short(w, ts_field(n, "right"), 80);
      x->alias = ts_text_short(w, ts_field(n, "left"), 80);
      TSNode body = ts_field(n, "body");
      if (!ts_node_is_null(body)) x->body = ts_node_start_byte(body);
      if (ts_has_token(n, "async")) x->flags |= IR_F_ASYNC;
      else lazy_query_read(w, c, right, x, IR_USE_OTHER); /* `for b in qs` runs qs's query */
      if (!(x->flags & IR_F_ASYNC) && c->types.len &&
          (ts_is(right, "identifier") || (ts_is(right, "attribute") && al_starts_with(x->name, "self.")))) {
        /* `for m in ws` with `ws: ServerConnection`, `send, recv = open_memory_channel(0)`,
         * `for m in self.ws` with the attribute typed in the class */
        al_binding *b = typed_var(w, c, x->name);
        if (b && b->member && !strchr(b->member, '('))
          x->type = b->module ? al_arena_fmt(&w->f->arena, "%s.%s", b->module, b->member) : b->member;
      }
      return x;
    }
    if (al_streq(t, "finally_clause")) return ir_add(w->f, parent, IR_FINALLY, ts_span(n));
    break;
  case 'i':
    if (al_streq(t, "identifier")) {
      if (c->props.map.len && lower_property_read(w, c, n)) return NULL;
      ts_frame *args = ts_up(w, 1);
      if (c->types.len && c->consumers && args && parent->kind == IR_CALL && parent->name &&
          !strchr(parent->name, '.') && ts_is(args->node, "argument_list") &&
          al_kb_word_in(c->consumers, parent->name, strlen(parent->name)))
        lazy_query_read(w, c, n, parent, IR_USE_PASSED); /* `list(qs)`: a consumer runs it */
      ir_node *x = ts_lower_read(w, &c->stored, is_read);
      if (x && x->use == IR_USE_NONE && py_truth_tested(w, 1)) x->use = IR_USE_CONDITION; /* `if c:`, `not c` */
      else if (x && x->use == IR_USE_NONE) x->use = (uint8_t)py_value_use(w); /* f"{c}", c.x, c[0], c > 0 */
      return x;
    }
    if (al_streq(t, "import_statement") || al_streq(t, "import_from_statement")) {
      lower_import(w, c, n, parent);
      *descend = false;
    }
    break;
  case 'l':
    if (al_streq(t, "lambda")) {
      x = ir_add(w->f, parent, IR_FUNC, ts_span(n));
      x->name = "<lambda>";
      x->flags |= IR_F_LAMBDA;
      /* `cb = lambda: work()`: cb() calls it, as it would a def of that name (qualified in
       * a function, bound there as the nested defs are) */
      ts_frame *up = ts_up(w, 1);
      if (up && ts_is(up->node, "assignment") && ts_node_eq(ts_field(up->node, "right"), n) &&
          ts_is(ts_field(up->node, "left"), "identifier") && !in_class_body(w)) {
        const char *q = enclosing_qual(w), *var = ts_text(w, ts_field(up->node, "left"));
        x->name = q ? al_arena_fmt(&w->f->arena, "%s.%s", q, var) : var;
        if (q) ts_alias_bind(w, &c->partials, var, x->name);
      }
      lower_params(w, c, x, ts_field(n, "parameters"));
      return x;
    }
    break;
  case 'r':
    if (al_streq(t, "return_statement")) {
      infer_return(w, c, n);
      x = ir_add(w->f, parent, IR_RETURN, ts_span(n));
      TSNode v = ts_node_named_child_count(n) ? ts_node_named_child(n, 0) : (TSNode){0};
      if (!ts_node_is_null(v) && (ts_is(v, "list_comprehension") || ts_is(v, "generator_expression") ||
                                  ts_is(v, "set_comprehension") || ts_is(v, "dictionary_comprehension"))) {
        x->flags |= IR_F_COMPREHENSION; /* `return [l for l in fh]`: what it iterates */
        x->member = comprehension_iter(w, v);
      }
      return x;
    }
    if (al_streq(t, "raise_statement")) {
      x = ir_add(w->f, parent, IR_RAISE, ts_span(n));
      TSNode e = ts_node_named_child(n, 0);
      if (ts_node_is_null(e) || ts_is(e, "comment")) x->flags |= IR_F_BARE;
      else x->name = ts_text_short(w, e, 80);
      return x;
    }
    break;
  case 's':
    /* a string's parts are never code, except an f-string's interpolations */
    if (al_streq(t, "string")) {
      const char *p = w->text + ts_node_start_byte(n);
      bool f = false;
      for (; *p && *p != '\'' && *p != '"'; p++) f |= *p == 'f' || *p == 'F';
      if (!f) *descend = false;
    }
    break;
  case 't':
    if (al_streq(t, "try_statement")) return ir_add(w->f, parent, IR_TRY, ts_span(n));
    break;
  case 'w':
    if (al_streq(t, "while_statement")) {
      x = ir_add(w->f, parent, IR_LOOP, ts_span(n));
      x->flags |= IR_F_WHILE;
      x->name = ts_text_short(w, ts_field(n, "condition"), 80);
      TSNode body = ts_field(n, "body");
      if (!ts_node_is_null(body)) x->body = ts_node_start_byte(body);
      return x;
    }
    if (al_streq(t, "with_statement")) {
      x = ir_add(w->f, parent, IR_WITH, ts_span(n));
      if (ts_has_token(n, "async")) x->flags |= IR_F_ASYNC;
      if (x->flags & IR_F_ASYNC) { /* (AL524 asks of a task group's block) */
        TSNode body = ts_field(n, "body");
        uint32_t stmts = 0;
        for (uint32_t i = 0, k = ts_node_named_child_count(body); i < k && stmts < 2; i++)
          if (!ts_is(ts_node_named_child(body, i), "comment")) stmts++;
        if (stmts == 1) x->flags |= IR_F_ONE_STATEMENT;
      }
      TSNode clause = ts_node_named_child(n, 0);
      al_buf b = {0}, args = {0}, as = {0};
      bool any_args = false, any_as = false;
      uint32_t k = ts_node_named_child_count(clause);
      for (uint32_t i = 0; i < k; i++) {
        TSNode item = ts_node_named_child(clause, i);
        TSNode v = ts_field(item, "value");
        TSNode alias = {0};
        if (ts_is(v, "as_pattern")) {
          alias = ts_node_named_child(ts_field(v, "alias"), 0);
          v = ts_node_named_child(v, 0);
        }
        if (ts_node_is_null(v)) continue;
        if (ts_is(v, "await") && ts_is(ts_node_named_child(v, 0), "call"))
          v = ts_node_named_child(v, 0); /* `async with await anyio.open_file(p) as f` */
        TSNode head = ts_is(v, "call") ? ts_field(v, "function") : v;
        const char *name, *mod, *mem;
        const char *htext = dotted(w, head);
        al_binding *typed = ts_is(v, "call") ? NULL : typed_var(w, c, htext);
        if (typed) /* `with self._lock:` names the instance: its class */
          name = typed->module ? al_arena_fmt(&w->f->arena, "%s.%s", typed->module, typed->member) : typed->member;
        else
          resolve_ref(w, c, htext, &name, &mod, &mem);
        if (b.len) {
          al_buf_puts(&b, ",");
          al_buf_puts(&args, ";");
          al_buf_puts(&as, ",");
        }
        al_buf_puts(&b, name);
        if (!ts_node_is_null(alias) && ts_is(alias, "identifier")) { /* `as fh`: the names the items bind */
          if (c->names.map.len) shadow_import(w, c, ts_text(w, alias)); /* a type bound below overrides */
          al_buf_add(&as, w->text + ts_node_start_byte(alias), ts_node_end_byte(alias) - ts_node_start_byte(alias));
          any_as = true;
        }
        if (ts_is(v, "call")) {
          size_t before = args.len;
          with_item_args(w, c, v, &args);
          any_args |= args.len > before;
          if (!ts_node_is_null(alias) && ts_is(alias, "identifier")) {
            if (looks_like_class(name)) bind_type_resolved(w, c, ts_text(w, alias), mod, mem);
            else if (!bind_known_type(w, c, ts_text(w, alias), name, "resolves")) /* `async with s.get(u) as r` */
              bind_returned_type(w, c, ts_text(w, alias), name); /* `async with trio.open_nursery() as n` */
          }
        }
      }
      if (any_args) x->text = ir_str(w->f, args.data, args.len);
      if (any_as) x->alias = ir_str(w->f, as.data, as.len);
      al_buf_free(&args);
      al_buf_free(&as);
      if (b.len) x->name = ir_str(w->f, b.data, b.len);
      al_buf_free(&b);
      return x;
    }
    break;
  case 'y':
    if (al_streq(t, "yield")) {
      for (size_t i = w->depth - 1; i-- > 0;) {
        ir_node *o = w->frames[i].own;
        if (o && o->kind == IR_FUNC) {
          if (!(o->flags & IR_F_LAMBDA)) o->flags |= IR_F_GENERATOR;
          if ((o->flags & IR_F_ASYNC) && ts_has_token(n, "from")) { /* AL511 reports it */
            ir_node *x = ir_add(w->f, parent, IR_AWAIT, ts_span(n));
            x->flags |= IR_F_YIELD_FROM;
            return x;
          }
          break;
        }
      }
    }
    break;
  }
  return NULL;
}

ir_file *al_lower_python(const al_source *src, const al_lower_ctx *ctx, char **err) {
  TSTree *tree = ts_parse(tree_sitter_python(), src, ctx, err);
  if (!tree) return NULL;
  ir_file *f = ir_file_new(src, ctx->module);
  TSNode root = ts_tree_root_node(tree);
  f->parse_errors = ts_node_has_error(root);
  py_ctx c = {.names = {.f = f}, .module = ctx->module,
              .is_package_init = ctx->abs_path && al_ends_with(ctx->abs_path, "/__init__.py")};
  ts_walk w = {.f = f, .text = src->text, .lang = tree_sitter_python(), .user = &c, .handled = py_handled};
  const al_kb_section *chains = al_kb_section_get(al_kb_for(AL_LANG_PYTHON), "query_chains");
  c.consumers = chains && chains->entries.len ? al_kb_attr(chains->entries.items[0], "consumers") : NULL;
  prebind_imports(&w, &c, root);
  scan_properties(src->text, src->len, &c.props); /* (memchr for '@': decorators are rare bytes) */
  ts_walk_run(&w, root, py_enter, NULL);
  free(w.frames);
  al_names_free(&c.names);
  al_map_free(&c.types);
  al_map_free(&c.returns);
  al_map_free(&c.partials);
  al_map_free(&c.defs);
  ts_names_free(&c.stored);
  ts_names_free(&c.awaitable_aliases);
  ts_names_free(&c.props);
  ts_parse_done(tree, ctx);
  return f;
}
