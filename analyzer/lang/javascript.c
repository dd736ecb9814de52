/* javascript: lowers a tree-sitter-javascript tree (ESM, CommonJS, JSX) into the async
 * IR: functions of every shape with their names, calls with resolved callees and use,
 * awaits, try/catch/finally, loops, ESM imports and require() bindings. */
#include <libgen.h>
#include <ctype.h>
#include <pthread.h>
#include <string.h>
#include <tree_sitter/api.h>

#include "frontend.h"
#include "kb.h"
#include "names.h"
#include "ts_walk.h"

const TSLanguage *tree_sitter_javascript(void);

typedef struct js_ctx {
  al_names names;
  const char *dir; /* directory of this file, for relative specifiers */
  ts_names stored;  /* locals assigned a call result: reads of them are lowered to USE */
  ts_names getters; /* names of the getters this file defines (`get config() {}`): reads of them are CALLs */
  bool promise_fields; /* TypeScript: fields declared as promises are lowered (promise_field) */
  bool member_aliases; /* an object literal's member aliases a function (`{ list: fetchAll }`) */
  const char *next_function_kw; /* the first `function` at or after the last body asked about (the walk
                                 * asks in source order: found once for all the bodies around it) */
  al_map types;    /* locals / this.x holding `new X()`: their method calls resolve to X's */
  al_map fn_types; /* TypeScript: locals / this.x typed as functions returning a promise or void
                    * (keyed as types; promise_fn_local, void_fn_local) */
  bool typescript; /* the TypeScript grammar: annotations are looked at */
  al_map returns;  /* TypeScript: function name -> js_return*, the class its return type names */
  const al_kb_section *globals; /* knowledge `global_objects`: `window.fetch()` is fetch() */
  al_map void_types; /* TypeScript: `type Fn = () => void` -> "Fn"; `interface P { on: () => void }` -> "P.on" */
  al_map aliases;  /* "<scope>\x1f<var>" -> dotted text: `const f = load` makes f() call load ("": not here) */
  bool project_imports; /* a relative specifier was seen: imports from files of the project */
  bool returns_imports; /* an import of a package the knowledge `returns` names: its calls may be typed */
  bool callback_apis;   /* an import of a package whose callbacks' parameters are typed (`callback_params`),
                         * or a call of a global one (`Deno.test`) */
  /* TypeScript: the file's top-level declarations by name, built on first need: "f:name"
   * -> TSNode* (a function's parameters), "t:name" -> TSNode* (an interface's or type
   * alias's body) */
  al_map top;
  bool top_built;
  const char *default_name; /* `export default Store;`, `module.exports = Store;`: the name exported */
  /* TypeScript: the overloads met so far of one name in one list of declarations (the
   * program, a class or interface body): TypeScript keeps them adjacent, and the walk
   * meets them in order (overload_run_add) */
  struct {
    uint32_t box_start, box_end; /* the list they are in */
    const char *name;
    ir_node *funcs[16];
    bool bodiless[16];
    uint32_t nf, ns;
    struct { uint32_t min, max; bool promise; } sig[16];
    uint32_t promise_fn; /* parameter positions (< 32) one of them types as returning a promise */
  } run;
} js_ctx;

/* `f(): Api` or `f(): Promise<Api>`: what `x = f()` or `x = await f()` holds. */
typedef struct js_return {
  al_binding type;
  bool promise; /* Api is what the promise resolves to */
  bool inferred; /* from its return statements, not a return type */
  bool mixed;    /* inferred, and its returns make different classes: none is known */
} js_return;

/* Nodes that leave the value as it is: parentheses, and TypeScript's `x as T`, `x!`,
 * `x satisfies T`, `<T>x`. */
static bool js_transparent(TSNode n) {
  const char *t = ts_node_type(n);
  switch (t[0]) {
  case 'p': return al_streq(t, "parenthesized_expression");
  case 'a': return al_streq(t, "as_expression");
  case 'n': return al_streq(t, "non_null_expression");
  case 's': return al_streq(t, "satisfies_expression");
  case 't': return al_streq(t, "type_assertion");
  default: return false;
  }
}

/* Normalizes a module specifier: relative ones become absolute paths without a JS
 * extension; `node:fs` becomes `fs`. */
static const char *norm_spec(ts_walk *w, js_ctx *c, const char *spec) {
  if (al_starts_with(spec, "node:")) return spec + 5;
  if (!(al_starts_with(spec, "./") || al_starts_with(spec, "../") || spec[0] == '/' || al_streq(spec, ".") ||
        al_streq(spec, "..")))
    return spec;
  c->project_imports = true;
  char *joined = spec[0] == '/' ? al_strdup(spec) : al_fmt("%s/%s", c->dir ? c->dir : ".", spec);
  /* Collapse "." and ".." segments in place. */
  char *segs[512];
  size_t n = 0;
  for (char *save = NULL, *s = strtok_r(joined, "/", &save); s; s = strtok_r(NULL, "/", &save)) {
    if (al_streq(s, ".")) continue;
    if (al_streq(s, "..")) {
      if (n) n--;
      continue;
    }
    if (n < 512) segs[n++] = s;
  }
  al_buf b = {0};
  for (size_t i = 0; i < n; i++) {
    al_buf_puts(&b, "/");
    al_buf_puts(&b, segs[i]);
  }
  size_t strip;
  const char *keep = b.data ? al_js_module_suffix(b.data, b.len, &strip, false) : NULL;
  if (keep) { /* `./a.js` is `/dir/a`, `./a.mjs` `/dir/a.mjs` (al_module_id's ids) */
    b.len -= strip;
    b.data[b.len] = 0;
    al_buf_puts(&b, keep);
  }
  const char *r = ir_str(w->f, b.data ? b.data : "/", b.data ? b.len : 1);
  al_buf_free(&b);
  free(joined);
  return r;
}

static const char *string_value(ts_walk *w, TSNode s) {
  /* A string node is quote + string_fragment + quote. */
  TSNode frag = ts_node_named_child(s, 0);
  if (ts_node_is_null(frag)) return "";
  return ts_text(w, frag);
}

/* A member expression's object and property: its first and last named children (an
 * optional chain `?.` sits between them), unless a comment is one of them. Cheaper than
 * ts_field, which scans the field map for each. */
static void member_parts(TSNode n, TSNode *object, TSNode *property) {
  uint32_t k = ts_node_named_child_count(n);
  *object = ts_node_named_child(n, 0);
  *property = k ? ts_node_named_child(n, k - 1) : (TSNode){0};
  if (k < 2 || ts_is(*object, "comment") || !(ts_is(*property, "property_identifier") || ts_is(*property, "private_property_identifier"))) {
    *object = ts_field(n, "object");
    *property = ts_field(n, "property");
  }
}

