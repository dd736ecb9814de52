/* python: lowers a tree-sitter-python tree into the async IR: functions, calls with
 * their resolved callees and use, awaits, try/except/finally, loops, with, imports. */
#include <string.h>
#include <tree_sitter/api.h>

#include "frontend.h"
#include "names.h"
#include "ts_walk.h"

const TSLanguage *tree_sitter_python(void);

typedef struct py_ctx {
  al_names names;
  const char *module;
  bool is_package_init;
} py_ctx;

/* Dotted text of an identifier/attribute chain ("a.b.c"); "()" stands for a call or
 * any other expression at the head. */
static const char *dotted(ts_walk *w, TSNode n) {
  al_buf b = {0};
  TSNode parts[64];
  size_t k = 0;
  while (ts_is(n, "attribute") && k < 63) {
    parts[k++] = ts_field(n, "attribute");
    n = ts_field(n, "object");
  }
  if (ts_is(n, "identifier")) al_buf_add(&b, w->text + ts_node_start_byte(n), ts_node_end_byte(n) - ts_node_start_byte(n));
  else al_buf_puts(&b, "()");
  while (k > 0) {
    TSNode p = parts[--k];
    al_buf_puts(&b, ".");
    if (!ts_node_is_null(p)) al_buf_add(&b, w->text + ts_node_start_byte(p), ts_node_end_byte(p) - ts_node_start_byte(p));
  }
  const char *r = ir_str(w->f, b.data, b.len);
  al_buf_free(&b);
  return r;
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
  for (size_t i = w->depth; i-- > 0;) {
    ir_node *o = w->frames[i].own;
    if (o && (o->kind == IR_FUNC || o->kind == IR_CLASS) && !(o->flags & IR_F_LAMBDA)) return o->name;
  }
  return NULL;
}

static ir_use call_use(ts_walk *w, const char **var) {
  size_t k = 1;
  ts_frame *p = ts_up(w, k);
  while (p && ts_is(p->node, "parenthesized_expression")) p = ts_up(w, ++k);
  if (!p) return IR_USE_OTHER;
  ts_frame *me = ts_up(w, k - 1);
  const char *t = ts_node_type(p->node);
  if (!strcmp(t, "expression_statement")) return IR_USE_DISCARDED;
  if (!strcmp(t, "await")) return IR_USE_AWAITED;
  if (!strcmp(t, "return_statement")) return IR_USE_RETURNED;
  if (!strcmp(t, "argument_list") || !strcmp(t, "keyword_argument") || !strcmp(t, "list_splat"))
    return IR_USE_PASSED;
  if (!strcmp(t, "lambda")) return IR_USE_RETURNED;
  if (!strcmp(t, "assignment")) {
    TSNode right = ts_field(p->node, "right");
    if (ts_node_eq(right, me->node)) {
      TSNode left = ts_field(p->node, "left");
      if (ts_is(left, "identifier") || ts_is(left, "attribute")) *var = ts_text(w, left);
      return IR_USE_ASSIGNED;
    }
  }
  return IR_USE_OTHER;
}

static void lower_args(ts_walk *w, ir_node *call, TSNode args) {
  if (ts_is(args, "generator_expression")) {
    call->nargs = 1;
    call->args = al_arena_alloc(&w->f->arena, sizeof *call->args);
    call->args[0].flags = IR_ARG_COMPREHENSION;
    call->args[0].text = ts_text_short(w, args, 60);
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
    if (!strcmp(t, "list_comprehension") || !strcmp(t, "generator_expression") ||
        !strcmp(t, "set_comprehension"))
      x->flags |= IR_ARG_COMPREHENSION;
    else if (!strcmp(t, "none")) x->flags |= IR_ARG_NULL;
    else if (!strcmp(t, "lambda")) x->flags |= IR_ARG_LAMBDA;
    else if (!strcmp(t, "integer") || !strcmp(t, "float") || !strcmp(t, "string") || !strcmp(t, "list") ||
             !strcmp(t, "tuple") || !strcmp(t, "true") || !strcmp(t, "false"))
      x->flags |= IR_ARG_LITERAL;
    else if (!strcmp(t, "call")) {
      TSNode fn = ts_field(a, "function");
      if (ts_is(fn, "identifier") && !strncmp(w->text + ts_node_start_byte(fn), "map", 3) &&
          ts_node_end_byte(fn) - ts_node_start_byte(fn) == 3)
        x->flags |= IR_ARG_COMPREHENSION;
    }
    x->text = ts_node_is_null(a) ? "" : ts_text_short(w, a, 60);
  }
}