static const char *dotted(ts_walk *w, TSNode n) {
  TSNode parts[64];
  size_t k = 0;
  while (k < 63) {
    if (ts_is(n, "member_expression")) {
      TSNode object;
      member_parts(n, &object, &parts[k++]);
      n = object;
      continue;
    } else if (ts_is(n, "subscript_expression")) { /* `svc["load"]`: as svc.load */
      TSNode s = ts_field(n, "index"), frag = ts_node_named_child(s, 0);
      if (!ts_is(s, "string") || ts_node_named_child_count(s) != 1 || !ts_is(frag, "string_fragment")) break;
      uint32_t a = ts_node_start_byte(frag), e = ts_node_end_byte(frag);
      bool ident = a < e && !(w->text[a] >= '0' && w->text[a] <= '9');
      for (uint32_t i = a; i < e && ident; i++) {
        char ch = w->text[i];
        ident = ch == '_' || ch == '$' || (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9');
      }
      if (!ident) break;
      parts[k++] = frag;
    } else if (ts_is(n, "non_null_expression")) { /* TypeScript `a!.b`, `this.cb!`: as a.b, this.cb */
      n = ts_node_named_child(n, 0);
      continue;
    } else {
      break;
    }
    n = ts_field(n, "object");
  }
  /* into a buffer on the stack (a heap one only for a chain longer than it) */
  char stack[256];
  al_buf b = {0};
  size_t len = 0;
  bool head = ts_is(n, "identifier") || ts_is(n, "this") || ts_is(n, "super") || ts_is(n, "import");
  uint32_t hs = head ? ts_node_start_byte(n) : 0, he = head ? ts_node_end_byte(n) : 2;
  const char *ht = head ? w->text + hs : "()";
  if (he - hs < sizeof stack) {
    memcpy(stack, ht, he - hs);
    len = he - hs;
  } else {
    len = sizeof stack; /* a head longer than the buffer: the heap one */
  }
  for (size_t i = k; i-- > 0 && len < sizeof stack;) {
    uint32_t ps = ts_node_is_null(parts[i]) ? 0 : ts_node_start_byte(parts[i]);
    uint32_t pe = ts_node_is_null(parts[i]) ? 0 : ts_node_end_byte(parts[i]);
    if (len + 1 + (pe - ps) >= sizeof stack) len = sizeof stack;
    else {
      stack[len++] = '.';
      memcpy(stack + len, w->text + ps, pe - ps);
      len += pe - ps;
    }
  }
  if (len < sizeof stack) return ir_str(w->f, stack, len);
  al_buf_add(&b, ht, he - hs);
  while (k > 0) {
    TSNode p = parts[--k];
    al_buf_puts(&b, ".");
    if (!ts_node_is_null(p)) al_buf_add(&b, w->text + ts_node_start_byte(p), ts_node_end_byte(p) - ts_node_start_byte(p));
  }
  const char *r = ir_str(w->f, b.data, b.len);
  al_buf_free(&b);
  return r;
}

/* Each name an object pattern takes (`{ load, save: put }`) aliases that member of holder
 * (`holder.load`, `holder.save`); defaults, rest and nested patterns are skipped. */
static void alias_pattern_members(ts_walk *w, js_ctx *c, const ir_node *scope, TSNode pattern, const char *holder) {
  for (uint32_t i = 0, k = ts_node_named_child_count(pattern); i < k; i++) {
    TSNode p = ts_node_named_child(pattern, i), key = p, local = p;
    if (ts_is(p, "pair_pattern")) {
      key = ts_field(p, "key");
      local = ts_field(p, "value");
    } else if (!ts_is(p, "shorthand_property_identifier_pattern")) {
      continue;
    }
    if (!ts_is(local, "identifier") && !ts_is(local, "shorthand_property_identifier_pattern")) continue;
    if (!ts_is(key, "property_identifier") && !ts_is(key, "shorthand_property_identifier_pattern")) continue;
    const char *target = al_arena_fmt(&w->f->arena, "%s.%s", holder, ts_text(w, key));
    if (scope) ts_alias_bind_in(&c->aliases, scope, ts_text(w, local), target);
    else ts_alias_bind(w, &c->aliases, ts_text(w, local), target);
  }
}

/* `const f = load` / `f = api.load` (an identifier or a member chain): f() calls load in
 * this function (or at module level). Assigning f anything else ends it. */
static void bind_alias(ts_walk *w, js_ctx *c, TSNode name, TSNode value) {
  if (ts_is(name, "object_pattern") && !ts_node_is_null(value)) { /* `const { start, stop: end } = profiler` */
    if (!ts_is(value, "identifier") && !ts_is(value, "member_expression")) return;
    const char *holder = dotted(w, value);
    /* (a parameter's members are not known, unless its type is: `const { run } = props`
     * with `props: Props`) */
    if (strchr(holder, '(') ||
        (ts_is_param(w, holder) && !(c->typescript && c->types.len && ts_typed_var(w, &c->types, "this.", holder))))
      return;
    alias_pattern_members(w, c, NULL, name, holder);
    return;
  }
  if (!ts_is(name, "identifier") || ts_node_is_null(value)) return;
  const char *var = ts_text(w, name), *target = NULL;
  if (ts_is(value, "identifier") || ts_is(value, "member_expression")) {
    target = dotted(w, value);
    if (!strcmp(target, var) || strchr(target, '(') || ts_is_param(w, target)) target = NULL;
  }
  ts_alias_bind(w, &c->aliases, var, target);
}

/* `const api = { load: fetchAll, save }`: `api.load()` calls fetchAll and `api.save()`
 * save — the member aliases the function the pair names (key and value at level 0, the
 * object at level 1). */
static const char *object_member_name(ts_walk *w, size_t k, const char *key);

static void bind_member_alias(ts_walk *w, js_ctx *c, TSNode key, TSNode value) {
  if (!ts_is(value, "identifier") && !ts_is(value, "shorthand_property_identifier")) return;
  if (!ts_is(key, "property_identifier") && !ts_is(key, "shorthand_property_identifier")) return;
  ts_frame *obj = ts_up(w, 1);
  if (!obj || !ts_is(obj->node, "object")) return;
  const char *member = object_member_name(w, 1, ts_text(w, key));
  const char *target = ts_text(w, value);
  if (al_starts_with(member, "<object>.") || !strchr(member, '.') || ts_is_param(w, target)) return;
  const char *via = ts_alias_get(w, &c->aliases, target);
  if (strstr(member, "().")) { /* a factory's (`return { load }`): seen from the calls of the whole file */
    ts_alias_bind_in(&c->aliases, NULL, member, via ? via : target);
    /* and from other files': the factory's own function, declared above, is filed in
     * the index under the member too (`createStore().load`, what an importer's
     * `createStore().load()` or `s = createStore(); s.load()` calls) */
    const ir_node *fn = ts_enclosing_own(w, IR_FUNC);
    const char *own = via ? via : target;
    for (ir_node *x = fn ? fn->child : NULL; x; x = x->next) {
      ir_node *d = x->kind == IR_ASSIGN && x->child && x->child->kind == IR_FUNC ? x->child : x; /* `const load = async () => ...` */
      if (d->kind == IR_FUNC && !d->alias && al_streq(d->name, own)) {
        d->alias = member;
        break;
      }
    }
  } else
    ts_alias_bind(w, &c->aliases, member, via ? via : target);
  c->member_aliases = true;
}

static void add_import(ts_walk *w, js_ctx *c, ir_node *parent, TSNode at, const char *local, const char *mod,
                       const char *member) {
  al_names_bind(&c->names, local, mod, member);
  if (mod && mod[0] != '/' && !c->returns_imports) {
    const al_kb_section *r = al_kb_section_get(al_kb_for(AL_LANG_JS), "returns");
    const al_kb_section *cp = al_kb_section_get(al_kb_for(AL_LANG_JS), "callback_params");
    bool cb_api = cp && al_map_get(&cp->heads, mod);
    c->returns_imports = (r && al_map_get(&r->heads, mod)) || cb_api;
    c->callback_apis |= cb_api;
  }
  if (!parent) return;
  ir_node *imp = ir_add(w->f, parent, IR_IMPORT, ts_span(at));
  imp->name = mod;
  imp->member = member;
  imp->alias = local;
}

static void lower_esm_import(ts_walk *w, js_ctx *c, TSNode n, ir_node *parent) {
  TSNode src = ts_field(n, "source");
  if (ts_node_is_null(src)) return;
  const char *mod = norm_spec(w, c, string_value(w, src));
  uint32_t k = ts_node_named_child_count(n);
  for (uint32_t i = 0; i < k; i++) {
    TSNode clause = ts_node_named_child(n, i);
    if (!ts_is(clause, "import_clause")) continue;
    uint32_t m = ts_node_named_child_count(clause);
    for (uint32_t j = 0; j < m; j++) {
      TSNode x = ts_node_named_child(clause, j);
      if (ts_is(x, "identifier")) {
        /* A default import is bound to the whole module: x() resolves to its default
         * export and x.f() to its member f (CommonJS interop and Node built-ins). */
        add_import(w, c, parent, x, ts_text(w, x), mod, NULL);
      } else if (ts_is(x, "namespace_import")) {
        add_import(w, c, parent, x, ts_text(w, ts_node_named_child(x, 0)), mod, NULL);
      } else if (ts_is(x, "named_imports")) {
        uint32_t q = ts_node_named_child_count(x);
        for (uint32_t s = 0; s < q; s++) {
          TSNode spec = ts_node_named_child(x, s);
          if (!ts_is(spec, "import_specifier")) continue;
          TSNode name = ts_field(spec, "name"), alias = ts_field(spec, "alias");
          const char *nm = ts_is(name, "string") ? string_value(w, name) : ts_text(w, name);
          add_import(w, c, parent, spec, ts_node_is_null(alias) ? nm : ts_text(w, alias), mod, nm);
        }
      }
    }
  }
}

/* `const x = require('m')`, `const {a, b: c} = require('m')`, `const y = require('m').y`. */
static void lower_require(ts_walk *w, js_ctx *c, TSNode decl, ir_node *parent) {
  TSNode name = ts_field(decl, "name"), value = ts_field(decl, "value");
  const char *member = NULL;
  if (ts_is(value, "member_expression")) {
    member = ts_text(w, ts_field(value, "property"));
    value = ts_field(value, "object");
  }
  if (ts_is(value, "await_expression")) value = ts_node_named_child(value, 0);
  const char *mod = NULL;
  if (ts_is(value, "identifier") && c->names.map.len &&
      ((ts_is(name, "object_pattern") && !member) || (ts_is(name, "identifier") && member))) {
    /* `const { readFileSync } = fs`, `const expect = chai.expect` with fs / chai a package's
     * or builtin's module object (`import fs from 'node:fs'`, `import * as fs`,
     * `const fs = require('fs')`) */
    const char *nm, *mem;
    al_names_resolve(&c->names, ts_text(w, value), &nm, &mod, &mem);
    if (!mod || *mem || mod[0] == '/' || mod[0] == '.') return;
  } else {
    if (!ts_is(value, "call_expression")) return;
    TSNode fn = ts_field(value, "function");
    bool is_require = ts_is(fn, "identifier") && ts_node_end_byte(fn) - ts_node_start_byte(fn) == 7 &&
                      !strncmp(w->text + ts_node_start_byte(fn), "require", 7);
    bool is_import = ts_is(fn, "import");
    if (!is_require && !is_import) return;
    TSNode args = ts_field(value, "arguments");
    TSNode arg = ts_node_named_child(args, 0);
    if (!ts_is(arg, "string")) return;
    mod = norm_spec(w, c, string_value(w, arg));
  }
  if (ts_is(name, "identifier")) {
    add_import(w, c, parent, decl, ts_text(w, name), mod, member);
  } else if (ts_is(name, "object_pattern")) {
    uint32_t k = ts_node_named_child_count(name);
    for (uint32_t i = 0; i < k; i++) {
      TSNode p = ts_node_named_child(name, i);
      if (ts_is(p, "shorthand_property_identifier_pattern")) {
        const char *nm = ts_text(w, p);
        add_import(w, c, parent, p, nm, mod, member ? al_arena_fmt(&w->f->arena, "%s.%s", member, nm) : nm);
      } else if (ts_is(p, "pair_pattern")) {
        TSNode key = ts_field(p, "key"), val = ts_field(p, "value");
        if (!ts_is(val, "identifier")) continue;
        const char *nm = ts_text(w, key);
        add_import(w, c, parent, p, ts_text(w, val), mod,
                   member ? al_arena_fmt(&w->f->arena, "%s.%s", member, nm) : nm);
      }
    }
  }
}

static void prebind_imports(ts_walk *w, js_ctx *c, TSNode root) {
  uint32_t k = ts_node_named_child_count(root);
  for (uint32_t i = 0; i < k; i++) {
    TSNode ch = ts_node_named_child(root, i);
    if (ts_is(ch, "import_statement")) {
      lower_esm_import(w, c, ch, NULL);
    } else if (ts_is(ch, "lexical_declaration") || ts_is(ch, "variable_declaration")) {
      uint32_t m = ts_node_named_child_count(ch);
      for (uint32_t j = 0; j < m; j++) {
        TSNode d = ts_node_named_child(ch, j);
        if (ts_is(d, "variable_declarator")) lower_require(w, c, d, NULL);
      }
    }
  }
}

/* The name of member `key` of the object literal at frame k: `api.key` when the object
 * is stored in a variable, the bare key when it is exported (`module.exports = {...}`,
 * `export default {...}`: importers see its members by name), and `<object>.key`
 * otherwise (an argument, an array element...): a member of an object nobody names
 * must not answer for a module function called `key`. */
#define OBJECT_NAME_DEPTH 8 /* nested object literals named through their holders (`api.users.list`) */
#define FACTORY_NAME_MAX 128 /* factories named longer (nested ones: `a().b().c`) name their literals <object> */

static const char *object_member_name_at(ts_walk *w, size_t k, const char *key, int depth);

static const char *object_member_name(ts_walk *w, size_t k, const char *key) {
  return object_member_name_at(w, k, key, 0);
}

static const char *object_member_name_at(ts_walk *w, size_t k, const char *key, int depth) {
  ts_frame *d = ts_up(w, k + 1);
  size_t j = k + 1;
  while (d && ts_is(d->node, "parenthesized_expression")) d = ts_up(w, ++j);
  if (d && ts_is(d->node, "variable_declarator"))
    return al_arena_fmt(&w->f->arena, "%s.%s", ts_text(w, ts_field(d->node, "name")), key);
  if (d && ts_is(d->node, "export_statement")) return key;
  if (d && ts_is(d->node, "pair") && depth < OBJECT_NAME_DEPTH) { /* `const api = { db: { async query() {} } }`: api.db.query */
    ts_frame *outer = ts_up(w, j + 1);
    TSNode okey = ts_field(d->node, "key");
    if (outer && ts_is(outer->node, "object") && ts_is(okey, "property_identifier")) {
      const char *up = object_member_name_at(w, j + 1, ts_text(w, okey), depth + 1);
      if (!al_starts_with(up, "<object>.")) return al_arena_fmt(&w->f->arena, "%s.%s", up, key);
    }
  }
  if (d && (ts_is(d->node, "return_statement") || ts_is(d->node, "arrow_function"))) {
    /* a factory's object (`function makeClient() { return { async load() {} } }`, `const
     * make = () => ({...})`): `makeClient().load`, what a call of it holds */
    const ir_node *fn = ts_enclosing_own(w, IR_FUNC);
    if (fn && fn->name && !(fn->flags & IR_F_LAMBDA) && !strchr(fn->name, '<') && strlen(fn->name) < FACTORY_NAME_MAX &&
        (ts_is(d->node, "return_statement") || ts_node_eq(ts_field(d->node, "body"), ts_up(w, j - 1)->node)))
      return al_arena_fmt(&w->f->arena, "%s().%s", fn->name, key);
  }
  if (d && ts_is(d->node, "assignment_expression")) {
    const char *left = dotted(w, ts_field(d->node, "left"));
    if (al_streq(left, "module.exports") || al_starts_with(left, "module.exports.") || al_starts_with(left, "exports."))
      return key;
    return al_arena_fmt(&w->f->arena, "%s.%s", left, key);
  }
  return al_arena_fmt(&w->f->arena, "<object>.%s", key);
}

/* The name a function expression gets from where it stands. */
static const char *func_name(ts_walk *w, TSNode n, uint32_t *flags) {
  TSNode own = ts_field(n, "name");
  ts_frame *p = ts_up(w, 1);
  size_t k = 1;
  while (p && js_transparent(p->node)) p = ts_up(w, ++k);
  const char *pt = p ? ts_node_type(p->node) : "";
  if (ts_is(n, "method_definition") || ts_is(n, "method_signature") || ts_is(n, "abstract_method_signature")) {
    *flags |= IR_F_METHOD;
    const char *nm = ts_text(w, own);
    /* An object-literal method: name it after the variable holding the object. */
    ts_frame *obj = ts_up(w, 1);
    if (obj && ts_is(obj->node, "object")) return object_member_name(w, 1, nm);
    /* (asked only here: the walk up from a method of an object 100,000 levels deep was
     * quadratic) */
    ir_node *cls = ts_enclosing_own(w, IR_CLASS);
    return cls ? al_arena_fmt(&w->f->arena, "%s.%s", cls->name, nm) : nm;
  }
  if (!ts_node_is_null(own) && !ts_is(n, "function_expression")) return ts_text(w, own);
  if (al_streq(pt, "variable_declarator")) return ts_text(w, ts_field(p->node, "name"));
  if (al_streq(pt, "assignment_expression")) {
    const char *left = dotted(w, ts_field(p->node, "left"));
    if (al_streq(left, "module.exports")) return "default";
    const char *last = strrchr(left, '.');
    if (al_starts_with(left, "exports.") || al_starts_with(left, "module.exports.")) return last + 1;
    return left;
  }
  if (al_streq(pt, "pair")) {
    const char *key = ts_text(w, ts_field(p->node, "key"));
    ts_frame *obj = ts_up(w, k + 1);
    return obj && ts_is(obj->node, "object") ? object_member_name(w, k + 1, key) : key;
  }
  if (al_streq(pt, "export_statement")) return "default";
  /* a class field holding a function (`load = async () => {}`): a method of the class
   * for the calls through this (`this.load()`) */
  if ((al_streq(pt, "field_definition") || al_streq(pt, "public_field_definition")) &&
      ts_node_eq(ts_field(p->node, "value"), n)) {
    ir_node *cls = ts_enclosing_own(w, IR_CLASS);
    TSNode prop = ts_field(p->node, pt[0] == 'f' ? "property" : "name"); /* TypeScript's: name */
    if (cls && !ts_node_is_null(prop) && ts_is(prop, "property_identifier")) {
      *flags |= IR_F_METHOD;
      return al_arena_fmt(&w->f->arena, "%s.%s", cls->name, ts_text(w, prop));
    }
  }
  if (!ts_node_is_null(own)) return ts_text(w, own);
  *flags |= IR_F_LAMBDA;
  return NULL;
}

static bool is_exported(ts_walk *w) {
  for (size_t k = 1; k <= 3; k++) {
    ts_frame *p = ts_up(w, k);
    if (!p) return false;
    if (ts_is(p->node, "export_statement")) return true;
  }
  return false;
}

/* The node k-1 levels up (the call, or the parentheses around it) is truth-tested by
 * its parent at level k: the condition of if/while/do/for/ternary, the operand of `!`, the
 * left operand of &&, || or ?? (a promise is never falsy or nullish), or the right one
 * when the whole expression is itself truth-tested. */
static bool js_truth_tested(ts_walk *w, size_t k) {
  for (int guard = 0; guard < 64; guard++) {
    ts_frame *p = ts_up(w, k), *me = ts_up(w, k - 1);
    if (!p || !me) return false;
    const char *t = ts_node_type(p->node);
    if (al_streq(t, "if_statement") || al_streq(t, "while_statement") || al_streq(t, "do_statement") ||
        al_streq(t, "for_statement") || al_streq(t, "ternary_expression"))
      return ts_node_eq(ts_field(p->node, "condition"), me->node);
    if (al_streq(t, "unary_expression")) return ts_is(ts_field(p->node, "operator"), "!");
    if (al_streq(t, "binary_expression")) {
      TSNode op = ts_field(p->node, "operator");
      if (!ts_is(op, "&&") && !ts_is(op, "||") && !ts_is(op, "??")) return false;
      if (ts_node_eq(ts_field(p->node, "left"), me->node)) return true;
    } else if (!js_transparent(p->node)) {
      return false;
    }
    k++; /* the right operand / parentheses: truth-tested when the whole is */
  }
  return false;
}

/* The node k-1 levels up is dropped: it reaches an expression statement through
 * parentheses, a sequence (`a(), b()`), a branch of a ternary (`c ? p() : q()`) or the
 * right operand of &&, ||, ?? (`ready && start()`). */
static bool js_discarded(ts_walk *w, size_t k) {
  for (int guard = 0; guard < 64; guard++, k++) {
    ts_frame *p = ts_up(w, k), *me = ts_up(w, k - 1);
    if (!p || !me) return false;
    const char *t = ts_node_type(p->node);
    if (!strchr("epstban", t[0])) return false; /* most parents (arguments, member, declarator): one compare */
    if (al_streq(t, "expression_statement")) return true;
    /* (an array literal standing as a statement: `[save(a), save(b)];` drops them all) */
    if (js_transparent(p->node) || al_streq(t, "sequence_expression") || al_streq(t, "array")) continue;
    if (al_streq(t, "ternary_expression")) {
      if (ts_node_eq(ts_field(p->node, "condition"), me->node)) return false;
      continue;
    }
    if (al_streq(t, "binary_expression")) {
      TSNode op = ts_field(p->node, "operator");
      if ((!ts_is(op, "&&") && !ts_is(op, "||") && !ts_is(op, "??")) ||
          !ts_node_eq(ts_field(p->node, "right"), me->node))
        return false;
      continue;
    }
    return false;
  }
  return false;
}

/* Where a `break` / `continue` jumps: its label's statement, or the nearest loop (a
 * `break`: loop or switch). *to_switch: an unlabelled break that ends a switch;
 * *leaves: a `finally` block lies between the jump and its target (`break outer` from a
 * loop inside finally, a switch around the try). *from_handler: a finally or catch does. */
static void jump_target(ts_walk *w, TSNode n, bool is_break, bool *to_switch, bool *leaves, bool *from_handler) {
  *to_switch = *leaves = *from_handler = false;
  TSNode label = ts_field(n, "label");
  uint32_t ls = ts_node_is_null(label) ? 0 : ts_node_start_byte(label);
  uint32_t ll = ts_node_is_null(label) ? 0 : ts_node_end_byte(label) - ls;
  bool fin = false, handler = false;
  for (size_t k = 1;; k++) {
    ts_frame *p = ts_up(w, k);
    if (!p) return;
    const char *t = ts_node_type(p->node);
    if (strstr(t, "function") || strstr(t, "method") || al_streq(t, "class_body")) return; /* no target */
    if (al_streq(t, "finally_clause")) fin = handler = true;
    if (al_streq(t, "catch_clause")) handler = true;
    bool loop = al_streq(t, "for_statement") || al_streq(t, "for_in_statement") || al_streq(t, "while_statement") ||
                al_streq(t, "do_statement");
    bool target;
    if (ll) {
      TSNode pl = al_streq(t, "labeled_statement") ? ts_field(p->node, "label") : (TSNode){0};
      target = !ts_node_is_null(pl) && ts_node_end_byte(pl) - ts_node_start_byte(pl) == ll &&
               !memcmp(w->text + ts_node_start_byte(pl), w->text + ls, ll);
    } else {
      target = loop || (is_break && al_streq(t, "switch_statement"));
      *to_switch = target && !loop;
    }
    if (target) {
      *leaves = fin;
      *from_handler = handler;
      return;
    }
  }
}

static bool returns_promise_type(ts_walk *w, TSNode rt);

/* TypeScript: the declarator around a call assigned to a local is annotated with a
 * promise type (`const p: Promise<number> = load()`). */
static bool declared_promise(ts_walk *w) {
  size_t k = 1;
  ts_frame *p = ts_up(w, k);
  while (p && js_transparent(p->node)) p = ts_up(w, ++k);
  return p && ts_is(p->node, "variable_declarator") && returns_promise_type(w, ts_field(p->node, "type"));
}

/* The node k levels up is inside a TypeScript type (`type T = import("./x").T`,
 * `typeof import("./y").y`): what is written there never runs. */
static bool js_in_type(ts_walk *w, size_t k) {
  for (ts_frame *p = ts_up(w, k); p; p = ts_up(w, ++k)) {
    const char *t = ts_node_type(p->node);
    if (!strncmp(t, "type_", 5) || al_streq(t, "generic_type") || al_streq(t, "lookup_type") ||
        al_streq(t, "index_type_query") || al_streq(t, "extends_type_clause") || al_streq(t, "implements_clause"))
      return true;
    if (strstr(t, "statement") || strstr(t, "function") || al_streq(t, "program") || al_streq(t, "class_body"))
      return false;
  }
  return false;
}

/* How the node at level 0 is used as a value by its parent (through parentheses): turned
 * into text (FORMATTED: a template's `${...}` — not a tagged template's, whose tag gets the
 * value itself — or an operand of `+` beside a string or template literal), a property or
 * element read off it (ACCESSED: `p.x`, `p[0]`, `p.then(f)`: call_use tells then/catch/
 * finally and types apart), or an operand of a comparison or arithmetic operator
 * (OPERAND: `p === 1`, `p > 0`, `p * 2`; not &&, ||, ??: truth tests; not instanceof /
 * in, which ask about the object). IR_USE_NONE otherwise. One parent lookup. */
static ir_use js_value_use(ts_walk *w) {
  size_t k = 1;
  ts_frame *p = ts_up(w, k), *me = ts_up(w, 0);
  while (p && me && js_transparent(p->node)) me = p, p = ts_up(w, ++k);
  if (!p || !me) return IR_USE_NONE;
  const char *t = ts_node_type(p->node);
  switch (t[0]) {
  case 't': {
    if (strcmp(t, "template_substitution")) return IR_USE_NONE;
    ts_frame *tpl = ts_up(w, k + 1), *tag = ts_up(w, k + 2);
    return tpl && tag && ts_is(tag->node, "call_expression") ? IR_USE_NONE : IR_USE_FORMATTED;
  }
  case 'm':
    return al_streq(t, "member_expression") && ts_node_eq(ts_field(p->node, "object"), me->node) ? IR_USE_ACCESSED
                                                                                                 : IR_USE_NONE;
  case 's':
    return al_streq(t, "subscript_expression") && ts_node_eq(ts_field(p->node, "object"), me->node) ? IR_USE_ACCESSED
                                                                                                   : IR_USE_NONE;
  case 'b': {
    if (strcmp(t, "binary_expression")) return IR_USE_NONE;
    TSNode op = ts_field(p->node, "operator");
    if (ts_is(op, "+")) {
      TSNode l = ts_field(p->node, "left");
      TSNode other = ts_node_eq(l, me->node) ? ts_field(p->node, "right") : l;
      return ts_is(other, "string") || ts_is(other, "template_string") ? IR_USE_FORMATTED : IR_USE_OPERAND;
    }
    static const char *const ops[] = {"==", "===", "!=", "!==", "<", ">", "<=", ">=", "-", "*", "/", "%", "**", NULL};
    for (int i = 0; ops[i]; i++)
      if (ts_is(op, ops[i])) return IR_USE_OPERAND;
    return IR_USE_NONE;
  }
  default: return IR_USE_NONE;
  }
}

static ir_use call_use(ts_walk *w, const char **var) {
  size_t k = 1;
  ts_frame *p = ts_up(w, k);
  while (p && js_transparent(p->node)) p = ts_up(w, ++k);
  if (!p) return IR_USE_OTHER;
  ts_frame *me = ts_up(w, k - 1);
  const char *t = ts_node_type(p->node);
  if (js_discarded(w, k)) return IR_USE_DISCARDED;
  if (al_streq(t, "await_expression")) return IR_USE_AWAITED;
  if (al_streq(t, "return_statement")) return IR_USE_RETURNED;
  if (al_streq(t, "arrow_function")) return IR_USE_RETURNED; /* expression body */
  if (al_streq(t, "arguments") || al_streq(t, "spread_element") || al_streq(t, "array")) return IR_USE_PASSED;
  if (al_streq(t, "unary_expression")) {
    TSNode op = ts_field(p->node, "operator");
    if (ts_is(op, "void")) return IR_USE_VOIDED;
    return ts_is(op, "!") ? IR_USE_CONDITION : IR_USE_OTHER;
  }
  if (js_truth_tested(w, k)) return IR_USE_CONDITION;
  ir_use v = js_value_use(w); /* (member and element reads: below, with then/catch/finally and types) */
  if (v == IR_USE_FORMATTED || v == IR_USE_OPERAND) return v;
  if (al_streq(t, "ternary_expression") && !ts_node_eq(ts_field(p->node, "condition"), me->node)) {
    /* `const p = c ? load() : null`: a branch of the value assigned is assigned */
    size_t j = k + 1;
    ts_frame *q = ts_up(w, j), *qm = p;
    while (q && js_transparent(q->node)) qm = q, q = ts_up(w, ++j);
    if (q && ((ts_is(q->node, "variable_declarator") && ts_node_eq(ts_field(q->node, "value"), qm->node)) ||
              (ts_is(q->node, "assignment_expression") && ts_node_eq(ts_field(q->node, "right"), qm->node))))
      p = q, me = qm, t = ts_node_type(q->node);
    /* `(c ? load() : fetchAll()).then(f)`: a branch of what the chain is called on is chained */
    else if (q && ts_is(q->node, "member_expression") && ts_node_eq(ts_field(q->node, "object"), qm->node))
      p = q, me = qm, t = ts_node_type(q->node), k = j;
  }
  if (al_streq(t, "variable_declarator")) {
    TSNode nm = ts_field(p->node, "name");
    if (ts_is(nm, "object_pattern") || ts_is(nm, "array_pattern")) return IR_USE_ACCESSED; /* `const { x } = f()` */
    *var = ts_text(w, nm);
    return IR_USE_ASSIGNED;
  }
  if (al_streq(t, "assignment_expression") && ts_node_eq(ts_field(p->node, "right"), me->node)) {
    *var = ts_text(w, ts_field(p->node, "left"));
    return IR_USE_ASSIGNED;
  }
  if (al_streq(t, "member_expression") && ts_node_eq(ts_field(p->node, "object"), me->node)) {
    TSNode prop = ts_field(p->node, "property");
    ts_frame *q = ts_up(w, k + 1);
    if (q && ts_is(q->node, "call_expression")) {
      uint32_t s = ts_node_start_byte(prop), e = ts_node_end_byte(prop);
      const char *pn = w->text + s;
      size_t len = e - s;
      if ((len == 4 && !strncmp(pn, "then", 4)) || (len == 5 && !strncmp(pn, "catch", 5)) ||
          (len == 7 && !strncmp(pn, "finally", 7)))
        return IR_USE_CHAINED;
    }
    return js_in_type(w, k + 1) ? IR_USE_OTHER : IR_USE_ACCESSED; /* `type T = import("./x").T` */
  }
  if (al_streq(t, "subscript_expression") && ts_node_eq(ts_field(p->node, "object"), me->node)) {
    /* `p["catch"](f)` (code written for old engines, where catch was reserved): as p.catch(f) */
    TSNode s = ts_field(p->node, "index"), frag = ts_node_named_child(s, 0);
    ts_frame *q = ts_up(w, k + 1);
    if (q && ts_is(q->node, "call_expression") && ts_is(s, "string") && ts_is(frag, "string_fragment")) {
      uint32_t a = ts_node_start_byte(frag), e = ts_node_end_byte(frag);
      const char *pn = w->text + a;
      if ((e - a == 4 && !strncmp(pn, "then", 4)) || (e - a == 5 && !strncmp(pn, "catch", 5)) ||
          (e - a == 7 && !strncmp(pn, "finally", 7)))
        return IR_USE_CHAINED;
    }
    return IR_USE_ACCESSED;
  }
  return IR_USE_OTHER;
}

/* For `xs.map(f)` / `xs.flatMap(f)` / `Array.from(xs, f)`: the collection text (what
 * one promise per item is made from), else NULL. */
static const char *map_iter(ts_walk *w, TSNode call) {
  TSNode fn = ts_field(call, "function");
  if (ts_is(fn, "member_expression")) {
    TSNode prop = ts_field(fn, "property");
    const char *pn = ts_text(w, prop);
    if (al_streq(pn, "map") || al_streq(pn, "flatMap")) return ts_text_short(w, ts_field(fn, "object"), 80);
    if (al_streq(pn, "from") && ts_is(ts_field(fn, "object"), "identifier") &&
        !strcmp(ts_text(w, ts_field(fn, "object")), "Array")) {
      TSNode first = ts_node_named_child(ts_field(call, "arguments"), 0);
      return ts_node_is_null(first) ? NULL : ts_text_short(w, first, 80);
    }
  }
  return NULL;
}

/* Whether the expression could evaluate to an Error object (ESLint's couldBeError):
 * names, calls, `new`, members, `await`/`yield` could; literals, templates, object and
 * array literals, functions, classes, `undefined`, and what arithmetic, unary and
 * comparison operators make cannot. Logical and conditional expressions could when an
 * operand that may be their value could. Unknown shapes could (no finding). */
static bool could_be_error(ts_walk *w, TSNode n, int depth) {
  if (ts_node_is_null(n) || depth > 32) return true;
  const char *t = ts_node_type(n);
  /* the common arguments first: a name, a member, a call (every argument is asked) */
  if (al_streq(t, "identifier")) return strcmp(ts_text(w, n), "undefined") != 0;
  if (al_streq(t, "member_expression") || al_streq(t, "call_expression")) return true;
  static const char *const never[] = {"number", "string", "template_string", "regex", "true", "false", "null",
                                      "undefined", "array", "object", "arrow_function", "function_expression",
                                      "function", "class", "unary_expression", "update_expression", NULL};
  for (int i = 0; never[i]; i++)
    if (!strcmp(t, never[i])) return false;
  if (al_streq(t, "parenthesized_expression")) return could_be_error(w, ts_node_named_child(n, 0), depth + 1);
  if (al_streq(t, "sequence_expression")) {
    uint32_t k = ts_node_named_child_count(n);
    return k ? could_be_error(w, ts_node_named_child(n, k - 1), depth + 1) : true;
  }
  if (al_streq(t, "ternary_expression"))
    return could_be_error(w, ts_field(n, "consequence"), depth + 1) ||
           could_be_error(w, ts_field(n, "alternative"), depth + 1);
  if (al_streq(t, "assignment_expression")) return could_be_error(w, ts_field(n, "right"), depth + 1);
  if (al_streq(t, "binary_expression") || al_streq(t, "augmented_assignment_expression")) {
    TSNode op = ts_field(n, "operator");
    const char *o = ts_node_is_null(op) ? "" : ts_node_type(op);
    bool aug = t[0] == 'a';
    if (!strcmp(o, aug ? "&&=" : "&&")) return could_be_error(w, ts_field(n, "right"), depth + 1);
    if (!strcmp(o, aug ? "||=" : "||") || !strcmp(o, aug ? "?\?=" : "?\?"))
      return could_be_error(w, ts_field(n, "left"), depth + 1) || could_be_error(w, ts_field(n, "right"), depth + 1);
    return false; /* arithmetic, comparison, `in`, `instanceof`: a number, string or boolean */
  }
  return true;
}

static bool resolve_typed(ts_walk *w, js_ctx *c, const char *text, ir_node *call);

static void lower_args(ts_walk *w, js_ctx *c, ir_node *call, TSNode args) {
  if (ts_node_is_null(args) || !ts_is(args, "arguments")) return;
  uint32_t k = ts_node_named_child_count(args);
  call->args = al_arena_alloc(&w->f->arena, (k ? k : 1) * sizeof *call->args);
  for (uint32_t i = 0; i < k; i++) {
    TSNode a = ts_node_named_child(args, i);
    if (ts_is(a, "comment")) continue;
    ir_arg *x = &call->args[call->nargs++];
    if (ts_is(a, "spread_element")) {
      x->flags |= IR_ARG_SPREAD;
      a = ts_node_named_child(a, 0);
    }
    const char *t = ts_node_is_null(a) ? "" : ts_node_type(a);
    if (al_streq(t, "null") || al_streq(t, "undefined")) x->flags |= IR_ARG_NULL;
    else if (al_streq(t, "arrow_function") || al_streq(t, "function_expression")) x->flags |= IR_ARG_LAMBDA;
    else if (al_streq(t, "number") || al_streq(t, "string") || al_streq(t, "template_string") ||
             al_streq(t, "array") || al_streq(t, "true") || al_streq(t, "false"))
      x->flags |= IR_ARG_LITERAL;
    else if (al_streq(t, "call_expression")) {
      const char *iter = map_iter(w, a);
      if (iter) {
        x->flags |= IR_ARG_COMPREHENSION;
        x->iter = iter;
      }
    }
    if (!(x->flags & IR_ARG_SPREAD) && !could_be_error(w, a, 0)) x->flags |= IR_ARG_NOT_ERROR;
    x->text = ts_node_is_null(a) ? "" : ts_text_short(w, a, 60);
    if (al_streq(t, "member_expression") && c->types.len && !al_starts_with(x->text, "this.") &&
        !strpbrk(x->text, "()[")) { /* `s.save` with `s = new Svc()`: Svc.save */
      ir_node r = {0};
      if (resolve_typed(w, c, x->text, &r)) x->ref_module = r.module, x->ref_member = r.member;
    }
  }
}

/* `var = new X(...)` (var a local or this.x): var holds an X. `var = await f(...)`:
 * var holds the type the knowledge gives for what f's promise resolves to (`resolves`):
 * `const res = await fetch(url)` makes `res.json()` a Response method. */
static bool resolve_typed(ts_walk *w, js_ctx *c, const char *text, ir_node *call);

/* The class `new C(...)` makes, resolved through the imports (*mod NULL: this file's);
 * false when C is not a plain or dotted name. */
static bool new_ctor(ts_walk *w, js_ctx *c, TSNode value, const char **nm, const char **mod, const char **mem) {
  TSNode ctor = ts_field(value, "constructor");
  if (!ts_is(ctor, "identifier") && !ts_is(ctor, "member_expression")) return false;
  const char *text = dotted(w, ctor);
  if (strchr(text, '(')) return false;
  al_names_resolve(&c->names, text, nm, mod, mem);
  return true;
}

/* name is a global the knowledge `returns` types (entries marked `global`: Jest's `expect`). */
static bool global_returns(const char *name) {
  const al_kb_entry *g = al_kb_find(al_kb_for(AL_LANG_JS), "returns", name);
  return g && al_kb_attr(g, "global");
}

/* What a call of a package API returns, by knowledge `returns` (a type name), through
 * chains of such calls: `createClient()`, `client.db(name)` on a typed local,
 * `client.db(name).collection(c)`; NULL when unknown. */
static const char *required_module(ts_walk *w, js_ctx *c, TSNode fn);

static const char *known_result_type(ts_walk *w, js_ctx *c, TSNode call, int depth) {
  if (depth > 4 || !ts_is(call, "call_expression")) return NULL;
  TSNode fn = ts_field(call, "function");
  const char *name = NULL;
  if (ts_is(fn, "call_expression")) { /* `require('knex')(config)`: the package's export called */
    const char *m = required_module(w, c, fn);
    if (!m || m[0] == '/') return NULL;
    name = m;
  }
  if (ts_is(fn, "member_expression")) {
    TSNode obj = ts_field(fn, "object"), prop = ts_field(fn, "property");
    while (ts_is(obj, "parenthesized_expression")) obj = ts_node_named_child(obj, 0);
    if (ts_is(obj, "call_expression")) {
      const char *t = known_result_type(w, c, obj, depth + 1);
      if (!t || !ts_is(prop, "property_identifier")) return NULL;
      name = al_arena_fmt(&w->f->arena, "%s.%s", t, ts_text(w, prop));
    } else if (ts_is(obj, "new_expression")) { /* `new MongoClient(u).db(name)`: a method of a package class */
      const char *nm, *mod, *mem;
      if (!ts_is(prop, "property_identifier") || !new_ctor(w, c, obj, &nm, &mod, &mem) || !mod || mod[0] == '/' ||
          !*mem)
        return NULL;
      name = al_arena_fmt(&w->f->arena, "%s.%s", nm, ts_text(w, prop));
    }
  }
  if (!name) {
    if (!ts_is(fn, "identifier") && !ts_is(fn, "member_expression")) return NULL;
    const char *text = dotted(w, fn), *nm, *mod, *mem;
    if (strchr(text, '(')) return NULL;
    al_names_resolve(&c->names, text, &nm, &mod, &mem);
    ir_node typed = {0};
    if (mod && mod[0] != '/') name = nm;
    else if (!mod && resolve_typed(w, c, text, &typed)) name = typed.name;
    else if (!mod && !strchr(text, '.') && !ts_is_param(w, text) && global_returns(text))
      name = text; /* a global the knowledge types */
    if (!name) return NULL;
  }
  const al_kb_entry *e = al_kb_match(al_kb_for(AL_LANG_JS), "returns", name);
  return e ? al_kb_attr(e, "type") : NULL;
}

/* What `new C(...)` makes when C is a package's class (`new pg.Pool()`: pg.Pool; a
 * default export the knowledge names: `new Redis()` from ioredis), or NULL. */
static const char *package_new_type(ts_walk *w, js_ctx *c, TSNode value) {
  const char *nm, *mod, *mem;
  if (!ts_is(value, "new_expression") || !new_ctor(w, c, value, &nm, &mod, &mem) || !mod || mod[0] == '/') return NULL;
  if (*mem) return nm;
  const al_kb_entry *e = al_kb_find(al_kb_for(AL_LANG_JS), "default_classes", mod);
  return e ? al_kb_attr(e, "type") : NULL;
}

/* `new Repo()` of a class of the project (this file's, or imported from another):
 * x (a module-level ASSIGN) gets where the class is, so that importers' `repo.save()`
 * resolves to Repo.save. */
static void project_new_class(ts_walk *w, js_ctx *c, TSNode value, ir_node *x) {
  const char *nm, *mod, *mem;
  if (!new_ctor(w, c, value, &nm, &mod, &mem) || (mod && (mod[0] != '/' || !*mem))) return;
  x->module = mod ? mod : w->f->module;
  x->member = mod ? mem : nm;
}

/* What importers call a module-level value (or a class's static field) as: the type of
 * a package's class made with new or of a call the knowledge types (x->type), or where a
 * project class made with new is (x->module/member). Nothing set when unknown. */
static void value_type(ts_walk *w, js_ctx *c, TSNode val, ir_node *x) {
  const char *type = ts_is(val, "new_expression") ? package_new_type(w, c, val) : known_result_type(w, c, val, 0);
  if (type) x->type = ir_str(w->f, type, strlen(type));
  else if (ts_is(val, "new_expression")) project_new_class(w, c, val, x); /* `new Repo()` */
}

static void bind_new_var(ts_walk *w, js_ctx *c, const char *var, TSNode value);
static void resolve_callee(ts_walk *w, js_ctx *c, TSNode fn, const char *text, ir_node *call, bool is_new);
static const char *awaited_type(ts_walk *w, js_ctx *c, TSNode call, int depth);

/* `const { findByText, getByRole: get } = render(<App />)` with render's result of a known
 * type: the value is typed under a name no code can write (`@d` and its offset), and each
 * name the pattern takes aliases that name's member, so `findByText(t)` resolves as
 * `view.findByText(t)` would. */
static void bind_destructured_result(ts_walk *w, js_ctx *c, TSNode pattern, TSNode value) {
  TSNode v = ts_is(value, "await_expression") ? ts_node_named_child(value, 0) : value;
  if (!ts_is(v, "call_expression")) return;
  const char *var = al_arena_fmt(&w->f->arena, "@d%u", ts_node_start_byte(pattern));
  bind_new_var(w, c, var, value);
  if (!ts_typed_var(w, &c->types, "this.", var)) return;
  alias_pattern_members(w, c, NULL, pattern, var);
}

static void bind_new(ts_walk *w, js_ctx *c, TSNode left, TSNode value) {
  if (c->returns_imports && !ts_node_is_null(value) && ts_is(left, "object_pattern"))
    bind_destructured_result(w, c, left, value);
  if (ts_node_is_null(value) || (!ts_is(left, "identifier") && !ts_is(left, "member_expression"))) return;
  bind_new_var(w, c, dotted(w, left), value);
}

/* A class's pre-pass: `this.x = new Pool()` (or a call, or an await of one) in a method
 * binds x's type for every method of the class, the ones written above it too. */
static void prebind_this_attr(ts_walk *w, void *seen, TSNode st) {
  js_ctx *c = w->user;
  TSNode a = ts_node_named_child(st, 0);
  TSNode left = ts_field(a, "left"), right = ts_field(a, "right");
  if (!ts_is(a, "assignment_expression") || !ts_is(left, "member_expression")) return;
  if (!ts_is(ts_field(left, "object"), "this") || !ts_is(ts_field(left, "property"), "property_identifier")) return;
  if (!ts_is(right, "new_expression") && !ts_is(right, "call_expression") && !ts_is(right, "await_expression")) return;
  const char *var = dotted(w, left);
  al_binding *before = ts_typed_var(w, &c->types, "this.", var);
  bind_new_var(w, c, var, right);
  ts_prebind_settle(w, &c->types, seen, "this.", var, before);
}

/* value is `require('m')(...)` for a package m the knowledge `returns` types (knex's
 * `require('knex')(config)`): the file imports a typed package, as an import of it says. */
static void note_required_call(ts_walk *w, js_ctx *c, TSNode value) {
  if (c->returns_imports || ts_node_is_null(value) || strncmp(w->text + ts_node_start_byte(value), "require(", 8) ||
      !ts_is(value, "call_expression") || !ts_is(ts_field(value, "function"), "call_expression"))
    return;
  const char *m = required_module(w, c, ts_field(value, "function"));
  const al_kb_section *r = m && m[0] != '/' ? al_kb_section_get(al_kb_for(AL_LANG_JS), "returns") : NULL;
  if (r && al_map_get(&r->heads, m)) c->returns_imports = true;
}

/* var (a local, or this.x) = value */
static void bind_new_var(ts_walk *w, js_ctx *c, const char *var, TSNode value) {
  const char *key = NULL;
  note_required_call(w, c, value);
  if (ts_is(value, "await_expression")) {
    value = ts_node_named_child(value, 0);
    key = "resolves";
  }
  bool call = ts_is(value, "call_expression");
  if (!call && (key || !ts_is(value, "new_expression"))) return;
  if (call && !key && !c->returns.len && !c->project_imports && !c->returns_imports)
    return; /* nothing to type it by */
  const char *name, *mod, *mem;
  const char *callee = dotted(w, ts_field(value, call ? "function" : "constructor"));
  al_names_resolve(&c->names, callee, &name, &mod, &mem);
  if (call && !key && c->returns_imports && (!mod || mod[0] != '/')) { /* `client = createClient()` (knowledge `returns`) */
    const char *type = known_result_type(w, c, value, 0);
    if (type && (!strchr(var, '.') || al_starts_with(var, "this.")))
      ts_bind_type(w, &c->types, ts_scope(w), "this.", var, NULL, ir_str(w->f, type, strlen(type)));
    if (type) return;
  }
  if (call && !key && !c->returns.len && !(mod && mod[0] == '/')) return; /* (as `defer` below) */
  if (strchr(var, '.') && !al_starts_with(var, "this.")) return;
  if (strchr(var, '.') && strchr(strchr(var, '.') + 1, '.')) return; /* this.a.b */
  ir_node typed = {0};
  if (call && !mod && resolve_typed(w, c, callee, &typed)) name = typed.name; /* `await pool.connect()` */
  js_return *rb = call && c->returns.len ? al_map_get(&c->returns, name) : NULL; /* `f(): Promise<Api>` above */
  if (rb && rb->mixed) return;
  if (rb) {
    if (rb->promise == (key != NULL))
      ts_bind_type(w, &c->types, ts_scope(w), "this.", var, rb->type.module, rb->type.member);
    return;
  }
  /* a function imported from a file of the project (its module a resolved path, not a
   * package: `express()`, `require(...)` keep what the knowledge says of them): var
   * holds what it returns (or its promise resolves to), which the index reads from the
   * function's return type (`makeRepo().save`) */
  bool defer = call && mod && mod[0] == '/' && *mem && !strchr(callee, '(') && !ts_is_param(w, callee);
  /* `Child.create()` of a class of this file that inherits create: the index follows the
   * bases (and a factory returning `new this()` makes the Child) */
  if (call && !mod && !defer && !strchr(callee, '(') && strchr(callee, '.') && callee[0] >= 'A' && callee[0] <= 'Z' &&
      !strchr(strchr(callee, '.') + 1, '.')) {
    defer = true;
    mem = name;
  }
  if (call && !key) {
    if (defer)
      ts_bind_type(w, &c->types, ts_scope(w), "this.", var, mod, al_arena_fmt(&w->f->arena, "%s()", mem));
    return;
  }
  if (key) {
    const al_kb_entry *e = al_kb_match(al_kb_for(AL_LANG_JS), key, name);
    const char *type = e ? al_kb_attr(e, "type") : NULL;
    if (!type && call && strchr(callee, '(')) type = awaited_type(w, c, value, 0); /* `await new Pool().connect()` */
    if (type) ts_bind_type(w, &c->types, ts_scope(w), "this.", var, NULL, ir_str(w->f, type, strlen(type)));
    else if (defer)
      ts_bind_type(w, &c->types, ts_scope(w), "this.", var, mod, al_arena_fmt(&w->f->arena, "%s(await)", mem));
    return;
  }
  if (!call && !mod && c->types.len) { /* `new User()` with `const User = mongoose.model(...)`: its instances */
    al_binding *cb = ts_typed_var(w, &c->types, "this.", callee);
    const al_kb_entry *e = cb && !cb->module && cb->member ? al_kb_find(al_kb_for(AL_LANG_JS), "instance_types", cb->member)
                                                            : NULL;
    const char *type = e ? al_kb_attr(e, "type") : NULL;
    if (type) {
      ts_bind_type(w, &c->types, ts_scope(w), "this.", var, NULL, ir_str(w->f, type, strlen(type)));
      return;
    }
  }
  if (!*mem && mod) { /* `new mod()`: the module's default export, a class the knowledge may name */
    if (mod[0] == '/') { /* a project file's: its methods are "default.m" there (index) */
      ts_bind_type(w, &c->types, ts_scope(w), "this.", var, mod, "default");
      return;
    }
    const al_kb_entry *e = al_kb_find(al_kb_for(AL_LANG_JS), "default_classes", mod);
    const char *type = e ? al_kb_attr(e, "type") : NULL;
    if (type) ts_bind_type(w, &c->types, ts_scope(w), "this.", var, NULL, ir_str(w->f, type, strlen(type)));
    return;
  }
  ts_bind_type(w, &c->types, ts_scope(w), "this.", var, mod, mod ? mem : name);
}

/* The object literal o (or `(o)`) has a function member: a method, a function or arrow
 * value, or a shorthand naming a function declared in the function around it. */
static bool object_has_functions(ts_walk *w, js_ctx *c, TSNode o) {
  while (ts_is(o, "parenthesized_expression")) o = ts_node_named_child(o, 0);
  uint32_t k = ts_node_named_child_count(o);
  for (uint32_t i = 0; i < k; i++) {
    TSNode m = ts_node_named_child(o, i);
    if (ts_is(m, "method_definition")) return true;
    if (ts_is(m, "pair")) {
      TSNode v = ts_field(m, "value");
      if (ts_is(v, "arrow_function") || ts_is(v, "function_expression") || ts_is(v, "function")) return true;
    } else if (ts_is(m, "shorthand_property_identifier") && ts_alias_get(w, &c->aliases, ts_text(w, m))) {
      return true;
    }
  }
  return false;
}

/* A function without a return type returns what its return statements make: `return
 * new Repo()`, `return new this()` / `return this` in a method (its class), or a local
 * holding one (`const c = new Conn(); await c.open(); return c`). Calls of it then hold
 * that class (`makeRepo().save()`, `const c = await Conn.create(); c.close()`), as a
 * `: Repo` annotation says. Returns making different classes make none. */
static void infer_return(ts_walk *w, js_ctx *c, TSNode e) {
  ir_node *fn = ts_enclosing_own(w, IR_FUNC);
  if (!fn || ts_node_is_null(e) || (fn->flags & IR_F_GENERATOR)) return;
  js_return *rb = fn->name && c->returns.len ? al_map_get(&c->returns, fn->name) : NULL;
  if ((rb && (!rb->inferred || rb->mixed)) || (fn->member && !rb)) return; /* annotated */
  const ir_node *cls = fn->parent && fn->parent->kind == IR_CLASS && fn->parent->name ? fn->parent : NULL;
  const char *name, *mod = NULL, *mem = NULL;
  bool receiver = false; /* `new this()` / `this`: the class it is called on, a subclass too */
  if (ts_is(e, "new_expression")) {
    TSNode ctor = ts_field(e, "constructor");
    if (ts_is(ctor, "this")) {
      if (!cls) return;
      al_names_resolve(&c->names, cls->name, &name, &mod, &mem);
      receiver = true;
    } else if (ts_is(ctor, "identifier") || ts_is(ctor, "member_expression")) {
      al_names_resolve(&c->names, dotted(w, ctor), &name, &mod, &mem);
      if (mod && !*mem) return; /* a module's default export */
    } else {
      return;
    }
  } else if (ts_is(e, "object") || (ts_is(e, "parenthesized_expression") && ts_is(ts_node_named_child(e, 0), "object"))) {
    /* a factory's object literal with functions: its members are named `f().m`
     * (object_member_name) */
    if (!fn->name || (fn->flags & IR_F_LAMBDA) || strchr(fn->name, '<') || strlen(fn->name) >= FACTORY_NAME_MAX ||
        !object_has_functions(w, c, e))
      return;
    name = mem = al_arena_fmt(&w->f->arena, "%s()", fn->name);
  } else if (ts_is(e, "this")) {
    if (!cls || (fn->flags & IR_F_LAMBDA)) return;
    al_names_resolve(&c->names, cls->name, &name, &mod, &mem);
    receiver = true;
  } else if (ts_is(e, "identifier")) {
    al_binding *b = c->types.len ? ts_typed_var(w, &c->types, "this.", ts_text(w, e)) : NULL;
    if (!b || !b->member || strchr(b->member, '(')) return;
    name = mem = b->member, mod = b->module;
  } else {
    return;
  }
  const char *type = mod ? mem : name;
  if (!type || !*type) return;
  if (rb) { /* a second return: the same class, or none */
    al_return_again(fn, &rb->type, &rb->mixed, mod, type, receiver);
    return;
  }
  if (fn->member) return;
  fn->module = mod; /* for other files, and calls above the function: the index reads it */
  fn->member = type;
  if (receiver) fn->flags |= IR_F_RETURNS_RECEIVER;
  if (fn->name && !(fn->flags & IR_F_LAMBDA)) { /* for the calls below it */
    rb = al_arena_alloc(&w->f->arena, sizeof *rb);
    memset(rb, 0, sizeof *rb);
    rb->type = (al_binding){mod, type};
    rb->promise = (fn->flags & IR_F_ASYNC) != 0;
    rb->inferred = true;
    al_map_put(&c->returns, fn->name, rb);
  }
}

/* `require('m').f` as a callee: the module m (NULL when the chain does not start there). */
static const char *required_module(ts_walk *w, js_ctx *c, TSNode fn) {
  while (ts_is(fn, "member_expression")) fn = ts_field(fn, "object");
  if (!ts_is(fn, "call_expression")) return NULL;
  TSNode f = ts_field(fn, "function");
  if (!ts_is(f, "identifier") || ts_node_end_byte(f) - ts_node_start_byte(f) != 7 ||
      strncmp(w->text + ts_node_start_byte(f), "require", 7))
    return NULL;
  TSNode arg = ts_node_named_child(ts_field(fn, "arguments"), 0);
  return ts_is(arg, "string") ? norm_spec(w, c, string_value(w, arg)) : NULL;
}

/* What a function's local typed as a function returning a promise (`let load: () =>
 * Promise<T>`) is bound to in js_ctx.fn_types: a call of it is a promise (its type),
 * whatever it holds. (A module-level one is lowered as a bodiless function: lower_fn_typed.) */
static const char promise_fn_local[] = "() => Promise";
/* ... and a local or field typed as a function returning void (`let onDone: () => void`,
 * `handler: Fn` with `type Fn = () => void`): an async function assigned to it later
 * (`onDone = async () => {...}`, `this.handler = async () => {...}`) is one whose promise
 * its callers ignore. */
static const char void_fn_local[] = "() => void";

/* Resolves `x.m` / `this.x.m` through a typed receiver; false when the head is untyped. */
static bool resolve_typed(ts_walk *w, js_ctx *c, const char *text, ir_node *call) {
  const char *dot = strchr(text, '.');
  /* `this.load()` with a field or parameter property `load: Loader` */
  bool this_field = dot && al_starts_with(text, "this.") && !strchr(dot + 1, '.');
  if (!dot && c->fn_types.len) { /* `let load: () => Promise<T>` in a function: a promise, whatever it holds */
    al_binding *f = ts_typed_var(w, &c->fn_types, "this.", text);
    if (f && f->member == promise_fn_local) {
      call->type = "Promise";
      return false;
    }
  }
  if ((!dot || this_field) && (c->typescript || (!dot && c->returns_imports)) && c->types.len &&
      (isalpha((unsigned char)text[0]) || text[0] == '_' || text[0] == '$')) {
    /* `load()` with `load: Loader`: the function type's (a type alias, see IR_FUNC); in
     * JavaScript a package's value called (`db('users')` with `db = knex(config)`) */
    al_binding *b = ts_typed_var(w, &c->types, "this.", text);
    bool ok = b && b->member && !strpbrk(b->member, c->typescript ? "().[<" : "()[<");
    if (!c->typescript && ok && (b->module ? b->module[0] == '/' : !strchr(b->member, '.')))
      ok = false; /* (a package's type: `knex.Knex`, bound without a module) */
    if (!ok) return false; /* (JavaScript: `!dot` here, nothing more to try) */
    call->module = b->module;
    call->member = b->member;
    call->name = b->module ? al_arena_fmt(&w->f->arena, "%s.%s", b->module, b->member) : b->member;
    call->flags |= IR_F_TYPED_CALLEE;
    return true;
  }
  if (!dot) return false;
  if (al_starts_with(text, "this.")) dot = strchr(dot + 1, '.');
  if (!dot || (size_t)(dot - text) >= 256) return false;
  char head[256];
  memcpy(head, text, (size_t)(dot - text));
  head[dot - text] = 0;
  al_binding *b = ts_typed_var(w, &c->types, "this.", head);
  const char *d2 = b || al_starts_with(text, "this.") ? NULL : strchr(dot + 1, '.');
  if (d2 && (size_t)(d2 - text) < sizeof head) { /* `Services.pool.query`: a static field */
    memcpy(head, text, (size_t)(d2 - text));
    head[d2 - text] = 0;
    if ((b = ts_typed_var(w, &c->types, "this.", head))) dot = d2;
  }
  if (!b) return false;
  call->module = b->module;
  call->member = al_arena_fmt(&w->f->arena, "%s%s", b->member, dot);
  call->name = b->module ? al_arena_fmt(&w->f->arena, "%s.%s", b->module, call->member) : call->member;
  return true;
}

/* n, a call_expression, is TypeScript's `await f<T>(x)` as the grammar parses it: a
 * call of `await f` with type arguments. */
static bool typed_await_callee(TSNode n) {
  return ts_is(ts_field(n, "function"), "await_expression") && !ts_node_is_null(ts_field(n, "type_arguments"));
}

/* In a script (CommonJS) `await (0, x.f)(a)` parses as a call of a function named
 * `await`; tree-sitter cannot know the file is not a module. */
static bool is_await_call(ts_walk *w, TSNode n) {
  if (!ts_is(n, "call_expression")) return false;
  TSNode fn = ts_field(n, "function");
  return ts_is(fn, "identifier") && ts_node_end_byte(fn) - ts_node_start_byte(fn) == 5 &&
         !strncmp(w->text + ts_node_start_byte(fn), "await", 5);
}

/* `new Svc(a).load()`: the method of the class constructed in place, as `s = new Svc(a);
 * s.load()` resolves it (false for anything else). */
static bool resolve_new_receiver(ts_walk *w, js_ctx *c, const char *text, TSNode fn, ir_node *call) {
  if (text[0] != '(' || text[1] != ')' || text[2] != '.' || !ts_is(fn, "member_expression")) return false;
  TSNode obj = ts_field(fn, "object"), prop = ts_field(fn, "property");
  while (ts_is(obj, "parenthesized_expression")) obj = ts_node_named_child(obj, 0);
  if (!ts_is(obj, "new_expression") || !ts_is(prop, "property_identifier")) return false;
  TSNode ctor = ts_field(obj, "constructor");
  if (!ts_is(ctor, "identifier") && !ts_is(ctor, "member_expression")) return false;
  const char *name, *mod, *mem;
  al_names_resolve(&c->names, dotted(w, ctor), &name, &mod, &mem);
  if (!*mem && mod) return false; /* a module's default export: its class is not known here */
  call->module = mod;
  call->member = al_arena_fmt(&w->f->arena, "%s.%s", mod ? mem : name, ts_text(w, prop));
  call->name = mod ? al_arena_fmt(&w->f->arena, "%s.%s", mod, call->member) : call->member;
  return true;
}

/* What the knowledge says the promise of `call` resolves to (`resolves`: `pool.connect()`
 * gives a pg.PoolClient), its callee resolved as any call's is; NULL when unknown. */
static const char *awaited_type(ts_walk *w, js_ctx *c, TSNode call, int depth) {
  while (ts_is(call, "parenthesized_expression")) call = ts_node_named_child(call, 0);
  if (depth > 4 || !ts_is(call, "call_expression")) return NULL;
  TSNode fn = ts_field(call, "function");
  if (!ts_is(fn, "identifier") && !ts_is(fn, "member_expression")) return NULL;
  ir_node r = {0};
  const char *text = dotted(w, fn);
  TSNode obj = ts_is(fn, "member_expression") ? ts_field(fn, "object") : (TSNode){0};
  while (ts_is(obj, "parenthesized_expression")) obj = ts_node_named_child(obj, 0);
  const char *t = ts_is(obj, "await_expression") ? awaited_type(w, c, ts_node_named_child(obj, 0), depth + 1) : NULL;
  if (t) r.name = al_arena_fmt(&w->f->arena, "%s.%s", t, ts_text(w, ts_field(fn, "property")));
  else resolve_callee(w, c, fn, text, &r, false);
  const al_kb_entry *e = r.name ? al_kb_match(al_kb_for(AL_LANG_JS), "resolves", r.name) : NULL;
  return e ? al_kb_attr(e, "type") : NULL;
}

/* `(await pool.connect()).query(q)`: a method of what the awaited promise resolves to, as
 * `const client = await pool.connect(); client.query(q)` resolves it (false for anything
 * else). */
static bool resolve_await_receiver(ts_walk *w, js_ctx *c, const char *text, TSNode fn, ir_node *call) {
  if (text[0] != '(' || text[1] != ')' || text[2] != '.' || !ts_is(fn, "member_expression")) return false;
  TSNode obj = ts_field(fn, "object"), prop = ts_field(fn, "property");
  while (ts_is(obj, "parenthesized_expression")) obj = ts_node_named_child(obj, 0);
  if (!ts_is(obj, "await_expression") || !ts_is(prop, "property_identifier")) return false;
  const char *t = awaited_type(w, c, ts_node_named_child(obj, 0), 0);
  if (!t) return false;
  call->module = NULL;
  call->member = call->name = al_arena_fmt(&w->f->arena, "%s.%s", t, ts_text(w, prop));
  return true;
}

/* The element type "[]name" binds for an identifier node (TypeScript arrays), or NULL. */
static al_binding *element_binding(ts_walk *w, js_ctx *c, TSNode id) {
  return ts_typed_element(w, &c->types, "this.", "[]", id);
}

/* `repos[0].save()` / `repos[i].save()` with `repos: Repo[]`: the element's method. */
static bool resolve_element_receiver(ts_walk *w, js_ctx *c, const char *text, TSNode fn, ir_node *call) {
  if (text[0] != '(' || text[1] != ')' || text[2] != '.' || !ts_is(fn, "member_expression")) return false;
  TSNode obj = ts_field(fn, "object"), prop = ts_field(fn, "property");
  if (!ts_is(obj, "subscript_expression") || !ts_is(prop, "property_identifier")) return false;
  TSNode coll = ts_field(obj, "object");
  al_binding *b = ts_is(coll, "identifier") ? element_binding(w, c, coll) : NULL;
  if (!b) return false;
  call->module = b->module;
  call->member = al_arena_fmt(&w->f->arena, "%s.%s", b->member, ts_text(w, prop));
  call->name = b->module ? al_arena_fmt(&w->f->arena, "%s.%s", b->module, call->member) : call->member;
  return true;
}

/* `makeRepo().save()`: the method of what the called function returns — its TypeScript
 * return type above in this file, or what the index reads of a function of this file or
 * of a project file (`makeRepo().save`, resolved by al_index's resolve_returned: an
 * annotation, or a plain function's `return new Repo()`). Packages and parameters are
 * not followed; `.then/.catch/.finally` stay the promise's. */
static bool resolve_call_receiver(ts_walk *w, js_ctx *c, const char *text, TSNode fn, ir_node *call) {
  if (text[0] != '(' || text[1] != ')' || text[2] != '.' || !ts_is(fn, "member_expression")) return false;
  TSNode obj = ts_field(fn, "object"), prop = ts_field(fn, "property");
  while (ts_is(obj, "parenthesized_expression")) obj = ts_node_named_child(obj, 0);
  if (ts_is(obj, "member_expression") && ts_is(prop, "property_identifier")) {
    /* `expect(page).not.toHaveURL(u)`, `expect(p).resolves.not.toBe(x)`: properties of a
     * typed call's result that the knowledge types too (`returns` of `Assertions.not`) */
    TSNode props[4], inner = obj;
    int np = 0;
    while (np < 4 && ts_is(inner, "member_expression") && ts_is(ts_field(inner, "property"), "property_identifier")) {
      props[np++] = ts_field(inner, "property");
      inner = ts_field(inner, "object");
      while (ts_is(inner, "parenthesized_expression")) inner = ts_node_named_child(inner, 0);
    }
    /* (without an import the knowledge types, only a global it marks: Jest's `expect`) */
    TSNode callee = ts_is(inner, "call_expression") ? ts_field(inner, "function") : (TSNode){0};
    bool typed = np && !ts_node_is_null(callee) &&
                 (c->returns_imports || (ts_is(callee, "identifier") && global_returns(ts_text(w, callee))));
    const char *t = typed ? known_result_type(w, c, inner, 0) : NULL;
    while (t && np > 0) {
      const al_kb_entry *e = al_kb_find(al_kb_for(AL_LANG_JS), "returns",
                                        al_arena_fmt(&w->f->arena, "%s.%s", t, ts_text(w, props[--np])));
      t = e ? al_kb_attr(e, "type") : NULL;
    }
    if (!t) return false;
    call->module = NULL;
    call->member = call->name = al_arena_fmt(&w->f->arena, "%s.%s", t, ts_text(w, prop));
    return true;
  }
  if (!ts_is(obj, "call_expression") || !ts_is(prop, "property_identifier")) return false;
  const char *m = ts_text(w, prop);
  if (al_streq(m, "then") || al_streq(m, "catch") || al_streq(m, "finally")) return false;
  const char *kt = c->returns_imports ? known_result_type(w, c, obj, 0) : NULL; /* `client.db(n).collection(c).insertOne(d)` */
  if (kt) {
    call->module = NULL;
    call->member = call->name = al_arena_fmt(&w->f->arena, "%s.%s", kt, m);
    return true;
  }
  TSNode inner = ts_field(obj, "function");
  if (!ts_is(inner, "identifier") && !ts_is(inner, "member_expression")) return false;
  TSNode made = ts_is(inner, "member_expression") ? ts_field(inner, "object") : (TSNode){0};
  while (ts_is(made, "parenthesized_expression")) made = ts_node_named_child(made, 0);
  const char *nm, *mod0, *mem0; /* `new Repo().configured().save()`: what Repo's method returns */
  if (ts_is(made, "new_expression") && ts_is(ts_field(inner, "property"), "property_identifier") &&
      new_ctor(w, c, made, &nm, &mod0, &mem0) && (!mod0 || (mod0[0] == '/' && *mem0))) {
    call->module = mod0;
    call->member = al_arena_fmt(&w->f->arena, "%s.%s().%s", mod0 ? mem0 : nm, ts_text(w, ts_field(inner, "property")), m);
    call->name = call->module ? al_arena_fmt(&w->f->arena, "%s.%s", call->module, call->member) : call->member;
    return true;
  }
  const char *it = dotted(w, inner);
  if (strchr(it, '(') || al_starts_with(it, "this.") || ts_is_param(w, it)) return false;
  const char *name, *mod, *mem;
  al_names_resolve(&c->names, it, &name, &mod, &mem);
  js_return *rb = c->returns.len ? al_map_get(&c->returns, name) : NULL;
  if (rb && rb->mixed) return false;
  if (rb && !rb->promise) {
    call->module = rb->type.module;
    call->member = al_arena_fmt(&w->f->arena, "%s.%s", rb->type.member, m);
  } else if (!rb && (!mod || (mod[0] == '/' && *mem)) &&
             (!strchr(it, '.') || (mod && !strchr(mem, '.')))) { /* (or a project module's, `store.createStore()`) */
    call->module = mod;
    call->member = al_arena_fmt(&w->f->arena, "%s().%s", mod ? mem : name, m);
  } else {
    return false;
  }
  call->name = call->module ? al_arena_fmt(&w->f->arena, "%s.%s", call->module, call->member) : call->member;
  return true;
}

/* `s.load()` with `s = createStore()`, whose object literal names a function of the
 * factory (`return { load }`): that function (`createStore.load`). */
static void factory_member_alias(ts_walk *w, js_ctx *c, ir_node *call) {
  if (!c->member_aliases || call->module || !call->member || !strstr(call->member, "().")) return;
  const char *target = ts_alias_get(w, &c->aliases, call->member);
  if (target) call->member = call->name = target;
}

/* What the callee `fn` (its dotted text) of a call resolves to: an alias of the name or
 * of an object's member, a typed receiver, this/super, a class constructed in place, a
 * require()d module, the class a call returns, an array's element type, or the names
 * the file binds. Sets call->name/module/member (and IR_F_SELF). */
static void resolve_callee(ts_walk *w, js_ctx *c, TSNode fn, const char *text, ir_node *call, bool is_new) {
  /* an alias of the name, or of an object's member (`api.load` for `{ load: fetchAll }`) */
  const char *target = !is_new && (ts_is(fn, "identifier") || (ts_is(fn, "member_expression") && c->member_aliases &&
                                                               !al_starts_with(text, "this.")))
                           ? ts_alias_get(w, &c->aliases, text)
                           : NULL;
  /* `start = profiler.start` with `{ start: run }`: run */
  const char *via = target && c->member_aliases && strchr(target, '.') ? ts_alias_get(w, &c->aliases, target) : NULL;
  if (via) target = via;
  const char *chain = target ? target : ts_is(fn, "member_expression") ? text : NULL;
  if (!via && chain && !is_new && c->member_aliases) {
    /* a member of an object another object holds (`const tracer = { profiler }`):
     * `tracer.profiler.start` is `profiler.start` */
    const char *dot = strrchr(chain, '.');
    char obj[257];
    size_t n = dot ? (size_t)(dot - chain) : 0;
    if (n && n < sizeof obj && memchr(chain, '.', n) && !memchr(chain, '(', n) && !al_starts_with(chain, "this.")) {
      memcpy(obj, chain, n);
      obj[n] = 0;
      const char *holder = ts_alias_get(w, &c->aliases, obj);
      if (holder) target = al_arena_fmt(&w->f->arena, "%s%s", holder, dot);
    }
  }
  if (target) text = target; /* resolved as what it aliases; messages show it as written */
  if (resolve_typed(w, c, text, call)) {
    if (al_starts_with(text, "this.")) call->flags |= IR_F_SELF;
    factory_member_alias(w, c, call);
  } else if (al_starts_with(text, "this.") || (al_starts_with(text, "super.") && !strchr(text + 6, '('))) {
    /* super.m(): the method as the class sees it (its own, or its bases', in the index) */
    ir_node *cls = ts_enclosing_own(w, IR_CLASS);
    call->flags |= IR_F_SELF;
    const char *rest = text + (text[0] == 't' ? 5 : 6);
    const char *owner = cls ? cls->name : NULL;
    size_t olen = owner ? strlen(owner) : 0;
    if (!cls) { /* a method of an object literal (`const api = { go() { this.load(); } }`): this is api */
      const ir_node *m = ts_scope(w);
      const char *dot = m && (m->flags & IR_F_METHOD) && m->name ? strrchr(m->name, '.') : NULL;
      if (dot) owner = m->name, olen = (size_t)(dot - m->name);
    }
    if (text[0] == 's' && cls && cls->nargs && cls->args[0].text) { /* super.m(): the base's m */
      owner = cls->args[0].text;
      olen = strlen(owner);
      call->module = cls->args[0].keyword;
    }
    call->member = owner ? al_arena_fmt(&w->f->arena, "%.*s.%s", (int)olen, owner, rest) : rest;
    call->name = call->module ? al_arena_fmt(&w->f->arena, "%s.%s", call->module, call->member) : call->member;
  } else if (!is_new && resolve_new_receiver(w, c, text, fn, call)) {
    /* the class's method */
  } else if (text[0] == '(' && text[1] == ')' && text[2] == '.' && (call->module = required_module(w, c, fn))) {
    call->member = text + 3; /* require('fs').readFileSync(p) */
    call->name = al_arena_fmt(&w->f->arena, "%s.%s", call->module, call->member);
  } else if (!is_new && resolve_call_receiver(w, c, text, fn, call)) {
    /* the method of the class the callee returns */
    factory_member_alias(w, c, call);
  } else if (!is_new && resolve_element_receiver(w, c, text, fn, call)) {
    /* the method of the array's element type */
  } else if (!is_new && resolve_await_receiver(w, c, text, fn, call)) {
    /* the method of what the awaited promise resolves to */
  } else {
    /* `window.fetch()`, `globalThis.setTimeout()`: the global itself */
    const char *g = text;
    for (size_t i = 0; c->globals && i < c->globals->entries.len && g == text; i++) {
      const char *o = ((const al_kb_entry *)c->globals->entries.items[i])->name;
      size_t ol = strlen(o);
      if (!strncmp(text, o, ol) && text[ol] == '.' && text[ol + 1]) g = text + ol + 1;
    }
    al_names_resolve(&c->names, g, &call->name, &call->module, &call->member);
  }
}

/* A method of the default-exported class (CLASS alias "default"): the index also files
 * it as "default.m", what importers' `new Store().m()` calls (alias). */
static void default_method(ir_file *f, ir_node *m) {
  const char *dot = m->name ? strrchr(m->name, '.') : NULL;
  if (dot && !m->alias) m->alias = al_arena_fmt(&f->arena, "default%s", dot);
}

/* `expect(p).to.be.fulfilled;` (chai-as-promised): a chain of properties read off a call
 * the knowledge types, alone as a statement, whose last property the knowledge `awaitable`
 * marks `property: true` — a getter that returns a promise. Lowered as a CALL of it
 * (IR_F_PROPERTY) that is dropped; n: the call (the walk's current node). */
static void lower_property_chain(ts_walk *w, js_ctx *c, TSNode n, ir_node *parent) {
  enum { MAX_PROPS = 8 };
  ts_frame *up = ts_up(w, 1);
  if (!up || !ts_is(up->node, "member_expression")) return;
  int k = 2; /* (the shape first, cheaply: members up to a statement) */
  while (k <= MAX_PROPS && ts_up(w, k) && ts_is(ts_up(w, k)->node, "member_expression")) k++;
  ts_frame *st = ts_up(w, k);
  if (!st || !ts_is(st->node, "expression_statement")) return;
  TSNode props[MAX_PROPS], top = n;
  int np = 0;
  for (int i = 1; i < k; i++) {
    TSNode m = ts_up(w, i)->node, pr = ts_field(m, "property");
    if (!ts_is(pr, "property_identifier") || !ts_node_eq(ts_field(m, "object"), top)) return;
    props[np++] = pr;
    top = m;
  }
  TSNode callee = ts_field(n, "function");
  if (!c->returns_imports && !(ts_is(callee, "identifier") && global_returns(ts_text(w, callee)))) return;
  const char *t = known_result_type(w, c, n, 0);
  const al_kb *kb = al_kb_for(AL_LANG_JS);
  for (int i = 0; t && i < np - 1; i++) {
    const al_kb_entry *e = al_kb_find(kb, "returns", al_arena_fmt(&w->f->arena, "%s.%s", t, ts_text(w, props[i])));
    t = e ? al_kb_attr(e, "type") : NULL;
  }
  if (!t) return;
  const char *name = al_arena_fmt(&w->f->arena, "%s.%s", t, ts_text(w, props[np - 1]));
  const al_kb_entry *api = al_kb_match(kb, "awaitable", name);
  if (!api || !al_kb_attr_is(api, "property", "true")) return;
  ir_node *x = ir_add(w->f, parent, IR_CALL, ts_span(top));
  x->flags |= IR_F_PROPERTY;
  x->text = ts_text_short(w, top, 80);
  x->name = x->member = name;
  x->use = IR_USE_DISCARDED;
}

/* The first bytes of the global APIs of knowledge `callback_params` (`Deno.test`): most calls
 * are ruled out by their first byte before the knowledge is asked. */
static bool global_cb_first[256];
static pthread_once_t global_cb_once = PTHREAD_ONCE_INIT;

static void global_cb_init(void) {
  const al_kb_section *sec = al_kb_section_get(al_kb_for(AL_LANG_JS), "callback_params");
  for (size_t i = 0; sec && i < sec->entries.len; i++) {
    const al_kb_entry *e = sec->entries.items[i];
    if (al_kb_attr(e, "global")) global_cb_first[(unsigned char)e->name[0]] = true;
  }
}

static bool global_callback_first(unsigned char ch) {
  pthread_once(&global_cb_once, global_cb_init);
  return global_cb_first[ch];
}

static ir_node *lower_call(ts_walk *w, js_ctx *c, TSNode n, ir_node *parent, bool is_new) {
  TSNode fn = ts_field(n, is_new ? "constructor" : "function");
  bool awaited = false;
  if (!is_new && is_await_call(w, fn)) { /* await (0, x.f)(args): the callee is x.f */
    TSNode args = ts_field(fn, "arguments");
    uint32_t k = ts_node_named_child_count(args);
    if (k) {
      parent = ir_add(w->f, parent, IR_AWAIT, ts_span(n));
      fn = ts_node_named_child(args, k - 1);
      awaited = true;
    }
  }
  /* TypeScript `await load<T>(x)`: the grammar makes it a call of `await load` with type
   * arguments; it awaits the call */
  if (!is_new && !awaited && typed_await_callee(n)) {
    parent = ir_add(w->f, parent, IR_AWAIT, ts_span(n));
    fn = ts_node_named_child(fn, 0);
    awaited = true;
  }
  if (!is_new && ts_is(fn, "non_null_expression")) fn = ts_node_named_child(fn, 0); /* TypeScript `cb!()` */
  /* `(work)()`, `(0, svc.load)()`: the function the parentheses give (indirect call) */
  for (TSNode in = fn; !is_new && ts_is(in, "parenthesized_expression");) {
    in = ts_node_named_child(in, ts_node_named_child_count(in) - 1);
    if (ts_is(in, "sequence_expression")) in = ts_node_named_child(in, ts_node_named_child_count(in) - 1);
    if (ts_is(in, "identifier") || ts_is(in, "member_expression") || ts_is(in, "subscript_expression")) fn = in;
  }
  ir_node *call = ir_add(w->f, parent, IR_CALL, ts_span(n));
  const char *text = dotted(w, fn);
  call->text = text;
  resolve_callee(w, c, fn, text, call, is_new);
  if (is_new) call->flags |= IR_F_NEW;
  const char *var = NULL;
  call->use = (uint8_t)(awaited ? IR_USE_AWAITED : call_use(w, &var));
  call->alias = var;
  if (var && call->use == IR_USE_ASSIGNED && c->typescript && declared_promise(w)) call->type = "Promise";
  if (var && call->use == IR_USE_ASSIGNED && !strchr(var, '.') && !strchr(var, '[') && !strchr(var, '{'))
    ts_names_add(&c->stored, var);
  lower_args(w, c, call, ts_field(n, "arguments"));
  /* a global API that calls a function handed by name with typed arguments (`Deno.test("t",
   * body)`: knowledge `callback_params`, `global`): no import marks the file for the by-name
   * typing (frontend.c type_named_callbacks) */
  if (!c->callback_apis && !call->module && call->name && global_callback_first((unsigned char)call->name[0]) &&
      call->nargs && call->args[call->nargs - 1].text &&
      !(call->args[call->nargs - 1].flags & (IR_ARG_LAMBDA | IR_ARG_LITERAL | IR_ARG_NULL | IR_ARG_SPREAD))) {
    const al_kb_entry *e = al_kb_match(al_kb_for(AL_LANG_JS), "callback_params", call->name);
    c->callback_apis = e && al_kb_attr(e, "global");
  }
  if (!is_new && !awaited) lower_property_chain(w, c, n, parent);
  /* `export default mongoose.model(...)`, `module.exports = mongoose.model(...)`: the
   * module's default value has the type the knowledge gives the call (an ASSIGN named
   * "default" with `type`, which the summary hands to the index for importers) */
  ts_frame *upf = ts_up(w, 1); /* (lower_call is entered for the walk's current node) */
  if (!ts_scope(w) && upf && (is_new || c->returns_imports)) {
    TSNode up = upf->node;
    const char *name = ts_is(up, "export_statement") && ts_has_token(up, "default") ? "default" : NULL;
    if (!name && ts_is(up, "assignment_expression") && ts_node_eq(ts_field(up, "right"), n)) {
      TSNode l = ts_field(up, "left"); /* module.exports = ..., module.exports.X = / exports.X = ... */
      const char *lt = ts_is(l, "member_expression") ? ts_text(w, l) : "";
      if (al_streq(lt, "module.exports")) name = "default";
      else if (al_starts_with(lt, "module.exports.") && !strchr(lt + 15, '.')) name = lt + 15;
      else if (al_starts_with(lt, "exports.") && !strchr(lt + 8, '.')) name = lt + 8;
    }
    const char *type = !name ? NULL : is_new ? package_new_type(w, c, n) : known_result_type(w, c, n, 0);
    if (type) {
      ir_node *a = ir_add(w->f, w->f->root, IR_ASSIGN, ts_span(n));
      a->name = name;
      a->type = ir_str(w->f, type, strlen(type));
      a->flags |= IR_F_EXPORTED;
    }
  }
  return call;
}

/* A union's one member that is not `undefined` or `null` (`Api | undefined`, `Api | null`:
 * an optional value of that type, as `a?.load()` or `a!.load()` use it), or a null node
 * when there are none or several. Unions nest to the left. */
static TSNode sole_defined_member(TSNode t) {
  TSNode sole = {0};
  for (int guard = 0; guard < 16 && ts_is(t, "union_type"); guard++) {
    TSNode right = ts_node_named_child(t, 1);
    t = ts_node_named_child(t, 0);
    TSNode members[2] = {right, t};
    for (int k = 0; k < (ts_is(t, "union_type") ? 1 : 2); k++) {
      TSNode m = members[k];
      while (ts_is(m, "parenthesized_type")) m = ts_node_named_child(m, 0);
      if (ts_is(m, "literal_type") && (ts_is(ts_node_named_child(m, 0), "undefined") ||
                                       ts_is(ts_node_named_child(m, 0), "null")))
        continue;
      if (!ts_node_is_null(sole)) return (TSNode){0};
      sole = m;
    }
  }
  return ts_is(t, "union_type") ? (TSNode){0} : sole;
}

/* TypeScript: the named type of an annotation (`: Repo`, `: ns.Repo`, also `: Repo |
 * undefined`), or NULL (a generic, other union, literal or function type). */
static const char *annotated_type(ts_walk *w, TSNode annotation) {
  if (ts_node_is_null(annotation)) return NULL;
  TSNode t = ts_is(annotation, "type_annotation") ? ts_node_named_child(annotation, 0) : annotation;
  if (ts_is(t, "union_type")) t = sole_defined_member(t);
  if (ts_is(t, "type_identifier") || ts_is(t, "nested_type_identifier")) return ts_text(w, t);
  return NULL;
}

/* TypeScript: the element type of an array annotation (`Repo[]`, `Array<Repo>`,
 * `ReadonlyArray<Repo>`, `Set<Repo>`, `Iterable<Repo>`), or NULL. */
static const char *element_type(ts_walk *w, TSNode annotation) {
  TSNode t = ts_is(annotation, "type_annotation") ? ts_node_named_child(annotation, 0) : annotation;
  if (ts_is(t, "readonly_type")) t = ts_node_named_child(t, 0);
  if (ts_is(t, "array_type")) return annotated_type(w, ts_node_named_child(t, 0));
  if (!ts_is(t, "generic_type")) return NULL;
  static const char *const colls[] = {"Array", "ReadonlyArray", "Set", "ReadonlySet", "Iterable", "IterableIterator"};
  TSNode nm = ts_field(t, "name"), args = ts_field(t, "type_arguments");
  if (!ts_is(nm, "type_identifier") || ts_node_named_child_count(args) != 1) return NULL;
  const char *base = ts_text(w, nm);
  for (size_t i = 0; i < sizeof colls / sizeof *colls; i++)
    if (!strcmp(base, colls[i])) return annotated_type(w, ts_node_named_child(args, 0));
  return NULL;
}

/* TypeScript: `x: T` binds x (a local, or this.x for a field or a parameter property)
 * to T, as `x = new T()` does: x.m() resolves to T's method m. `xs: T[]` binds "[]xs". */
static void bind_annotation(ts_walk *w, js_ctx *c, const ir_node *scope, const char *var, TSNode annotation) {
  if (ts_node_is_null(annotation) || !var) return;
  const char *et = strchr(var, '.') ? NULL : element_type(w, annotation);
  if (et) { /* "[]var": what `for (const x of var)` and `var[i]` give */
    const char *name, *mod, *mem;
    al_names_resolve(&c->names, et, &name, &mod, &mem);
    if (*mem || !mod)
      ts_bind_type(w, &c->types, scope, "this.", al_arena_fmt(&w->f->arena, "[]%s", var), mod, mod ? mem : name);
    return;
  }
  const char *type = annotated_type(w, annotation);
  bool generic = false;
  if (!type) { /* `repo: Repository<User>`, `model: Model<User>`: a package's generic class */
    TSNode t = ts_is(annotation, "type_annotation") ? ts_node_named_child(annotation, 0) : annotation;
    TSNode nm = ts_is(t, "generic_type") ? ts_field(t, "name") : (TSNode){0};
    if (ts_is(nm, "type_identifier") || ts_is(nm, "nested_type_identifier")) type = ts_text(w, nm);
    generic = true;
  }
  if (!type) return;
  const char *name, *mod, *mem;
  al_names_resolve(&c->names, type, &name, &mod, &mem);
  if (!*mem && mod && mod[0] == '/' && !generic) mem = "default"; /* a project file's default export (index) */
  if (!*mem && mod) return;
  if (generic && (!mod || mod[0] == '/')) return; /* (Map<K, V>, Promise<T>, a project's own generics: not these) */
  ts_bind_type(w, &c->types, scope, "this.", var, mod, mod ? mem : name);
}

/* A callback an API calls with arguments of known types (knowledge `callback_params`):
 * Playwright's `test('t', async ({ page }) => ...)` is handed its fixtures, page a Page:
 * the names its first parameter destructures hold those types, so that `page.goto(u)` and
 * `page.getByRole(r).click()` resolve to the Page's and Locator's methods; node:test's
 * `test('t', async (t) => ...)` is handed a TestContext (`params`: the types by position),
 * whose `t.test()` subtest is a promise. `from`: the module the called name must come
 * from (node:test's default export is named `test`, as Jest's global is); `global`: the API
 * is a global (`Deno.test`); `object_member`: the callback may also be that member of an
 * object argument (`Deno.test({ name, fn: async (t) => ... })`). */
static void bind_destructured_params(ts_walk *w, js_ctx *c, const ir_node *call, const ir_node *fn, TSNode params) {
  if (!call || call->kind != IR_CALL || !call->name || ts_node_is_null(params)) return;
  const al_kb_entry *e = al_kb_match(al_kb_for(AL_LANG_JS), "callback_params", call->name);
  if (!e) return;
  const char *types = al_kb_attr(e, "destructured"), *mod = al_kb_attr(e, "module");
  const char *positional = al_kb_attr(e, "params"), *from = al_kb_attr(e, "from");
  if (from && !(call->module && al_streq(call->module, from))) return;
  if (!call->module && !al_kb_attr(e, "global")) return; /* a local of that name is not the API */
  if (!(fn->flags & IR_F_LAMBDA) && fn->name && al_starts_with(fn->name, "<object>.")) {
    /* `Deno.test({ name, async fn(t) {...} })`: the member the entry names */
    const char *om = al_kb_attr(e, "object_member");
    if (!om || !al_streq(fn->name + strlen("<object>."), om)) return;
  }
  if (positional) {
    uint32_t k = ts_is(params, "formal_parameters") ? ts_node_named_child_count(params) : 1, i = 0;
    for (const char *t = positional; *t && i < k; i++) {
      size_t n = strcspn(t, ",");
      TSNode p = ts_is(params, "formal_parameters") ? ts_node_named_child(params, i) : params;
      bool declared = false; /* `(t: TestContext)`: its own type stands */
      if (ts_is(p, "required_parameter") || ts_is(p, "optional_parameter")) {
        declared = !ts_node_is_null(ts_field(p, "type"));
        p = ts_field(p, "pattern");
      }
      if (n && !declared && ts_is(p, "identifier"))
        ts_bind_type(w, &c->types, fn, "this.", ts_text(w, p), mod, /* under the lambda: ts_typed_var */
                     al_arena_fmt(&w->f->arena, "%.*s", (int)n, t));
      t += n;
      while (*t == ',' || *t == ' ') t++;
    }
  }
  if (!types || !ts_is(params, "formal_parameters")) return;
  TSNode p = ts_node_named_child(params, 0);
  if (ts_is(p, "required_parameter") || ts_is(p, "optional_parameter")) p = ts_field(p, "pattern"); /* TypeScript */
  if (!ts_is(p, "object_pattern")) return;
  uint32_t k = ts_node_named_child_count(p);
  for (uint32_t i = 0; i < k; i++) {
    TSNode ch = ts_node_named_child(p, i), key = ch, var = ch;
    if (ts_is(ch, "pair_pattern")) { /* `{ page: p }` */
      key = ts_field(ch, "key");
      var = ts_field(ch, "value");
    } else if (!ts_is(ch, "shorthand_property_identifier_pattern")) {
      continue;
    }
    if (!ts_is(var, "identifier") && !ts_is(var, "shorthand_property_identifier_pattern")) continue;
    const char *kn = ts_text(w, key);
    size_t kl = strlen(kn);
    for (const char *t = types; *t;) { /* "page=Page, context=BrowserContext" */
      size_t n = strcspn(t, ",");
      const char *eq = memchr(t, '=', n);
      if (eq && (size_t)(eq - t) == kl && !strncmp(t, kn, kl)) {
        const char *type = al_arena_fmt(&w->f->arena, "%.*s", (int)(n - kl - 1), eq + 1);
        ts_bind_type(w, &c->types, ts_scope(w), "this.", ts_text(w, var), mod, type);
        break;
      }
      t += n;
      while (*t == ',' || *t == ' ') t++;
    }
  }
}

static TSNode top_decl(ts_walk *w, js_ctx *c, char kind, TSNode name);
static void promise_field(ts_walk *w, js_ctx *c, ir_node *parent, TSNode field, TSNode nm);

/* TypeScript: a declared return type that is a promise (knowledge `promise_types`:
 * `: Promise<T>`, `PromiseLike<T>`), also through a type alias of this file standing for
 * one (`type Task<T> = Promise<T>`) or a class of it extending one (`class Deferred<T>
 * extends Promise<T>`), as typescript-eslint's checker sees them; depth bounds the chain. */
static bool promise_type_at(ts_walk *w, TSNode t, int depth) {
  while (ts_is(t, "parenthesized_type")) t = ts_node_named_child(t, 0);
  /* `Promise<T> & Brand`: a promise still (intersections nest to the left) */
  for (int guard = 0; guard < 64 && ts_is(t, "intersection_type"); guard++) {
    if (promise_type_at(w, ts_node_named_child(t, 1), depth)) return true;
    t = ts_node_named_child(t, 0);
    while (ts_is(t, "parenthesized_type")) t = ts_node_named_child(t, 0);
  }
  if (ts_is(t, "generic_type")) t = ts_field(t, "name");
  if (!ts_is(t, "type_identifier") && !(depth && ts_is(t, "identifier"))) return false;
  if (al_kb_find(al_kb_for(AL_LANG_JS), "promise_types", ts_text(w, t))) return true;
  if (depth >= 8) return false;
  TSNode v = top_decl(w, w->user, 't', t);
  if (!ts_node_is_null(v) && promise_type_at(w, v, depth + 1)) return true;
  v = top_decl(w, w->user, 'c', t); /* the class's `extends` */
  return !ts_node_is_null(v) && promise_type_at(w, v, depth + 1);
}

static bool promise_type_name(ts_walk *w, TSNode t) { return promise_type_at(w, t, 0); }

static bool returns_promise_type(ts_walk *w, TSNode rt) {
  if (ts_node_is_null(rt)) return false;
  return promise_type_name(w, ts_is(rt, "type_annotation") ? ts_node_named_child(rt, 0) : rt);
}

/* TypeScript: an array of promises (`Promise<T>[]`, `readonly Promise<T>[]`, `Array<Promise<T>>`,
 * `ReadonlyArray<Promise<T>>`): `ps;` alone floats them all, as typescript-eslint says. */
static bool promise_array_type(ts_walk *w, TSNode t) {
  if (ts_node_is_null(t)) return false;
  if (ts_is(t, "type_annotation")) t = ts_node_named_child(t, 0);
  while (ts_is(t, "parenthesized_type") || ts_is(t, "readonly_type")) t = ts_node_named_child(t, 0);
  if (ts_is(t, "array_type")) return promise_type_name(w, ts_node_named_child(t, 0));
  if (!ts_is(t, "generic_type")) return false;
  TSNode name = ts_field(t, "name"), targs = ts_field(t, "type_arguments");
  if (!ts_is(name, "type_identifier") || ts_node_is_null(targs) || ts_node_named_child_count(targs) != 1) return false;
  const char *nm = ts_text(w, name);
  return (al_streq(nm, "Array") || al_streq(nm, "ReadonlyArray")) &&
         promise_type_name(w, ts_node_named_child(targs, 0));
}

/* A union with a promise type (`Promise<T> | null`: a call's result, dropped, may float a
 * promise, as typescript-eslint's no-floating-promises says). Unions nest to the left:
 * walked in a loop, whatever their length. */
static bool union_with_promise(ts_walk *w, TSNode rt) {
  if (ts_node_is_null(rt)) return false;
  TSNode t = ts_is(rt, "type_annotation") ? ts_node_named_child(rt, 0) : rt;
  while (ts_is(t, "parenthesized_type")) t = ts_node_named_child(t, 0);
  if (ts_is(t, "type_identifier")) { /* `type MaybeSaved = Promise<void> | undefined` of this file */
    TSNode v = top_decl(w, w->user, 't', t);
    if (ts_is(v, "union_type")) t = v;
  }
  for (int guard = 0; guard < 4096 && ts_is(t, "union_type"); guard++) {
    if (promise_type_name(w, ts_node_named_child(t, 1))) return true;
    t = ts_node_named_child(t, 0);
    while (ts_is(t, "parenthesized_type")) t = ts_node_named_child(t, 0);
    if (!ts_is(t, "union_type")) return promise_type_name(w, t);
  }
  return false;
}

/* TypeScript: `f(): Api` and `f(): Promise<Api>` (Api a class or interface name) are
 * remembered for the rest of the file: `const a = await f()` makes a an Api. */
static void record_return(ts_walk *w, js_ctx *c, ir_node *fn, const char *fname, TSNode rt) {
  if (ts_node_is_null(rt)) return;
  TSNode t = ts_is(rt, "type_annotation") ? ts_node_named_child(rt, 0) : rt;
  bool promise = returns_promise_type(w, t);
  if (promise) {
    TSNode targs = ts_field(t, "type_arguments");
    if (ts_node_is_null(targs) || ts_node_named_child_count(targs) != 1) return;
    t = ts_node_named_child(targs, 0);
  }
  const char *type = annotated_type(w, t);
  if (!type) return;
  const char *name, *mod, *mem;
  al_names_resolve(&c->names, type, &name, &mod, &mem);
  if (!*mem && mod) return;
  js_return *r = al_arena_alloc(&w->f->arena, sizeof *r);
  r->type = (al_binding){mod, mod ? mem : name};
  r->promise = promise;
  al_map_put(&c->returns, fname, r);
  fn->module = mod; /* for other files, and calls above the function: the index reads it */
  fn->member = mod ? mem : name;
}

/* TypeScript: a variable, field or property typed as a function that returns a promise
 * (`declare const load: (id: string) => Promise<Row>`, `handler: () => Promise<void>`)
 * is lowered as a bodiless function of that name, as `declare function` is: calls of
 * it are awaitable. */
static TSNode fn_type(TSNode annotation) {
  if (ts_node_is_null(annotation)) return annotation;
  TSNode t = ts_is(annotation, "type_annotation") ? ts_node_named_child(annotation, 0) : annotation;
  /* `(() => Promise<T>) | undefined` (an optional callback): the function member */
  if (ts_is(t, "union_type"))
    for (uint32_t i = 0, k = ts_node_named_child_count(t); i < k; i++) {
      TSNode m = ts_node_named_child(t, i);
      if (ts_is(m, "parenthesized_type")) m = ts_node_named_child(m, 0);
      if (ts_is(m, "function_type")) {
        t = m;
        break;
      }
    }
  return ts_is(t, "function_type") ? t : (TSNode){0};
}

static bool promise_fn_type(ts_walk *w, TSNode annotation) {
  TSNode t = fn_type(annotation);
  return !ts_node_is_null(t) && returns_promise_type(w, ts_field(t, "return_type"));
}

static bool is_void(ts_walk *w, TSNode t) {
  if (ts_is(t, "type_annotation")) t = ts_node_named_child(t, 0);
  return ts_is(t, "predefined_type") && ts_node_end_byte(t) - ts_node_start_byte(t) == 4 &&
         !memcmp(w->text + ts_node_start_byte(t), "void", 4);
}

/* The primitive a type annotation names (`: number`, `: string`, `: boolean`, `: bigint`,
 * `: symbol`), or NULL (void, any, unknown, a named or composite type). */
static const char *primitive_type(ts_walk *w, TSNode t) {
  if (ts_is(t, "type_annotation")) t = ts_node_named_child(t, 0);
  if (!ts_is(t, "predefined_type")) return NULL;
  const char *s = ts_text(w, t);
  return al_streq(s, "number") || al_streq(s, "string") || al_streq(s, "boolean") || al_streq(s, "bigint") ||
                 al_streq(s, "symbol")
             ? s
             : NULL;
}

/* A type whose values are never promises: a primitive, a literal type, a union of them
 * (with null / undefined), an array of them (`number`, `'a' | 'b'`, `string[] | null`). */
static bool plain_type(ts_walk *w, TSNode t, int depth) {
  if (ts_is(t, "type_annotation")) t = ts_node_named_child(t, 0);
  if (ts_node_is_null(t) || depth > 8) return false;
  if (primitive_type(w, t)) return true;
  if (ts_is(t, "literal_type")) {
    TSNode v = ts_node_named_child(t, 0);
    return !ts_is(v, "null") && !ts_is(v, "undefined");
  }
  if (ts_is(t, "parenthesized_type") || ts_is(t, "array_type")) return plain_type(w, ts_node_named_child(t, 0), depth + 1);
  if (!ts_is(t, "union_type")) return false;
  bool any = false;
  for (uint32_t i = 0, k = ts_node_named_child_count(t); i < k; i++) {
    TSNode m = ts_node_named_child(t, i);
    TSNode v = ts_is(m, "literal_type") ? ts_node_named_child(m, 0) : m;
    bool nothing = ts_is(v, "null") || ts_is(v, "undefined") ||
                   (ts_is(v, "predefined_type") && (al_streq(ts_text(w, v), "null") || al_streq(ts_text(w, v), "undefined")));
    if (!nothing && !plain_type(w, m, depth + 1)) return false;
    any |= !nothing;
  }
  return any;
}

/* The declaration inside `declare ...` / `export ...` (the node itself otherwise). */
static TSNode unwrap_declaration(TSNode c) {
  while (ts_is(c, "ambient_declaration") || ts_is(c, "export_statement")) {
    TSNode d = ts_field(c, "declaration");
    c = ts_node_is_null(d) ? ts_node_named_child(c, 0) : d;
  }
  return c;
}

/* A body-less `function f(): T;` (`declare function`, an overload signature) that is the
 * only declaration of its name among its siblings (the statements around it, through
 * `declare` and `export`). */
static bool sole_signature(ts_walk *w, TSNode n) {
  if (!ts_is(n, "function_signature")) return false;
  TSNode name = ts_field(n, "name");
  if (ts_node_is_null(name)) return false;
  const char *nm = ts_text(w, name);
  TSNode box = ts_node_parent(n);
  while (!ts_node_is_null(box) && (ts_is(box, "ambient_declaration") || ts_is(box, "export_statement")))
    box = ts_node_parent(box);
  if (ts_node_is_null(box)) return false;
  for (uint32_t i = 0, k = ts_node_named_child_count(box); i < k; i++) {
    TSNode c = unwrap_declaration(ts_node_named_child(box, i));
    if (ts_node_eq(c, n) || !(ts_is(c, "function_signature") || ts_is(c, "function_declaration"))) continue;
    TSNode cn = ts_field(c, "name");
    if (!ts_node_is_null(cn) && al_streq(ts_text(w, cn), nm)) return false;
  }
  return true;
}

/* The number of arguments a signature takes: *min the required ones, *max all (UINT32_MAX
 * with a rest parameter); `this: T` is not one. */
static void signature_arity(TSNode ps, uint32_t *min, uint32_t *max) {
  *min = *max = 0;
  for (uint32_t i = 0, k = ts_node_is_null(ps) ? 0 : ts_node_named_child_count(ps); i < k; i++) {
    TSNode p = ts_node_named_child(ps, i), pat = ts_field(p, "pattern");
    if (ts_is(p, "comment")) continue;
    if (ts_is(p, "required_parameter") && ts_node_is_null(pat)) continue; /* `this: T` */
    if (ts_is(pat, "rest_pattern") || ts_is(p, "rest_pattern")) {
      *max = UINT32_MAX;
      return;
    }
    (*max)++;
    if (ts_is(p, "required_parameter") && ts_node_is_null(ts_field(p, "value"))) *min = *max;
  }
}

/* TypeScript overloads, told by adding each declaration of a function or method to the
 * run of its name in its list (`function f(...): T;` signatures, then the implementation):
 * - which calls get a promise, when the signatures disagree (`close(): Promise<void>;
 *   close(cb: Callback): void;`): TypeScript takes the first signature that fits; by the
 *   number of arguments, as here, for 0..6 of them (6: six or more). Every declaration of
 *   the run gets IR_OVERLOAD_ARITY and bit k set when a call with k arguments gets a
 *   promise in its guard (0 when they agree);
 * - a parameter position that one typed `() => void` and another `() => Promise<void>`
 *   accepts an async callback (typescript-eslint's no-misused-promises decides so): it is
 *   no void slot, and the body-less ones take a promise-returning function there (a body's
 *   `cb()` is left alone: which one it got is not known).
 * Earlier declarations are updated as later ones come: the summary is made after the walk.
 * O(1) a declaration (a scan of the siblings each was quadratic in a 1,500-member class). */
static void overload_run_add(ts_walk *w, TSNode n, ir_node *x) {
  js_ctx *c = w->user;
  bool method = ts_is(n, "method_signature") || ts_is(n, "method_definition") || ts_is(n, "abstract_method_signature");
  if (!c->typescript || (!method && !ts_is(n, "function_signature") && !ts_is(n, "function_declaration"))) return;
  TSNode name = ts_field(n, "name");
  ts_frame *up = ts_up(w, 1);
  for (size_t d = 2; !method && up && (ts_is(up->node, "ambient_declaration") || ts_is(up->node, "export_statement")); d++)
    up = ts_up(w, d);
  if (ts_node_is_null(name) || !up || !x->name) return;
  const char *nm = ts_text(w, name);
  uint32_t bs = ts_node_start_byte(up->node), be = ts_node_end_byte(up->node);
  if (c->run.box_start != bs || c->run.box_end != be || !c->run.name || strcmp(c->run.name, nm) || c->run.nf >= 16) {
    memset(&c->run, 0, sizeof c->run);
    c->run.box_start = bs, c->run.box_end = be, c->run.name = nm;
  }
  bool bodiless = ts_node_is_null(ts_field(n, "body"));
  c->run.bodiless[c->run.nf] = bodiless;
  c->run.funcs[c->run.nf++] = x;
  if (bodiless) {
    TSNode rt = ts_field(n, "return_type");
    signature_arity(ts_field(n, "parameters"), &c->run.sig[c->run.ns].min, &c->run.sig[c->run.ns].max);
    c->run.sig[c->run.ns++].promise = returns_promise_type(w, rt) || union_with_promise(w, rt);
  }
  for (uint32_t i = 0; i < x->nargs && i < 32; i++)
    if (x->args[i].flags & IR_ARG_PROMISE_FN) c->run.promise_fn |= 1u << i;
  uint32_t promises = 0;
  for (uint32_t i = 0; i < c->run.ns; i++) promises += c->run.sig[i].promise;
  uint8_t mask = 0;
  if (c->run.ns >= 2 && promises && promises < c->run.ns) {
    mask = IR_OVERLOAD_ARITY;
    for (uint32_t a = 0; a <= 6; a++)
      for (uint32_t i = 0; i < c->run.ns; i++)
        if (c->run.sig[i].min <= a && a <= c->run.sig[i].max) {
          if (c->run.sig[i].promise) mask |= (uint8_t)(1u << a);
          break;
        }
  }
  for (uint32_t k = 0; k < c->run.nf; k++) {
    ir_node *f = c->run.funcs[k];
    f->guard = mask;
    for (uint32_t i = 0; i < f->nargs && i < 32; i++)
      if ((c->run.promise_fn & (1u << i)) && (f->args[i].flags & IR_ARG_VOID_FN)) {
        f->args[i].flags &= ~(uint32_t)IR_ARG_VOID_FN;
        if (c->run.bodiless[k]) f->args[i].flags |= IR_ARG_PROMISE_FN;
      }
  }
}

/* The name a type annotation gives (`: Fn`), or NULL. */
static const char *named_type(ts_walk *w, TSNode annotation) {
  TSNode t = ts_is(annotation, "type_annotation") ? ts_node_named_child(annotation, 0) : annotation;
  return ts_is(t, "type_identifier") ? ts_text(w, t) : NULL;
}

/* `cb: (x: T) => void`, or `cb: Fn` after `type Fn = () => void`: a callback whose
 * result the function ignores */
static bool void_fn_type(ts_walk *w, TSNode annotation) {
  TSNode t = fn_type(annotation);
  if (ts_node_is_null(t)) {
    js_ctx *c = w->user;
    const char *nm = c->void_types.len && !ts_node_is_null(annotation) ? named_type(w, annotation) : NULL;
    return nm && al_map_get(&c->void_types, nm);
  }
  return is_void(w, ts_field(t, "return_type"));
}

/* TypeScript: records `type Fn = () => void` as "Fn", and the members of an interface or
 * an object type that are such functions (`onClick: () => void`, `run(): void`) as "P.onClick". */
static void record_void_types(ts_walk *w, js_ctx *c, TSNode n) {
  TSNode nm = ts_field(n, "name");
  TSNode body = ts_field(n, ts_is(n, "type_alias_declaration") ? "value" : "body");
  if (ts_node_is_null(nm) || ts_node_is_null(body)) return;
  const char *name = ts_text(w, nm);
  if (ts_is(n, "type_alias_declaration") && void_fn_type(w, body)) {
    al_map_put(&c->void_types, name, (void *)name);
    return;
  }
  if (!ts_is(body, "interface_body") && !ts_is(body, "object_type") && !ts_is(body, "class_body")) return;
  for (uint32_t i = 0, k = ts_node_named_child_count(body); i < k; i++) {
    TSNode m = ts_node_named_child(body, i);
    bool slot = ts_is(m, "property_signature") || ts_is(m, "public_field_definition")
                    ? void_fn_type(w, ts_field(m, "type"))
                    : (ts_is(m, "method_signature") || ts_is(m, "abstract_method_signature") ||
                       (ts_is(m, "method_definition") && !ts_has_token(m, "async"))) &&
                          is_void(w, ts_field(m, "return_type"));
    TSNode mn = ts_field(m, "name");
    if (slot && ts_is(mn, "property_identifier"))
      al_map_put(&c->void_types, al_arena_fmt(&w->f->arena, "%s.%s", name, ts_text(w, mn)), (void *)name);
  }
}

/* An object type written in place (`{ f: () => void; g(): void }`) has a member `key`
 * that is a void function slot. */
static bool void_in_object_type(ts_walk *w, TSNode ot, TSNode key) {
  size_t kl = ts_node_end_byte(key) - ts_node_start_byte(key);
  for (uint32_t i = 0, k = ts_node_named_child_count(ot); i < k; i++) {
    TSNode m = ts_node_named_child(ot, i), mn = ts_field(m, "name");
    if (!ts_is(mn, "property_identifier") || ts_node_end_byte(mn) - ts_node_start_byte(mn) != kl ||
        memcmp(w->text + ts_node_start_byte(mn), w->text + ts_node_start_byte(key), kl))
      continue;
    return ts_is(m, "property_signature") ? void_fn_type(w, ts_field(m, "type"))
           : ts_is(m, "method_signature") && is_void(w, ts_field(m, "return_type"));
  }
  return false;
}

/* `const p: P = { onClick: async () => {...} }` with P's onClick a `() => void` (or
 * `const p: { onClick: () => void } = ...`): the pair's value goes to a void slot. */
static bool void_key(ts_walk *w, js_ctx *c, TSNode key, ts_frame *decl);

static bool void_member(ts_walk *w, js_ctx *c, ts_frame *pair, int k) {
  if (!ts_is(pair->node, "pair")) return false;
  ts_frame *obj = ts_up(w, k + 1);
  if (!obj || !ts_is(obj->node, "object")) return false;
  return void_key(w, c, ts_field(pair->node, "key"), ts_up(w, k + 2));
}

/* An assignment to a local or a field declared as a function returning void. */
static bool void_assigned(ts_walk *w, js_ctx *c, TSNode assign) {
  TSNode l = ts_field(assign, "left");
  if (!c->fn_types.len || !(ts_is(l, "identifier") || ts_is(l, "member_expression"))) return false;
  const char *name = dotted(w, l);
  if (strchr(name, '.') && (!al_starts_with(name, "this.") || strchr(name + 5, '.'))) return false;
  al_binding *b = ts_typed_var(w, &c->fn_types, "this.", name);
  return b && b->member == void_fn_local;
}

/* The member key of an object literal declared as decl (`const o: T = {...}`) is typed
 * as a function returning void by T: an inline object type, or a type or interface of
 * this file (c->void_types). */
static bool void_key(ts_walk *w, js_ctx *c, TSNode key, ts_frame *decl) {
  if (!ts_is(key, "property_identifier") || !decl || !ts_is(decl->node, "variable_declarator")) return false;
  TSNode ann = ts_field(decl->node, "type");
  TSNode ot = ts_is(ann, "type_annotation") ? ts_node_named_child(ann, 0) : ann;
  if (ts_is(ot, "object_type")) return void_in_object_type(w, ot, key);
  if (!c->void_types.len) return false;
  const char *t = named_type(w, ann);
  if (!t) return false;
  char *full = al_fmt("%s.%s", t, ts_text(w, key));
  bool r = al_map_get(&c->void_types, full) != NULL;
  free(full);
  return r;
}

/* The file's top-level declarations (through `export`), once per file: functions
 * (`function f`, `declare function f`, `const f = (...) => ...`) by their parameters,
 * interfaces and type aliases by their bodies, classes by what they extend ('c'). A
 * declaration may come after its use. */
static void build_top(ts_walk *w, js_ctx *c) {
  c->top_built = true;
  TSTreeCursor cur = ts_tree_cursor_new(w->frames[0].node);
  for (bool more = ts_tree_cursor_goto_first_child(&cur); more; more = ts_tree_cursor_goto_next_sibling(&cur)) {
    TSNode d = ts_tree_cursor_current_node(&cur);
    if (ts_is(d, "export_statement")) d = ts_field(d, "declaration");
    if (ts_node_is_null(d)) continue;
    TSNode key = {0}, val = {0};
    char kind = 0;
    if (ts_is(d, "function_declaration") || ts_is(d, "function_signature")) {
      key = ts_field(d, "name"), val = ts_field(d, "parameters"), kind = 'f';
    } else if (ts_is(d, "interface_declaration") || ts_is(d, "type_alias_declaration")) {
      key = ts_field(d, "name"), val = ts_field(d, ts_is(d, "type_alias_declaration") ? "value" : "body"), kind = 't';
    } else if (ts_is(d, "class_declaration") || ts_is(d, "abstract_class_declaration")) {
      /* what the class extends (`extends Promise<T>`), by its name */
      for (uint32_t j = 0, m = ts_node_named_child_count(d); j < m && !kind; j++) {
        TSNode h = ts_node_named_child(d, j);
        if (!ts_is(h, "class_heritage")) continue;
        for (uint32_t k = 0, hn = ts_node_named_child_count(h); k < hn && !kind; k++) {
          TSNode ext = ts_node_named_child(h, k);
          if (ts_is(ext, "extends_clause")) key = ts_field(d, "name"), val = ts_field(ext, "value"), kind = 'c';
        }
      }
    } else if (ts_is(d, "lexical_declaration")) {
      for (uint32_t j = 0, m = ts_node_named_child_count(d); j < m; j++) {
        TSNode v = ts_node_named_child(d, j), dn = ts_field(v, "name"), fv = ts_field(v, "value");
        if (!ts_is(v, "variable_declarator") || !ts_is(dn, "identifier") ||
            !(ts_is(fv, "arrow_function") || ts_is(fv, "function_expression")))
          continue;
        TSNode *slot = al_arena_alloc(&w->f->arena, sizeof *slot);
        *slot = ts_field(fv, "parameters");
        char *k = al_fmt("f:%s", ts_text(w, dn));
        if (!al_map_get(&c->top, k)) al_map_put(&c->top, k, slot);
        free(k);
      }
      continue;
    }
    if (!kind || ts_node_is_null(key) || ts_node_is_null(val)) continue;
    TSNode *slot = al_arena_alloc(&w->f->arena, sizeof *slot);
    *slot = val;
    char *k = al_fmt("%c:%s", kind, ts_text(w, key));
    if (!al_map_get(&c->top, k)) al_map_put(&c->top, k, slot);
    free(k);
  }
  ts_tree_cursor_delete(&cur);
}

/* What build_top recorded for name (kind 'f', 't' or 'c'), or a null node. */
static TSNode top_decl(ts_walk *w, js_ctx *c, char kind, TSNode name) {
  if (!c->top_built) build_top(w, c);
  TSNode none = {0};
  uint32_t nl = ts_node_end_byte(name) - ts_node_start_byte(name);
  if (!c->top.len || nl > 200) return none;
  char k[208];
  k[0] = kind, k[1] = ':';
  memcpy(k + 2, w->text + ts_node_start_byte(name), nl);
  k[nl + 2] = 0;
  TSNode *slot = al_map_get(&c->top, k);
  return slot ? *slot : none;
}

/* Parameter pos of params is typed (an object type in place, or an interface or type
 * alias of this file) with a member key declared as returning void. */
static bool param_void_key(ts_walk *w, TSNode params, uint32_t pos, TSNode key) {
  if (ts_node_is_null(params) || pos >= ts_node_named_child_count(params)) return false;
  TSNode p = ts_node_named_child(params, pos);
  if (!ts_is(p, "required_parameter") && !ts_is(p, "optional_parameter")) return false;
  TSNode ann = ts_field(p, "type");
  TSNode t = ts_is(ann, "type_annotation") ? ts_node_named_child(ann, 0) : ann;
  if (ts_is(t, "object_type")) return void_in_object_type(w, t, key);
  if (!ts_is(t, "type_identifier")) return false;
  TSNode body = top_decl(w, w->user, 't', t);
  return !ts_node_is_null(body) && void_in_object_type(w, body, key);
}

/* `register({ onDone: async () => {...} })` where `function register(o: Opts)` and Opts
 * (an interface or object type of this file, or written in place) declares onDone as
 * returning void (typescript-eslint checksVoidReturn: an object literal argument). key:
 * the pair's key; frame k: the object literal, an argument of a call. */
static bool void_arg_key(ts_walk *w, TSNode key, int k) {
  ts_frame *obj = ts_up(w, k), *args = ts_up(w, k + 1), *call = ts_up(w, k + 2);
  if (!obj || !args || !call || !ts_is(obj->node, "object") || !ts_is(args->node, "arguments") ||
      !ts_is(call->node, "call_expression") || !ts_is(key, "property_identifier"))
    return false;
  TSNode callee = ts_field(call->node, "function");
  if (!ts_is(callee, "identifier")) return false;
  if (args->wide) return false; /* (a call with that many arguments: not looked into) */
  uint32_t pos = args->next - 1; /* the argument being walked */
  return param_void_key(w, top_decl(w, w->user, 'f', callee), pos, key);
}

/* `<Editor onSave={async () => {...}} />` where `function Editor(props: Props)` and
 * Props declares onSave as returning void (checksVoidReturn: JSX attributes). Frame k:
 * the attribute's jsx_expression. */
static bool void_jsx_attribute(ts_walk *w, int k) {
  ts_frame *attr = ts_up(w, k + 1), *el = ts_up(w, k + 2);
  if (!attr || !el || !ts_is(attr->node, "jsx_attribute") ||
      (!ts_is(el->node, "jsx_self_closing_element") && !ts_is(el->node, "jsx_opening_element")))
    return false;
  TSNode key = ts_node_named_child(attr->node, 0), name = ts_field(el->node, "name");
  if (!ts_is(key, "property_identifier") || !ts_is(name, "identifier")) return false;
  char first = w->text[ts_node_start_byte(name)];
  if (first < 'A' || first > 'Z') return false; /* a DOM element: the handler rules by name */
  return param_void_key(w, top_decl(w, w->user, 'f', name), 0, key);
}

/* An async method (or a field holding an async arrow) of a class that extends or
 * implements (by name, in this file) a class or interface declaring that member as
 * returning void (typescript-eslint checksVoidReturn: inheritedMethods). cls is the
 * frame of the class around the member. */
static bool overrides_void(ts_walk *w, js_ctx *c, TSNode member, ts_frame *cls) {
  TSNode mn = ts_field(member, "name");
  if (!c->void_types.len || !cls || !ts_is(mn, "property_identifier")) return false;
  for (uint32_t i = 0, k = ts_node_named_child_count(cls->node); i < k; i++) {
    TSNode h = ts_node_named_child(cls->node, i);
    if (!ts_is(h, "class_heritage")) continue;
    for (uint32_t j = 0, kj = ts_node_named_child_count(h); j < kj; j++) {
      TSNode clause = ts_node_named_child(h, j);
      for (uint32_t b = 0, kb = ts_node_named_child_count(clause); b < kb; b++) {
        TSNode base = ts_node_named_child(clause, b);
        if (!ts_is(base, "identifier") && !ts_is(base, "type_identifier")) continue;
        char *full = al_fmt("%s.%s", ts_text(w, base), ts_text(w, mn));
        bool r = al_map_get(&c->void_types, full) != NULL;
        free(full);
        if (r) return true;
      }
    }
  }
  return false;
}

static ir_node *lower_fn_typed(ts_walk *w, ir_node *parent, TSNode name, TSNode annotation) {
  if (ts_node_is_null(name) || !promise_fn_type(w, annotation)) return NULL;
  ir_node *x = ir_add(w->f, parent, IR_FUNC, ts_span(name));
  x->flags |= IR_F_RETURNS_PROMISE;
  const char *nm = ts_text(w, name);
  ir_node *cls = parent && parent->kind == IR_CLASS ? parent : NULL;
  x->name = cls ? al_arena_fmt(&w->f->arena, "%s.%s", cls->name, nm) : nm;
  if (cls) x->flags |= IR_F_METHOD;
  return x;
}

/* A parameter (or a variable: fn its function, NULL at module level) typed with an object
 * type written in place (`o: { save(): Promise<void>; load: () => Promise<Row> }`): its
 * methods that return promises become bodiless methods of a class named after the
 * function and the parameter (`f.o`, module level), and the parameter holds that class —
 * `o.save()` floats as an interface's method would. */
static void inline_object_type(ts_walk *w, const ir_node *fn, const char *param, TSNode annotation) {
  TSNode t = ts_is(annotation, "type_annotation") ? ts_node_named_child(annotation, 0) : annotation;
  if (ts_is(t, "union_type")) t = sole_defined_member(t); /* `o: { save(): Promise<void> } | undefined` */
  if (!ts_is(t, "object_type") || (fn && (!fn->name || strpbrk(fn->name, "<")))) return;
  ir_node *cls = NULL;
  for (uint32_t i = 0, k = ts_node_named_child_count(t); i < k && i < 256; i++) {
    TSNode m = ts_node_named_child(t, i);
    TSNode nm = ts_field(m, "name");
    if (!ts_is(nm, "property_identifier")) continue;
    bool method = ts_is(m, "method_signature");
    TSNode rt = ts_field(m, "return_type");
    if (method ? !returns_promise_type(w, rt) && !union_with_promise(w, rt)
               : !ts_is(m, "property_signature") || !promise_fn_type(w, ts_field(m, "type")))
      continue;
    if (!cls) {
      cls = ir_add(w->f, w->f->root, IR_CLASS, ts_span(t));
      cls->name = fn ? al_arena_fmt(&w->f->arena, "%s.%s", fn->name, param) : param;
    }
    if (!method) { /* `load: () => Promise<Row>`, as a class field of that type */
      lower_fn_typed(w, cls, nm, ts_field(m, "type"));
      continue;
    }
    ir_node *f = ir_add(w->f, cls, IR_FUNC, ts_span(nm));
    f->name = al_arena_fmt(&w->f->arena, "%s.%s", cls->name, ts_text(w, nm));
    f->flags |= IR_F_RETURNS_PROMISE | IR_F_METHOD;
    if (!returns_promise_type(w, rt)) f->flags |= IR_F_MAYBE_PROMISE;
  }
  if (cls) ts_bind_type(w, &((js_ctx *)w->user)->types, fn, "this.", param, NULL, cls->name);
}

static ir_node *lower_func(ts_walk *w, TSNode n, ir_node *parent) {
  uint32_t flags = 0;
  const char *name = func_name(w, n, &flags);
  /* a function declared in a function (`function save() {}`, `const load = async () =>
   * ...`) is that function's: qualified by it, and its bare name, called there, is this
   * one (not a module function of the same name) */
  const ir_node *scope = name && !(flags & IR_F_METHOD) && !strchr(name, '.') && !strchr(name, '<') ? ts_scope(w) : NULL;
  const ir_node *in = scope || (name && !(flags & IR_F_METHOD) && !strchr(name, '.') && !strchr(name, '<'))
                          ? ts_enclosing_own(w, IR_FUNC) : NULL; /* (a lambda included) */
  if (in && (in->flags & IR_F_LAMBDA)) {
    /* declared in an anonymous callback (`app.get('/', async (req, res) => { function
     * helper() {} ... })`): that callback's, named by where it starts */
    const char *q = al_arena_fmt(&w->f->arena, "<anonymous@%u>.%s", in->span.line, name);
    ts_alias_bind_in(&((js_ctx *)w->user)->aliases, in, name, q);
    name = q;
  } else if (scope && scope->name && strcmp(scope->name, "<anonymous>")) {
    const char *q = al_arena_fmt(&w->f->arena, "%s.%s", scope->name, name);
    ts_alias_bind(w, &((js_ctx *)w->user)->aliases, name, q);
    name = q;
  } else {
    scope = NULL;
  }
  ir_node *x = ir_add(w->f, parent, IR_FUNC, ts_span(n));
  x->flags |= flags;
  x->name = name ? name : "<anonymous>";
  if (ts_is(n, "method_definition") && ((js_ctx *)w->user)->getters.map.len && ts_has_token(n, "get"))
    x->flags |= IR_F_PROPERTY; /* a getter: reading the member calls it */
  TSNode b = name || (flags & IR_F_LAMBDA) ? ts_field(n, "body") : (TSNode){0};
  uint32_t bs = ts_node_is_null(b) ? 0 : ts_node_start_byte(b), be = ts_node_is_null(b) ? 0 : ts_node_end_byte(b);
  js_ctx *jc = w->user;
  if (be > bs + 1 && (!jc->next_function_kw || jc->next_function_kw < w->text + bs + 1)) { /* (see next_function_kw) */
    const char *kw = memmem(w->text + bs + 1, w->f->src->len - bs - 1, "function", 8);
    jc->next_function_kw = kw ? kw : w->text + w->f->src->len; /* none: the end, not asked again */
  }
  if (be > bs + 1 && jc->next_function_kw < w->text + be && ts_is(b, "statement_block")) {
    /* its function declarations are hoisted: callable before them */
    TSTreeCursor cur = ts_tree_cursor_new(b);
    for (bool more = ts_tree_cursor_goto_first_child(&cur); more; more = ts_tree_cursor_goto_next_sibling(&cur)) {
      TSNode d = ts_tree_cursor_current_node(&cur);
      const char *dt = ts_node_type(d);
      if (strcmp(dt, "function_declaration") && strcmp(dt, "generator_function_declaration")) continue;
      TSNode dn = ts_field(d, "name");
      if (!ts_is(dn, "identifier")) continue;
      const char *q = (x->flags & IR_F_LAMBDA) /* named as lower_func names it, below */
                          ? al_arena_fmt(&w->f->arena, "<anonymous@%u>.%s", x->span.line, ts_text(w, dn))
                          : al_arena_fmt(&w->f->arena, "%s.%s", x->name, ts_text(w, dn));
      ts_alias_bind_in(&((js_ctx *)w->user)->aliases, x, ts_text(w, dn), q);
    }
    ts_tree_cursor_delete(&cur);
  }
  if (ts_has_token(n, "async")) x->flags |= IR_F_ASYNC;
  if (((js_ctx *)w->user)->typescript) {
    TSNode rt = ts_field(n, "return_type");
    if (returns_promise_type(w, rt)) x->flags |= IR_F_RETURNS_PROMISE;
    else if (!(x->flags & IR_F_ASYNC) && union_with_promise(w, rt))
      x->flags |= IR_F_RETURNS_PROMISE | IR_F_MAYBE_PROMISE;
    else if (!(x->flags & IR_F_ASYNC) && (!ts_node_is_null(ts_field(n, "body")) || sole_signature(w, n)))
      x->type = primitive_type(w, rt); /* `(): number`: never a promise, whatever the body (a body-less
                                        * signature only when it is the name's one declaration: else it
                                        * is one overload of several) */
    /* `function log(): void { ... }`, `const log = (): void => { ... }`: a function with a body
     * says it returns nothing (not a method, which a subclass may override with an async one,
     * nor a signature: an async implementation may stand behind a `(): void` one) */
    if (!x->type && !(x->flags & (IR_F_ASYNC | IR_F_RETURNS_PROMISE)) && is_void(w, rt)) {
      TSNode body = ts_field(n, "body");
      ts_frame *up = ts_up(w, 1), *decl = ts_up(w, 2); /* (a `let` may be given an async one later) */
      bool bound = (ts_is(n, "arrow_function") || ts_is(n, "function_expression")) && ts_is(body, "statement_block") &&
                   up && ts_is(up->node, "variable_declarator") && decl && ts_is(decl->node, "lexical_declaration") &&
                   ts_has_token(decl->node, "const");
      if ((ts_is(n, "function_declaration") && !ts_node_is_null(body)) || bound) x->type = "void";
    }
    if (name) record_return(w, w->user, x, name, rt);
    if (x->flags & IR_F_ASYNC) { /* stored where a `() => void` is expected */
      int k = 1;
      ts_frame *p = ts_up(w, k);
      while (p && (ts_is(p->node, "parenthesized_expression") || ts_is(p->node, "as_expression"))) p = ts_up(w, ++k);
      if (p && (ts_is(p->node, "variable_declarator") || ts_is(p->node, "public_field_definition")) &&
          void_fn_type(w, ts_field(p->node, "type")))
        x->flags |= IR_F_VOID_SLOT;
      else if (p && void_member(w, w->user, p, k))
        x->flags |= IR_F_VOID_SLOT;
      else if (p && ts_is(p->node, "pair") && void_arg_key(w, ts_field(p->node, "key"), k + 1))
        x->flags |= IR_F_VOID_SLOT; /* `register({ onDone: async () => {...} })` */
      else if (ts_is(n, "method_definition") && overrides_void(w, w->user, n, ts_up(w, 2)))
        x->flags |= IR_F_VOID_SLOT;
      else if (ts_is(n, "method_definition") && p && ts_is(p->node, "object") &&
               void_key(w, w->user, ts_field(n, "name"), ts_up(w, k + 1)))
        x->flags |= IR_F_VOID_SLOT; /* `const impl: Handler = { async run() {...} }` */
      else if (ts_is(n, "method_definition") && p && ts_is(p->node, "object") &&
               void_arg_key(w, ts_field(n, "name"), k))
        x->flags |= IR_F_VOID_SLOT; /* `register({ async onDone() {...} })` */
      else if (p && ts_is(p->node, "assignment_expression") && void_assigned(w, w->user, p->node))
        x->flags |= IR_F_VOID_SLOT; /* `onDone = async () => {...}` with `let onDone: () => void` */
      else if (p && ts_is(p->node, "jsx_expression") && void_jsx_attribute(w, k))
        x->flags |= IR_F_VOID_SLOT; /* `<Editor onSave={async () => {...}} />` */
      else if (p && ts_is(p->node, "public_field_definition") && overrides_void(w, w->user, p->node, ts_up(w, k + 2)))
        x->flags |= IR_F_VOID_SLOT; /* `onTick = async () => {...}` */
      else if (p && ts_is(p->node, "return_statement"))
        for (ts_frame *q = ts_up(w, ++k); q; q = ts_up(w, ++k)) {
          const char *qt = ts_node_type(q->node);
          if (al_streq(qt, "function_declaration") || al_streq(qt, "function_expression") || al_streq(qt, "function") ||
              al_streq(qt, "arrow_function") || al_streq(qt, "method_definition")) {
            if (void_fn_type(w, ts_field(q->node, "return_type"))) x->flags |= IR_F_VOID_SLOT;
            break;
          }
        }
    }
  }
  if (ts_is(n, "generator_function_declaration") || ts_is(n, "generator_function") || ts_has_token(n, "*"))
    x->flags |= IR_F_GENERATOR;
  if (!scope && is_exported(w)) x->flags |= IR_F_EXPORTED;
  TSNode body = ts_field(n, "body");
  if (!ts_node_is_null(body)) x->body = ts_node_start_byte(body);
  if (ts_is(n, "arrow_function") && !(x->flags & (IR_F_LAMBDA | IR_F_GENERATOR)) && !strchr(x->name, '<') &&
      strlen(x->name) < FACTORY_NAME_MAX && !x->member) { /* `const makeClient = () => ({ async load() {} })`: as infer_return's `return {...}` */
    TSNode e = body;
    while (ts_is(e, "parenthesized_expression")) e = ts_node_named_child(e, 0);
    js_ctx *c = w->user;
    if (ts_is(e, "object") && !(c->returns.len && al_map_get(&c->returns, x->name)) && object_has_functions(w, c, e)) {
      x->member = al_arena_fmt(&w->f->arena, "%s()", x->name);
      js_return *rb = al_arena_alloc(&w->f->arena, sizeof *rb);
      memset(rb, 0, sizeof *rb);
      rb->type = (al_binding){NULL, x->member};
      rb->promise = (x->flags & IR_F_ASYNC) != 0;
      rb->inferred = true;
      al_map_put(&c->returns, x->name, rb);
    }
  }
  TSNode params = ts_field(n, "parameters");
  if (ts_node_is_null(params)) params = ts_field(n, "parameter"); /* x => ... */
  /* (a global API's callbacks too: `Deno.test('t', async (t) => ...)`, an entry marked `global`,
   * and a typed receiver's: `t.step('s', async (t) => ...)`) */
  bool fn_expr = ts_is(n, "function_expression") || ts_is(n, "function"); /* `async function named(t) {...}` */
  if (parent && parent->kind == IR_CALL && parent->name &&
      ((x->flags & IR_F_LAMBDA) || fn_expr || (x->name && al_starts_with(x->name, "<object>."))))
    bind_destructured_params(w, w->user, parent, x, params);
  if (!ts_node_is_null(params)) {
    if (!ts_is(params, "formal_parameters")) {
      x->args = al_arena_alloc(&w->f->arena, sizeof *x->args);
      x->args[x->nargs++].text = ts_text_short(w, params, 60);
    } else {
      uint32_t k = ts_node_named_child_count(params);
      x->args = al_arena_alloc(&w->f->arena, (k ? k : 1) * sizeof *x->args);
      for (uint32_t i = 0; i < k; i++) {
        TSNode p = ts_node_named_child(params, i);
        if (ts_is(p, "comment")) continue;
        bool promise_fn = false, promise = false, void_fn = false, promise_array = false, plain = false,
             maybe_promise = false;
        if (ts_is(p, "required_parameter") || ts_is(p, "optional_parameter")) { /* TypeScript: `x: T = v` */
          TSNode pat = ts_field(p, "pattern");
          if (ts_node_is_null(pat)) continue; /* `this: T` */
          if (ts_is(pat, "identifier")) {
            const char *pn = ts_text(w, pat);
            bind_annotation(w, w->user, x, pn, ts_field(p, "type"));
            inline_object_type(w, x, pn, ts_field(p, "type"));
            if (promise_fn_type(w, ts_field(p, "type"))) promise_fn = true;
            else if (void_fn_type(w, ts_field(p, "type"))) void_fn = true;
            /* `p: Promise<T>`: `p;` and `p.then(f)` float; reads of p are lowered to USE */
            else if (returns_promise_type(w, ts_field(p, "type"))) {
              promise = true;
              ts_names_add(&((js_ctx *)w->user)->stored, pn);
            } else if (promise_array_type(w, ts_field(p, "type"))) {
              promise_array = true;
              ts_names_add(&((js_ctx *)w->user)->stored, pn);
            } else if (union_with_promise(w, ts_field(p, "type"))) { /* `p: Promise<T> | null` */
              maybe_promise = true;
              ts_names_add(&((js_ctx *)w->user)->stored, pn);
            } else {
              plain = plain_type(w, ts_field(p, "type"), 0);
            }
            /* a parameter property (`constructor(private repo: Repo)`) is this.repo too */
            if (ts_node_named_child_count(p) && ts_is(ts_node_named_child(p, 0), "accessibility_modifier")) {
              bind_annotation(w, w->user, x, al_arena_fmt(&w->f->arena, "this.%s", pn), ts_field(p, "type"));
              /* `constructor(private load: () => Promise<T>)`: this.load() is awaitable, as for a field */
              if (promise_fn && parent && parent->kind == IR_CLASS) lower_fn_typed(w, parent, pat, ts_field(p, "type"));
              /* `constructor(private boot: Promise<void>)`: this.boot is a promise field */
              if ((promise || maybe_promise) && parent && parent->kind == IR_CLASS) promise_field(w, w->user, parent, p, pat);
            }
          }
          /* `({ load, save: store }: Api)`: load() calls Api's load, store() its save */
          if (ts_is(pat, "object_pattern") && ((js_ctx *)w->user)->typescript) {
            const char *type = annotated_type(w, ts_field(p, "type"));
            if (type) alias_pattern_members(w, w->user, x, pat, type);
          }
          p = pat;
        }
        if (ts_is(p, "assignment_pattern")) p = ts_field(p, "left");
        ir_arg *a = &x->args[x->nargs++];
        if (promise_fn) a->flags |= IR_ARG_PROMISE_FN;
        if (promise) a->flags |= IR_ARG_PROMISE;
        if (promise_array) a->flags |= IR_ARG_PROMISE_ARRAY;
        if (maybe_promise) a->flags |= IR_ARG_MAYBE_PROMISE;
        if (void_fn) a->flags |= IR_ARG_VOID_FN;
        if (plain) a->flags |= IR_ARG_PLAIN;
        if (ts_is(p, "rest_pattern")) a->flags |= IR_ARG_SPREAD;
        a->text = ts_text_short(w, p, 60);
      }
    }
  }
  overload_run_add(w, n, x);
  ts_frame *up = ts_up(w, 1);
  if (up && ts_is(up->node, "export_statement") && ts_has_token(up->node, "default")) x->alias = "default";
  else if ((x->flags & IR_F_METHOD) && parent->kind == IR_CLASS && parent->alias) default_method(w->f, x);
  return x;
}

/* An identifier that is read (not a declaration or assignment target, not a property). */
static bool js_is_read(ts_walk *w) {
  ts_frame *p = ts_up(w, 1);
  if (!p) return false;
  const char *fld = ts_cur_field_name(w);
  const char *pt = ts_node_type(p->node);
  if (fld && al_streq(fld, "name") && (al_streq(pt, "variable_declarator") || al_streq(pt, "function_declaration") ||
                                      al_streq(pt, "class_declaration")))
    return false;
  if (fld && al_streq(fld, "left") && (al_streq(pt, "assignment_expression") || al_streq(pt, "for_in_statement")))
    return false; /* (`for (const p of ps)`: p is bound, not read) */
  if (al_streq(pt, "formal_parameters")) return false;
  if ((al_streq(pt, "required_parameter") || al_streq(pt, "optional_parameter")) && fld && al_streq(fld, "pattern"))
    return false; /* TypeScript parameters */
  return true;
}

/* JSX: an event handler prop of an intrinsic element (`<button onClick={save}>`) is
 * lowered as a call of `jsx.onClick` with the handler as its argument (knowledge
 * `void_callbacks`: React ignores what a DOM handler returns); text is the element. A
 * component's props (`<Form onSubmit>`) are its own to define, and are not. */
static ir_node *lower_jsx_handler(ts_walk *w, TSNode n, ir_node *parent) {
  TSNode name = ts_node_named_child(n, 0), value = ts_node_named_child(n, 1);
  if (!ts_is(name, "property_identifier") || !ts_is(value, "jsx_expression")) return NULL;
  const char *pn = ts_text(w, name);
  if (strncmp(pn, "on", 2) || pn[2] < 'A' || pn[2] > 'Z') return NULL;
  TSNode el = ts_node_parent(n), tag = ts_field(el, "name");
  if (!ts_is(tag, "identifier")) return NULL;
  const char *tn = ts_text(w, tag);
  if (tn[0] < 'a' || tn[0] > 'z') return NULL;
  TSNode e = ts_node_named_child(value, 0);
  if (ts_node_is_null(e)) return NULL;
  ir_node *x = ir_add(w->f, parent, IR_CALL, ts_span(n));
  x->name = al_arena_fmt(&w->f->arena, "jsx.%s", pn);
  x->text = tn;
  x->use = IR_USE_OTHER;
  x->args = al_arena_alloc(&w->f->arena, sizeof *x->args);
  ir_arg *a = &x->args[x->nargs++];
  if (ts_is(e, "arrow_function") || ts_is(e, "function_expression")) a->flags |= IR_ARG_LAMBDA;
  a->text = ts_text_short(w, e, 60);
  return x;
}

static bool js_ident_char(char ch) {
  return ch == '_' || ch == '$' || (ch >= '0' && ch <= '9') || ((ch | 32) >= 'a' && (ch | 32) <= 'z') ||
         (unsigned char)ch >= 0x80;
}

/* The names of the getters the file defines (`get config() {`, `static get x() {`), by a
 * scan of the text before the walk (a read may come before the getter): `get`, not after a
 * dot or inside a word, then a name and `(`. */
static void scan_getters(const char *t, size_t len, ts_names *getters) {
  for (size_t i = 0; i + 5 < len; i++) {
    const char *p = memchr(t + i, 'g', len - i);
    if (!p) return;
    i = (size_t)(p - t);
    if (i + 4 >= len || p[1] != 'e' || p[2] != 't' || (p[3] != ' ' && p[3] != '\t')) continue;
    if (i > 0 && (js_ident_char(t[i - 1]) || t[i - 1] == '.')) continue;
    size_t j = i + 4;
    while (j < len && (t[j] == ' ' || t[j] == '\t')) j++;
    size_t s0 = j;
    while (j < len && js_ident_char(t[j])) j++;
    if (j == s0 || j - s0 >= 128 || (t[s0] >= '0' && t[s0] <= '9')) continue;
    size_t e0 = j;
    while (j < len && (t[j] == ' ' || t[j] == '\t')) j++;
    if (j >= len || t[j] != '(') continue;
    char nm[128];
    memcpy(nm, t + s0, e0 - s0);
    nm[e0 - s0] = 0;
    ts_names_add(getters, nm);
    i = j;
  }
}

/* `this.config` where config names a getter of this file: a CALL of the getter (flag
 * IR_F_PROPERTY), unless the member is called, assigned, updated or deleted. n: the
 * member's property_identifier (the current node). */
static ir_node *lower_getter_read(ts_walk *w, js_ctx *c, TSNode n) {
  uint32_t s0 = ts_node_start_byte(n), e0 = ts_node_end_byte(n);
  if (!ts_names_has(&c->getters, w->text + s0, e0 - s0)) return NULL;
  ts_frame *up = ts_up(w, 1), *up2 = ts_up(w, 2);
  if (!up || !ts_is(up->node, "member_expression") || !ts_node_eq(ts_field(up->node, "property"), n)) return NULL;
  if (up2) {
    const char *pt = ts_node_type(up2->node);
    if (al_streq(pt, "call_expression") && ts_node_eq(ts_field(up2->node, "function"), up->node)) return NULL;
    if ((al_streq(pt, "assignment_expression") || al_streq(pt, "augmented_assignment_expression")) &&
        ts_node_eq(ts_field(up2->node, "left"), up->node))
      return NULL; /* a setter */
    if (al_streq(pt, "update_expression")) return NULL;
    if (al_streq(pt, "unary_expression") && ts_is(ts_field(up2->node, "operator"), "delete")) return NULL;
  }
  ir_node *call = ir_add(w->f, up->ir, IR_CALL, ts_span(up->node));
  call->flags |= IR_F_PROPERTY;
  const char *text = dotted(w, up->node);
  call->text = text;
  resolve_callee(w, c, up->node, text, call, false);
  const char *var = NULL;
  w->depth--; /* the use of the member, not of its name */
  call->use = (uint8_t)call_use(w, &var);
  w->depth++;
  call->alias = var;
  /* `const r = t.loaded;`: r's reads are USEs, as a call's variable's (`return r` hands it on) */
  if (var && call->use == IR_USE_ASSIGNED && !strchr(var, '.') && !strchr(var, '[') && !strchr(var, '{'))
    ts_names_add(&c->stored, var);
  return call;
}

/* TypeScript: a field or interface property declared with a promise type (`ready:
 * Promise<void>;`; optional or in a union: maybe one): reading it is like calling a getter
 * that returns one — `this.ready;` or `svc.ready;` alone floats it (typescript-eslint
 * no-floating-promises).
 * A bodiless property FUNC of the class (IR_F_PROMISE_TYPED tells it from a getter); the
 * field's name joins the getters, so the reads after it are lowered as property calls. */
static void promise_field(ts_walk *w, js_ctx *c, ir_node *parent, TSNode field, TSNode nm) {
  if (!c->promise_fields || !parent || parent->kind != IR_CLASS || !parent->name) return;
  TSNode ty = ts_field(field, "type");
  bool sure = returns_promise_type(w, ty);
  if (!sure && !union_with_promise(w, ty)) return;
  const char *name = ts_text(w, nm);
  ir_node *x = ir_add(w->f, parent, IR_FUNC, ts_span(nm));
  x->name = al_arena_fmt(&w->f->arena, "%s.%s", parent->name, name);
  x->flags |= IR_F_METHOD | IR_F_PROPERTY | IR_F_RETURNS_PROMISE | IR_F_PROMISE_TYPED;
  /* `opt?: Promise<void>`, `closing: Promise<void> | null`: dropped it may float, while
   * `if (this.opt)` is a real test */
  if (!sure || ts_has_token(field, "?")) x->flags |= IR_F_MAYBE_PROMISE;
  ts_names_add(&c->getters, name);
}

/* Every node type js_enter looks at (ts_walk skips calling it for the others); a file that
 * defines getters adds property_identifier (member reads that may call one). */
#define JS_HANDLED \
  "abstract_class_declaration", "abstract_method_signature", "arrow_function", "assignment_expression", \
  "augmented_assignment_expression", "await_expression", "break_statement", "call_expression", "catch_clause", \
  "class", "class_body", "class_declaration", "continue_statement", "do_statement", "export_statement", \
  "finally_clause", "for_in_statement", \
  "for_statement", "function", "function_declaration", "function_expression", "function_signature", \
  "generator_function", "generator_function_declaration", "identifier", "import_statement", \
  "interface_declaration", "jsx_attribute", "method_definition", "method_signature", "new_expression", \
  "object_type", "pair", "property_signature", "public_field_definition", "return_statement", \
  "shorthand_property_identifier", "string", "throw_statement", "try_statement", "type_alias_declaration", \
  "using_declaration", "variable_declarator", "while_statement"
static const char *const js_handled_getters[] = {JS_HANDLED, "property_identifier", NULL};
static const char *const js_handled[] = {JS_HANDLED, NULL};

/* `[...rl]`, `f(...rl)`, `Array.from(rl)` with rl a name the annotations typed (`rl:
 * readline.Interface`) as an object only `for await` iterates (knowledge
 * `async_iterables`): a USE carrying that type, for AL101 (a local assigned a call
 * result is a USE already, typed by its assignment). */
static ir_node *typed_spread_read(ts_walk *w, js_ctx *c, TSNode n, ir_node *parent) {
  uint32_t at = ts_node_start_byte(n); /* first the text before it: `...rl`, `Array.from(rl` (most reads are neither) */
  while (at > 0 && (w->text[at - 1] == ' ' || w->text[at - 1] == '\t' || w->text[at - 1] == '\n' || w->text[at - 1] == '\r'))
    at--;
  bool dots = at >= 3 && !memcmp(w->text + at - 3, "...", 3);
  if (!dots && (at < 11 || memcmp(w->text + at - 11, "Array.from(", 11))) return NULL;
  ts_frame *up = ts_up(w, 1), *call = ts_up(w, 2);
  bool spread = up && ts_is(up->node, "spread_element");
  bool from = !spread && up && call && ts_is(up->node, "arguments") && ts_is(call->node, "call_expression") &&
              ts_node_eq(ts_node_named_child(up->node, 0), n) &&
              al_streq(ts_text_short(w, ts_field(call->node, "function"), 40), "Array.from");
  if (!spread && !from) return NULL;
  const char *name = ts_text(w, n);
  al_binding *b = ts_typed_var(w, &c->types, "this.", name);
  if (!b || !b->module || !b->member || !*b->member || strchr(b->member, '(')) return NULL;
  const char *type = al_arena_fmt(&w->f->arena, "%s.%s", b->module, b->member);
  if (!al_kb_match(al_kb_for(AL_LANG_JS), "async_iterables", type)) return NULL;
  ir_node *x = ir_add(w->f, parent, IR_USE, ts_span(n));
  x->name = name;
  x->use = IR_USE_PASSED;
  x->type = type;
  return x;
}

static ir_node *js_enter(ts_walk *w, bool *descend) {
  js_ctx *c = w->user;
  ts_frame *fr = ts_cur(w);
  TSNode n = fr->node;
  ir_node *parent = fr->ir;
  if (!ts_node_is_named(n)) return NULL;
  const char *t = ts_node_type(n);
  ir_node *x = NULL;
  switch (t[0]) {
  case 'a':
    if (al_streq(t, "await_expression")) {
      ts_frame *up = ts_up(w, 1); /* `await f<T>(x)`: lowered with the call around it */
      if (up && ts_is(up->node, "call_expression") && typed_await_callee(up->node) &&
          ts_node_eq(ts_field(up->node, "function"), n))
        return NULL;
      return ir_add(w->f, parent, IR_AWAIT, ts_span(n));
    }
    if (al_streq(t, "assignment_expression") || al_streq(t, "augmented_assignment_expression")) {
      TSNode left = ts_field(n, "left");
      bind_new(w, c, left, ts_field(n, "right"));
      if (al_streq(t, "assignment_expression")) bind_alias(w, c, left, ts_field(n, "right"));
      if (!ts_is(left, "identifier")) {
        TSNode right = ts_field(n, "right");
        if (ts_is(right, "identifier") && !ts_scope(w) && al_streq(dotted(w, left), "module.exports"))
          c->default_name = ts_text(w, right); /* `module.exports = Store;` */
        break;
      }
      x = ir_add(w->f, parent, IR_ASSIGN, ts_span(n));
      x->name = ts_text(w, left);
      x->text = ts_text_short(w, ts_field(n, "right"), 80);
      return x;
    }
    if (al_streq(t, "arrow_function")) return lower_func(w, n, parent);
    if (al_streq(t, "abstract_method_signature")) return lower_func(w, n, parent); /* TypeScript */
    if (al_streq(t, "abstract_class_declaration")) {
      if (c->typescript) record_void_types(w, c, n);
      goto klass;
    }
    break;
  case 'b':
    if (al_streq(t, "break_statement")) {
      /* a break ending a switch is no loop exit, unless it jumps out of a finally or catch
       * to a switch around the try */
      bool to_switch, leaves, from_handler;
      jump_target(w, n, true, &to_switch, &leaves, &from_handler);
      if (to_switch && !from_handler) return NULL;
      x = ir_add(w->f, parent, IR_BREAK, ts_span(n));
      if (leaves) x->flags |= IR_F_LEAVES_FINALLY;
      return x;
    }
    break;
  case 'c':
    if (al_streq(t, "call_expression")) {
      if (is_await_call(w, n)) { /* `await (x)` in a script: an await, not a call */
        ts_frame *up = ts_up(w, 1);
        if (up && ts_is(up->node, "call_expression") && ts_node_eq(ts_field(up->node, "function"), n))
          return NULL; /* the callee part of `await (0, f)(args)`, lowered with the outer call */
        return ir_add(w->f, parent, IR_AWAIT, ts_span(n));
      }
      return lower_call(w, c, n, parent, false);
    }
    if (al_streq(t, "class_body")) { /* its fields first: a method above `pool = new Pool()` uses it too */
      al_map seen = {0};
      for (uint32_t i = 0, k = ts_node_named_child_count(n); i < k; i++) {
        TSNode m = ts_node_named_child(n, i);
        if (ts_is(m, "method_definition")) { /* and `this.pool = new Pool()` in any method */
          TSNode mb = ts_field(m, "body");
          uint32_t offs[32];
          size_t na = ts_attr_assignments(w, mb, "this.", offs, 32);
          if (na) ts_each_expression_statement(w, mb, offs, na > 32 ? 0 : na, prebind_this_attr, &seen);
          continue;
        }
        bool js = ts_is(m, "field_definition");
        if (!js && !ts_is(m, "public_field_definition")) continue;
        TSNode nm = ts_field(m, js ? "property" : "name");
        if (!ts_is(nm, "property_identifier")) continue;
        TSNode val = ts_field(m, "value");
        if (js || ts_node_is_null(ts_field(m, "type")))
          bind_new_var(w, c, al_arena_fmt(&w->f->arena, "this.%s", ts_text(w, nm)), val);
        /* a static field of a module-level class holding a package's client (`static pool
         * = new Pool()`), or a project class's instance: its type, for importers'
         * `Services.pool.query()` (the index reads it as the value pool of "module.Services") */
        if (!ts_is(val, "new_expression") && !(c->returns_imports && ts_is(val, "call_expression"))) continue;
        if (!parent || parent->kind != IR_CLASS || !parent->name || parent->parent != w->f->root ||
            !ts_has_token(m, "static"))
          continue;
        ir_node made = {0}; /* (an ASSIGN only for a field of known type) */
        value_type(w, c, val, &made);
        if (!made.type && !made.member) continue;
        ir_node *a = ir_add(w->f, parent, IR_ASSIGN, ts_span(m));
        a->name = ts_text(w, nm);
        a->type = made.type;
        a->module = made.module;
        a->member = made.member;
      }
      al_map_free(&seen);
      break;
    }
    if (al_streq(t, "class_declaration") || al_streq(t, "class")) {
      if (c->typescript) record_void_types(w, c, n);
    klass:; /* (a label cannot stand before a declaration) */
      TSNode nm = ts_field(n, "name");
      x = ir_add(w->f, parent, IR_CLASS, ts_span(n));
      if (!ts_node_is_null(nm)) x->name = ts_text(w, nm);
      else {
        ts_frame *p = ts_up(w, 1);
        x->name = p && ts_is(p->node, "variable_declarator") ? ts_text(w, ts_field(p->node, "name")) : "<class>";
      }
      if (is_exported(w)) x->flags |= IR_F_EXPORTED;
      ts_frame *ex = ts_up(w, 1);
      if (ex && ts_is(ex->node, "export_statement") && ts_has_token(ex->node, "default"))
        x->alias = "default"; /* importers' `new Store()` of the default export: its methods (index) */
      /* `extends Base` by name: methods not found on the class are looked up on it */
      uint32_t k = ts_node_named_child_count(n);
      for (uint32_t i = 0; i < k; i++) {
        TSNode h = ts_node_named_child(n, i);
        if (!ts_is(h, "class_heritage")) continue;
        x->flags |= IR_F_DERIVED; /* extends or (TypeScript) implements something */
        TSNode b = ts_node_named_child(h, 0);
        if (ts_is(b, "extends_clause")) b = ts_field(b, "value"); /* TypeScript */
        if (ts_node_is_null(b) || (!ts_is(b, "identifier") && !ts_is(b, "member_expression"))) break;
        const char *bn, *bmod, *bmem;
        al_names_resolve(&c->names, ts_text(w, b), &bn, &bmod, &bmem);
        x->args = al_arena_alloc(&w->f->arena, sizeof *x->args);
        x->args[0] = (ir_arg){.text = bmem, .keyword = bmod};
        x->nargs = 1;
        x->flags |= IR_F_DERIVED;
        break;
      }
      return x;
    }
    if (al_streq(t, "catch_clause")) {
      x = ir_add(w->f, parent, IR_HANDLER, ts_span(n));
      x->flags |= IR_F_BARE; /* a JS catch catches everything */
      TSNode prm = ts_field(n, "parameter");
      if (!ts_node_is_null(prm)) x->alias = ts_text(w, prm);
      return x;
    }
    if (al_streq(t, "continue_statement")) {
      bool to_switch, leaves, from_handler;
      jump_target(w, n, false, &to_switch, &leaves, &from_handler);
      x = ir_add(w->f, parent, IR_CONTINUE, ts_span(n));
      if (leaves) x->flags |= IR_F_LEAVES_FINALLY;
      return x;
    }
    break;
  case 'd':
    if (al_streq(t, "do_statement")) {
      x = ir_add(w->f, parent, IR_LOOP, ts_span(n));
      x->flags |= IR_F_WHILE;
      x->name = ts_text_short(w, ts_field(n, "condition"), 80);
      return x;
    }
    break;
  case 'f':
    if (al_streq(t, "function_declaration") || al_streq(t, "function_expression") || al_streq(t, "function") ||
        al_streq(t, "function_signature")) /* TypeScript `declare function f(): Promise<T>;` */
      return lower_func(w, n, parent);
    if (al_streq(t, "for_statement")) {
      x = ir_add(w->f, parent, IR_LOOP, ts_span(n));
      TSNode cond = ts_field(n, "condition");
      x->name = ts_text_short(w, cond, 80);
      if (ts_node_is_null(cond) || ts_is(cond, "empty_statement")) { /* `for (;;)`: a `while (true)` */
        x->name = "true";
        x->flags |= IR_F_WHILE;
      }
      TSNode body = ts_field(n, "body");
      if (!ts_node_is_null(body)) x->body = ts_node_start_byte(body);
      return x;
    }
    if (al_streq(t, "for_in_statement")) {
      TSNode left = ts_field(n, "left"), right = ts_field(n, "right");
      if (c->types.len && ts_is(left, "identifier") && ts_is(right, "identifier") && ts_has_token(n, "of")) {
        al_binding *b = element_binding(w, c, right); /* for (const r of repos), repos: Repo[] */
        if (b) ts_bind_type(w, &c->types, ts_scope(w), "this.", ts_text(w, left), b->module, b->member);
      }
      /* `for (const p of xs.map(load))`, `for (const p of promises)`: the loop variable may
       * hold a promise, so its reads are USEs (AL103) */
      if (ts_is(left, "identifier") && ts_has_token(n, "of") &&
          ((ts_is(right, "call_expression") && ts_is(ts_field(right, "function"), "member_expression")) ||
           (ts_is(right, "identifier") && c->stored.map.len && al_map_get(&c->stored.map, ts_text(w, right)))))
        ts_names_add(&c->stored, ts_text(w, left));
      x = ir_add(w->f, parent, IR_LOOP, ts_span(n));
      x->name = ts_text_short(w, ts_field(n, "right"), 80);
      x->alias = ts_text_short(w, ts_field(n, "left"), 80);
      TSNode body = ts_field(n, "body");
      if (!ts_node_is_null(body)) x->body = ts_node_start_byte(body);
      if (ts_is(ts_field(n, "kind"), "await") || ts_has_token(n, "await")) x->flags |= IR_F_ASYNC;
      else if (c->types.len && ts_has_token(n, "of") &&
               (ts_is(right, "identifier") || (ts_is(right, "member_expression") && al_starts_with(x->name, "this.")))) {
        /* `for (const line of rl)` with `rl: readline.Interface` (a parameter's annotation),
         * `for (const line of this.rl)` with the field typed */
        al_binding *b = ts_typed_var(w, &c->types, "this.", x->name);
        if (b && b->module && b->member && *b->member && !strchr(b->member, '('))
          x->type = al_arena_fmt(&w->f->arena, "%s.%s", b->module, b->member);
      }
      return x;
    }
    if (al_streq(t, "finally_clause")) return ir_add(w->f, parent, IR_FINALLY, ts_span(n));
    break;
  case 'e':
    if (al_streq(t, "export_statement") && !ts_scope(w)) { /* `export default Store;` */
      TSNode v = ts_field(n, "value");
      if (ts_is(v, "identifier")) c->default_name = ts_text(w, v);
    }
    break;
  case 'g':
    if (al_streq(t, "generator_function_declaration") || al_streq(t, "generator_function"))
      return lower_func(w, n, parent);
    break;
  case 's':
    if (al_streq(t, "shorthand_property_identifier")) { /* `{ p }` reads p */
      bind_member_alias(w, c, n, n);
      goto ident;
    }
    if (al_streq(t, "string")) *descend = false; /* quotes, fragments, escapes (template strings do hold code) */
    break;
  case 'i':
    if (al_streq(t, "identifier")) {
    ident: {
      ir_node *x = ts_lower_read(w, &c->stored, js_is_read);
      if (x && x->use == IR_USE_NONE && js_truth_tested(w, 1)) x->use = IR_USE_CONDITION; /* `if (p)`, `!p` */
      else if (x && x->use == IR_USE_NONE && ts_up(w, 1) && ts_is(ts_up(w, 1)->node, "spread_element"))
        x->use = IR_USE_PASSED; /* `{...p}`, `[...p]` */
      else if (x && x->use == IR_USE_NONE && js_discarded(w, 1))
        x->use = IR_USE_DISCARDED; /* `c ? p : null;`, `x ?? p;`: dropped through a ternary or `??` */
      else if (x && x->use == IR_USE_NONE)
        x->use = (uint8_t)js_value_use(w); /* `${p}`, `p.x`, `p.then(f)` (the rules tell then/catch/finally), `p > 0` */
      ts_frame *m = x ? ts_up(w, 1) : NULL, *st = m ? ts_up(w, 2) : NULL;
      if (st && ts_is(m->node, "member_expression") && ts_is(st->node, "expression_statement")) {
        TSNode pr = ts_field(m->node, "property"); /* `obj.user;` alone: member is what is read */
        if (ts_is(pr, "property_identifier")) x->member = ts_text(w, pr);
      }
      if (!x && c->types.len) x = typed_spread_read(w, c, n, parent);
      return x;
    }
    }
    if (al_streq(t, "import_statement")) {
      lower_esm_import(w, c, n, parent);
      *descend = false;
    }
    if (al_streq(t, "interface_declaration")) {
      if (c->typescript) record_void_types(w, c, n);
      goto klass; /* TypeScript: its method signatures */
    }
    break;
  case 'p':
    if (al_streq(t, "pair")) {
      bind_member_alias(w, c, ts_field(n, "key"), ts_field(n, "value"));
      break;
    }
    if (al_streq(t, "property_identifier")) { /* (visited only in a file that defines getters) */
      lower_getter_read(w, c, n);
      break;
    }
    if (al_streq(t, "public_field_definition")) { /* TypeScript: `private repo: Repo;` */
      TSNode nm = ts_field(n, "name");
      if (ts_is(nm, "property_identifier")) {
        promise_field(w, c, parent, n, nm);
        bind_annotation(w, c, NULL, al_arena_fmt(&w->f->arena, "this.%s", ts_text(w, nm)), ts_field(n, "type"));
        if (void_fn_type(w, ts_field(n, "type")))
          ts_bind_type(w, &c->fn_types, NULL, "this.", al_arena_fmt(&w->f->arena, "this.%s", ts_text(w, nm)), NULL,
                       void_fn_local);
        if (ts_node_is_null(ts_field(n, "value"))) return lower_fn_typed(w, parent, nm, ts_field(n, "type"));
      }
    }
    if (al_streq(t, "property_signature")) { /* TypeScript: `load: (id: string) => Promise<Row>;` */
      TSNode nm = ts_field(n, "name");
      if (ts_is(nm, "property_identifier")) promise_field(w, c, parent, n, nm);
      if (ts_is(nm, "property_identifier")) return lower_fn_typed(w, parent, nm, ts_field(n, "type"));
    }
    break;
  case 'j':
    if (al_streq(t, "jsx_attribute")) return lower_jsx_handler(w, n, parent);
    break;
  case 'm':
    if (al_streq(t, "method_definition") || al_streq(t, "method_signature")) return lower_func(w, n, parent);
    break;
  case 'n':
    if (al_streq(t, "new_expression")) return lower_call(w, c, n, parent, true);
    break;
  case 'o':
    /* an object type in an annotation (`o: { save(): Promise<void> }`) declares no
     * functions of the scope it is written in; `type S = {...}` is walked as a class */
    if (al_streq(t, "object_type") && !(ts_up(w, 1) && ts_is(ts_up(w, 1)->node, "type_alias_declaration")))
      *descend = false;
    break;
  case 'r':
    if (al_streq(t, "return_statement")) {
      x = ir_add(w->f, parent, IR_RETURN, ts_span(n));
      TSNode e = ts_node_named_child(n, 0);
      if (ts_is(e, "new_expression")) {
        TSNode ctor = ts_field(e, "constructor");
        if (ts_is(ctor, "identifier") && ts_node_end_byte(ctor) - ts_node_start_byte(ctor) == 7 &&
            !strncmp(w->text + ts_node_start_byte(ctor), "Promise", 7)) {
          ir_node *fn = ts_enclosing_own(w, IR_FUNC);
          if (fn) fn->flags |= IR_F_RETURNS_PROMISE;
          return x;
        }
      }
      infer_return(w, c, e);
      return x;
    }
    break;
  case 't':
    if (al_streq(t, "try_statement")) return ir_add(w->f, parent, IR_TRY, ts_span(n));
    if (al_streq(t, "type_alias_declaration")) {
      if (c->typescript) record_void_types(w, c, n);
      /* `type Loader = () => Promise<T>`: a function of that type returns a promise, so a
       * call of a name typed so (`load: Loader; load()`) resolves here */
      if (c->typescript && !ts_scope(w) && promise_fn_type(w, ts_field(n, "value"))) {
        x = lower_fn_typed(w, parent, ts_field(n, "name"), ts_field(n, "value"));
        if (x && is_exported(w)) x->flags |= IR_F_EXPORTED;
        return x;
      }
      if (ts_is(ts_field(n, "value"), "object_type")) goto klass; /* `type Store = { put(): Promise<void> }`: as an interface */
      break;
    }
    if (al_streq(t, "throw_statement")) {
      x = ir_add(w->f, parent, IR_RAISE, ts_span(n));
      x->name = ts_text_short(w, ts_node_named_child(n, 0), 80);
      return x;
    }
    break;
  case 'u':
    /* `await using conn = await pool.connect()`: leaving the scope awaits the resource's
     * [Symbol.asyncDispose]() — an await of the function's own */
    if (al_streq(t, "using_declaration") && ts_has_token(n, "await")) return ir_add(w->f, parent, IR_AWAIT, ts_span(n));
    break;
  case 'v':
    if (al_streq(t, "variable_declarator")) {
      lower_require(w, c, n, parent);
      TSNode nm = ts_field(n, "name");
      TSNode val = ts_field(n, "value");
      bind_new(w, c, nm, val);
      bind_alias(w, c, nm, val);
      TSNode ty = c->typescript && ts_is(nm, "identifier") ? ts_field(n, "type") : (TSNode){0};
      if (c->typescript && ts_is(nm, "identifier")) {
        bind_annotation(w, c, ts_scope(w), ts_text(w, nm), ty);
        inline_object_type(w, ts_scope(w), ts_text(w, nm), ty);
        if (ts_scope(w) && !ts_node_is_null(ty) && promise_fn_type(w, ty))
          ts_bind_type(w, &c->fn_types, ts_scope(w), "this.", ts_text(w, nm), NULL, promise_fn_local);
        else if (!ts_node_is_null(ty) && void_fn_type(w, ty))
          ts_bind_type(w, &c->fn_types, ts_scope(w), "this.", ts_text(w, nm), NULL, void_fn_local);
        /* (module level only: a function's locals are not scoped in the index, and a
         * local of the same name elsewhere would take its type) */
        if (!ts_scope(w) &&
            (ts_node_is_null(val) || (!ts_is(val, "arrow_function") && !ts_is(val, "function_expression"))))
          lower_fn_typed(w, parent, nm, ty);
      }
      /* `declare const p: Promise<T>;`, `let p: Promise<T>;`, `const p: Promise<T> = x`:
       * reads of p are lowered to USE (`p;` and `p.then(f)` float) */
      bool promise_typed = !ts_node_is_null(ty) && returns_promise_type(w, ty);
      bool promise_array = !promise_typed && !ts_node_is_null(ty) && promise_array_type(w, ty);
      /* `let p: Promise<T> | null`: `p;` alone may float a promise (not tested for truth:
       * that is how such a variable is checked) */
      bool maybe_promise = !promise_typed && !promise_array && !ts_node_is_null(ty) && union_with_promise(w, ty);
      if (promise_typed || promise_array || maybe_promise) ts_names_add(&c->stored, ts_text(w, nm));
      bool plain = !promise_typed && !promise_array && !ts_node_is_null(ty) && plain_type(w, ty, 0);
      if ((promise_typed || promise_array || maybe_promise) && ts_node_is_null(val)) {
        x = ir_add(w->f, parent, IR_ASSIGN, ts_span(n));
        x->name = ts_text(w, nm);
        x->text = ts_text_short(w, ty, 80);
        x->flags |= promise_typed ? IR_F_PROMISE_TYPED : promise_array ? IR_F_PROMISE_ARRAY : IR_F_MAYBE_PROMISE_TYPED;
        return x;
      }
      if (plain && ts_node_is_null(val)) { /* `declare const n: number`: known from its type alone */
        ts_frame *d = ts_up(w, 2);
        if (!d || !ts_is(d->node, "ambient_declaration")) break;
        x = ir_add(w->f, parent, IR_ASSIGN, ts_span(n));
        x->name = ts_text(w, nm);
        x->text = ts_text_short(w, ty, 80);
        x->flags |= IR_F_PLAIN_TYPED;
        return x;
      }
      if (ts_is(nm, "identifier") && !ts_node_is_null(val)) {
        x = ir_add(w->f, parent, IR_ASSIGN, ts_span(n));
        x->name = ts_text(w, nm);
        x->text = ts_text_short(w, val, 80);
        if (promise_typed) x->flags |= IR_F_PROMISE_TYPED;
        if (promise_array) x->flags |= IR_F_PROMISE_ARRAY;
        if (maybe_promise) x->flags |= IR_F_MAYBE_PROMISE_TYPED;
        if (plain) x->flags |= IR_F_PLAIN_TYPED;
        if (!ts_scope(w) && is_exported(w)) x->flags |= IR_F_EXPORTED; /* `export const api = {...}` */
        if (!ts_scope(w) && (ts_is(val, "new_expression") || (c->returns_imports && ts_is(val, "call_expression")))) {
          value_type(w, c, val, x); /* what importers call it as */
        }
        const char *vt = ts_node_type(val);
        if (al_streq(vt, "array") || al_streq(vt, "object") || al_streq(vt, "string") || al_streq(vt, "number")) {
          x->flags |= IR_F_LITERAL;
          /* `[load(a), load(b)]`: its reads are USEs (AL103 looks for them) */
          for (uint32_t i = 0, k = vt[0] == 'a' ? ts_node_named_child_count(val) : 0; i < k; i++)
            if (ts_is(ts_node_named_child(val, i), "call_expression")) {
              ts_names_add(&c->stored, x->name);
              break;
            }
          /* `{ user: load(id) }`: `obj.user;` alone floats the promise (AL103) */
          for (uint32_t i = 0, k = vt[0] == 'o' ? ts_node_named_child_count(val) : 0; i < k; i++) {
            TSNode pr = ts_node_named_child(val, i);
            if (!ts_is(pr, "pair")) continue;
            TSNode pv = ts_field(pr, "value");
            if (ts_is(pv, "call_expression") || ts_is(pv, "new_expression")) {
              ts_names_add(&c->stored, x->name);
              break;
            }
          }
        } else if (al_streq(vt, "call_expression") && (x->member = map_iter(w, val)))
          x->flags |= IR_F_COMPREHENSION;
        return x;
      }
    }
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
    break;
  }
  return NULL;
}

ir_file *al_lower_javascript(const al_source *src, const al_lower_ctx *ctx, char **err) {
  TSTree *tree = ts_parse(ts_language_for(src), src, ctx, err);
  if (!tree) return NULL;
  ir_file *f = ir_file_new(src, ctx->module);
  TSNode root = ts_tree_root_node(tree);
  f->parse_errors = ts_node_has_error(root);
  char *pathcopy = al_strdup(ctx->abs_path ? ctx->abs_path : src->path);
  const char *dir = dirname(pathcopy);
  js_ctx c = {.names = {.f = f},
              .dir = ir_str(f, dir, strlen(dir)),
              .typescript = ts_language_for(src) != tree_sitter_javascript(),
              .globals = al_kb_section_get(al_kb_for(AL_LANG_JS), "global_objects")};
  free(pathcopy);
  scan_getters(src->text, src->len, &c.getters);
  /* a TypeScript file that names a promise type may declare fields of it (promise_field) */
  c.promise_fields = c.typescript && memmem(src->text, src->len, "Promise", 7);
  ts_walk w = {.f = f, .text = src->text, .lang = ts_language_for(src), .user = &c,
               .handled = c.getters.map.len || c.promise_fields ? js_handled_getters : js_handled};
  prebind_imports(&w, &c, root);
  ts_walk_run(&w, root, js_enter, NULL);
  if (c.default_name) /* `export default Store;` of a class above: importers' `new Store()` */
    for (ir_node *x = f->root->child; x; x = x->next)
      if (x->kind == IR_CLASS && x->name && !x->alias && !strcmp(x->name, c.default_name)) {
        x->alias = "default";
        for (ir_node *m = x->child; m; m = m->next)
          if (m->kind == IR_FUNC && (m->flags & IR_F_METHOD)) default_method(f, m);
      }
  f->typed_apis = c.callback_apis;
  free(w.frames);
  al_names_free(&c.names);
  ts_names_free(&c.stored);
  ts_names_free(&c.getters);
  al_map_free(&c.types);
  al_map_free(&c.fn_types);
  al_map_free(&c.returns);
  al_map_free(&c.aliases);
  al_map_free(&c.void_types);
  al_map_free(&c.top);
  ts_parse_done(tree, ctx);
  return f;
}