static ir_node *lower_call(ts_walk *w, py_ctx *c, TSNode n, ir_node *parent) {
  ir_node *call = ir_add(w->f, parent, IR_CALL, ts_span(n));
  TSNode fn = ts_field(n, "function");
  const char *text = dotted(w, fn);
  call->text = text;
  if (al_starts_with(text, "self.") || al_starts_with(text, "cls.")) {
    ir_node *cls = ts_enclosing_own(w, IR_CLASS);
    call->flags |= IR_F_SELF;
    const char *rest = strchr(text, '.') + 1;
    call->member = cls ? al_arena_fmt(&w->f->arena, "%s.%s", cls->name, rest) : rest;
    call->name = call->member;
  } else {
    al_names_resolve(&c->names, text, &call->name, &call->module, &call->member);
  }
  const char *var = NULL;
  call->use = (uint8_t)call_use(w, &var);
  call->alias = var;
  lower_args(w, call, ts_field(n, "arguments"));
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
      al_names_resolve(&c->names, dotted(w, items[j]), &name, &mod, &mem);
      if (b.len) al_buf_puts(&b, ",");
      al_buf_puts(&b, name);
    }
  }
  if (!b.len) return NULL;
  const char *r = ir_str(w->f, b.data, b.len);
  al_buf_free(&b);
  return r;
}

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
    if (!strcmp(t, "await")) return ir_add(w->f, parent, IR_AWAIT, ts_span(n));
    if (!strcmp(t, "assignment")) {
      TSNode left = ts_field(n, "left");
      if (!ts_is(left, "identifier")) return NULL;
      x = ir_add(w->f, parent, IR_ASSIGN, ts_span(n));
      x->name = ts_text(w, left);
      return x;
    }
    break;
  case 'b':
    if (!strcmp(t, "break_statement")) return ir_add(w->f, parent, IR_BREAK, ts_span(n));
    break;
  case 'c':
    if (!strcmp(t, "call")) return lower_call(w, c, n, parent);
    if (!strcmp(t, "class_definition")) {
      x = ir_add(w->f, parent, IR_CLASS, ts_span(n));
      const char *q = enclosing_qual(w);
      const char *name = ts_text(w, ts_field(n, "name"));
      x->name = q ? al_arena_fmt(&w->f->arena, "%s.%s", q, name) : name;
      return x;
    }
    if (!strcmp(t, "continue_statement")) return ir_add(w->f, parent, IR_CONTINUE, ts_span(n));
    break;
  case 'e':
    if (!strcmp(t, "except_clause")) {
      x = ir_add(w->f, parent, IR_HANDLER, ts_span(n));
      x->name = handler_types(w, c, n);
      if (!x->name) x->flags |= IR_F_BARE;
      TSNode alias = ts_field(n, "alias");
      TSNode v = ts_field(n, "value");
      if (ts_node_is_null(alias) && ts_is(v, "as_pattern")) alias = ts_field(v, "alias");
      if (!ts_node_is_null(alias)) x->alias = ts_text(w, alias);
      return x;
    }
    break;
  case 'f':
    if (!strcmp(t, "function_definition")) {
      x = ir_add(w->f, parent, IR_FUNC, ts_span(n));
      const char *q = enclosing_qual(w);
      const char *name = ts_text(w, ts_field(n, "name"));
      x->name = q ? al_arena_fmt(&w->f->arena, "%s.%s", q, name) : name;
      if (ts_has_token(n, "async")) x->flags |= IR_F_ASYNC;
      if (parent->kind == IR_CLASS) x->flags |= IR_F_METHOD;
      return x;
    }
    if (!strcmp(t, "for_statement")) {
      x = ir_add(w->f, parent, IR_LOOP, ts_span(n));
      x->name = ts_text_short(w, ts_field(n, "right"), 80);
      if (ts_has_token(n, "async")) x->flags |= IR_F_ASYNC;
      return x;
    }
    if (!strcmp(t, "finally_clause")) return ir_add(w->f, parent, IR_FINALLY, ts_span(n));
    break;
  case 'i':
    if (!strcmp(t, "import_statement") || !strcmp(t, "import_from_statement")) {
      lower_import(w, c, n, parent);
      *descend = false;
    }
    break;
  case 'l':
    if (!strcmp(t, "lambda")) {
      x = ir_add(w->f, parent, IR_FUNC, ts_span(n));
      x->name = "<lambda>";
      x->flags |= IR_F_LAMBDA;
      return x;
    }
    break;
  case 'r':
    if (!strcmp(t, "return_statement")) return ir_add(w->f, parent, IR_RETURN, ts_span(n));
    if (!strcmp(t, "raise_statement")) {
      x = ir_add(w->f, parent, IR_RAISE, ts_span(n));
      TSNode e = ts_node_named_child(n, 0);
      if (ts_node_is_null(e) || ts_is(e, "comment")) x->flags |= IR_F_BARE;
      else x->name = ts_text_short(w, e, 80);
      return x;
    }
    break;
  case 't':
    if (!strcmp(t, "try_statement")) return ir_add(w->f, parent, IR_TRY, ts_span(n));
    break;
  case 'w':
    if (!strcmp(t, "while_statement")) {
      x = ir_add(w->f, parent, IR_LOOP, ts_span(n));
      x->flags |= IR_F_WHILE;
      x->name = ts_text_short(w, ts_field(n, "condition"), 80);
      return x;
    }
    if (!strcmp(t, "with_statement")) {
      x = ir_add(w->f, parent, IR_WITH, ts_span(n));
      if (ts_has_token(n, "async")) x->flags |= IR_F_ASYNC;
      TSNode clause = ts_node_named_child(n, 0);
      al_buf b = {0};
      uint32_t k = ts_node_named_child_count(clause);
      for (uint32_t i = 0; i < k; i++) {
        TSNode item = ts_node_named_child(clause, i);
        TSNode v = ts_field(item, "value");
        if (ts_is(v, "as_pattern")) v = ts_node_named_child(v, 0);
        if (ts_node_is_null(v)) continue;
        TSNode head = ts_is(v, "call") ? ts_field(v, "function") : v;
        const char *name, *mod, *mem;
        al_names_resolve(&c->names, dotted(w, head), &name, &mod, &mem);
        if (b.len) al_buf_puts(&b, ",");
        al_buf_puts(&b, name);
      }
      if (b.len) x->name = ir_str(w->f, b.data, b.len);
      al_buf_free(&b);
      return x;
    }
    break;
  case 'y':
    if (!strcmp(t, "yield")) {
      for (size_t i = w->depth - 1; i-- > 0;) {
        ir_node *o = w->frames[i].own;
        if (o && o->kind == IR_FUNC) {
          if (!(o->flags & IR_F_LAMBDA)) o->flags |= IR_F_GENERATOR;
          break;
        }
      }
    }
    break;
  }
  return NULL;
}

ir_file *al_lower_python(const al_source *src, const al_lower_ctx *ctx, char **err) {
  TSParser *p = ts_parser_new();
  if (!ts_parser_set_language(p, tree_sitter_python())) {
    ts_parser_delete(p);
    *err = al_fmt("internal error: tree-sitter-python ABI does not match the core");
    return NULL;
  }
  TSTree *tree = ts_parser_parse_string(p, NULL, src->text, (uint32_t)src->len);
  ts_parser_delete(p);
  if (!tree) {
    *err = al_fmt("tree-sitter could not parse the file");
    return NULL;
  }
  ir_file *f = ir_file_new(src, ctx->module);
  TSNode root = ts_tree_root_node(tree);
  f->parse_errors = ts_node_has_error(root);
  py_ctx c = {.names = {.f = f}, .module = ctx->module,
              .is_package_init = ctx->abs_path && al_ends_with(ctx->abs_path, "/__init__.py")};
  ts_walk w = {.f = f, .text = src->text, .lang = tree_sitter_python(), .user = &c};
  prebind_imports(&w, &c, root);
  ts_walk_run(&w, root, py_enter, NULL);
  free(w.frames);
  al_names_free(&c.names);
  ts_tree_delete(tree);
  return f;
}
