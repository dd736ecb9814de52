/* c: lowers C through libclang into the async IR. Flags come from a compile_commands.json
 * found upward from the file, else defaults; missing headers still leave an IR. Only
 * cursors of the main file are visited. */
#include <libgen.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "clang_lazy.h"
#include "frontend.h"
#include "kb.h"

typedef struct c_frame {
  CXCursor cur;
  enum CXCursorKind kind;
  unsigned index;    /* position among its parent's children */
  unsigned nchild;
  ir_node *ir;       /* IR parent for children */
  uint8_t after_guard; /* CompoundStmt: the guard of the statements after child after_index */
  unsigned after_index; /*  (`if (cb) { submit(...); return 0; }` then the synchronous path) */
} c_frame;

typedef struct c_ctx {
  ir_file *f;
  const char *text;
  size_t len;
  c_frame *frames;
  size_t depth, cap;
  al_map stored; /* locals assigned a call result: reads of them are lowered to USE */
} c_ctx;

/* ---- compile_commands.json lookup (cached per directory, shared by threads) ---- */
static pthread_mutex_t db_lock = PTHREAD_MUTEX_INITIALIZER;
static al_map db_cache; /* dir -> CXCompilationDatabase (or a sentinel for none) */
static char db_none;

static CXCompilationDatabase db_for_dir(const char *dir) {
  void *v = al_map_get(&db_cache, dir);
  if (v) return v == &db_none ? NULL : v;
  char *path = al_fmt("%s/compile_commands.json", dir);
  struct stat st;
  CXCompilationDatabase db = NULL;
  if (stat(path, &st) == 0) {
    CXCompilationDatabase_Error e;
    db = clang_CompilationDatabase_fromDirectory(dir, &e);
    if (e != CXCompilationDatabase_NoError) db = NULL;
  } else {
    char *copy = al_strdup(dir);
    const char *up = dirname(copy);
    if (strcmp(up, dir) != 0) db = db_for_dir(up); /* no higher folder: "/", "." (a relative path) */
    free(copy);
  }
  free(path);
  al_map_put(&db_cache, dir, db ? (void *)db : (void *)&db_none);
  return db;
}

static bool skip_arg(const char *a, bool *skip_next) {
  static const char *const with_value[] = {"-o", "-MF", "-MT", "-MQ", NULL};
  for (int i = 0; with_value[i]; i++)
    if (!strcmp(a, with_value[i])) {
      *skip_next = true;
      return true;
    }
  return !strcmp(a, "-c") || !strcmp(a, "-MD") || !strcmp(a, "-MMD") || !strcmp(a, "-MP") || !strcmp(a, "-M");
}

/* Include options whose value is a path (`-Ifoo`, `-I foo`, `-isystem foo`, `--sysroot=x`). */
static const char *const path_opts[] = {"--include-directory=", "--sysroot=", "-isysroot", "-idirafter", "-isystem",
                                        "-iquote", "-imacros", "-include", "-I", NULL};

/* a with a relative path made absolute against the command's directory wd (malloc'd).
 * `-working-directory=wd` would do it inside libclang — by chdir(), for the whole
 * process: every other thread's relative paths then point elsewhere. *path_next: a is
 * an option whose path is the next argument. */
static char *absolute_arg(const char *wd, const char *a, bool path_arg, bool *path_next) {
  *path_next = false;
  if (path_arg) return a[0] == '/' ? al_strdup(a) : al_fmt("%s/%s", wd, a);
  for (int i = 0; path_opts[i]; i++) {
    size_t n = strlen(path_opts[i]);
    if (strncmp(a, path_opts[i], n)) continue;
    if (!a[n]) {
      *path_next = true;
      return al_strdup(a);
    }
    return a[n] == '/' ? al_strdup(a) : al_fmt("%s%s/%s", path_opts[i], wd, a + n);
  }
  return al_strdup(a);
}

/* Arguments for parsing abs_path: from the compilation database if it has the file,
 * otherwise defaults. Returns argc; *argv entries are malloc'd (free with free_args). */
static int build_args(const char *abs_path, char ***argv_out) {
  al_vec args = {0};
  char *copy = al_strdup(abs_path);
  char *dir = dirname(copy);
  pthread_mutex_lock(&db_lock);
  CXCompilationDatabase db = db_for_dir(dir);
  CXCompileCommands cmds = db ? clang_CompilationDatabase_getCompileCommands(db, abs_path) : NULL;
  if (cmds && clang_CompileCommands_getSize(cmds) > 0) {
    CXCompileCommand cmd = clang_CompileCommands_getCommand(cmds, 0);
    CXString wds = clang_CompileCommand_getDirectory(cmd);
    char *wd = al_strdup(clang_getCString(wds));
    clang_disposeString(wds);
    unsigned n = clang_CompileCommand_getNumArgs(cmd);
    bool skip_next = false, path_next = false;
    for (unsigned i = 1; i < n; i++) {
      CXString s = clang_CompileCommand_getArg(cmd, i);
      const char *a = clang_getCString(s);
      if (skip_next) skip_next = false;
      else if (path_next || (!skip_arg(a, &skip_next) && strcmp(a, abs_path) != 0 && !al_ends_with(abs_path, a)))
        al_vec_push(&args, absolute_arg(wd, a, path_next, &path_next));
      clang_disposeString(s);
    }
    free(wd);
  } else {
    al_vec_push(&args, al_strdup("-xc"));
    al_vec_push(&args, al_strdup("-std=gnu11"));
    al_vec_push(&args, al_fmt("-I%s", dir));
    /* Project include folders up the tree (include/, runtime/include/). */
    char *up = al_strdup(dir);
    for (int level = 0; level < 8 && strcmp(up, "/") != 0; level++) {
      static const char *const subs[] = {"include", "runtime/include", NULL};
      for (int i = 0; subs[i]; i++) {
        char *p = al_fmt("%s/%s", up, subs[i]);
        struct stat st;
        if (stat(p, &st) == 0 && S_ISDIR(st.st_mode)) al_vec_push(&args, al_fmt("-I%s", p));
        free(p);
      }
      char *next = al_strdup(dirname(up));
      free(up);
      up = next;
    }
    free(up);
  }
  if (cmds) clang_CompileCommands_dispose(cmds);
  pthread_mutex_unlock(&db_lock);
  al_vec_push(&args, al_strdup("-ferror-limit=0"));
  free(copy);
  *argv_out = (char **)args.items;
  return (int)args.len;
}

/* ---- spans and text ---- */
static ir_span span_of(c_ctx *c, CXCursor cur) {
  CXSourceRange r = clang_getCursorExtent(cur);
  unsigned l1, c1, o1, o2;
  clang_getExpansionLocation(clang_getRangeStart(r), NULL, &l1, &c1, &o1);
  clang_getExpansionLocation(clang_getRangeEnd(r), NULL, NULL, NULL, &o2);
  if (o1 > c->len) o1 = (unsigned)c->len;
  if (o2 > c->len || o2 < o1) o2 = o1;
  ir_span sp = {o1, o2, l1, c1};
  return sp;
}

static const char *cx_str(ir_file *f, CXString s) {
  const char *p = clang_getCString(s);
  const char *r = p && *p ? al_arena_strdup(&f->arena, p) : NULL;
  clang_disposeString(s);
  return r;
}

static const char *type_str(ir_file *f, CXType t) {
  return cx_str(f, clang_getTypeSpelling(clang_getCanonicalType(t)));
}

static enum CXChildVisitResult first_child_cb(CXCursor cur, CXCursor parent, CXClientData d) {
  (void)parent;
  *(CXCursor *)d = cur;
  return CXChildVisit_Break;
}

/* The first child that is an expression (a cast's first child is its type's TypeRef). */
static enum CXChildVisitResult first_expr_cb(CXCursor cur, CXCursor parent, CXClientData d) {
  (void)parent;
  enum CXCursorKind k = clang_getCursorKind(cur);
  if (k < CXCursor_FirstExpr || k > CXCursor_LastExpr) return CXChildVisit_Continue;
  *(CXCursor *)d = cur;
  return CXChildVisit_Break;
}

/* Looks through implicit conversions and parentheses (and explicit casts, with `casts`). */
static CXCursor strip_wrappers(CXCursor cur, bool casts) {
  for (int i = 0; i < 16; i++) {
    enum CXCursorKind k = clang_getCursorKind(cur);
    if (k != CXCursor_UnexposedExpr && k != CXCursor_ParenExpr && (!casts || k != CXCursor_CStyleCastExpr)) break;
    CXCursor ch = clang_getNullCursor();
    clang_visitChildren(cur, first_expr_cb, &ch);
    if (clang_Cursor_isNull(ch)) break;
    cur = ch;
  }
  return cur;
}

static CXCursor strip(CXCursor cur) { return strip_wrappers(cur, false); }

/* a is a null pointer constant: `((void *)0)`, `__null`, `0` (what NULL expands to). */
static bool null_constant(CXCursor a) {
  CXCursor s = strip(a);
  enum CXCursorKind k = clang_getCursorKind(s);
  if (k == CXCursor_GNUNullExpr) return true;
  if (k == CXCursor_CStyleCastExpr) {
    CXCursor ch = clang_getNullCursor();
    clang_visitChildren(s, first_child_cb, &ch);
    if (clang_Cursor_isNull(ch)) return false;
    s = strip(ch);
    k = clang_getCursorKind(s);
  }
  if (k != CXCursor_IntegerLiteral) return false;
  CXEvalResult r = clang_Cursor_Evaluate(s);
  if (!r) return false;
  bool zero = clang_EvalResult_getKind(r) == CXEval_Int && clang_EvalResult_getAsLongLong(r) == 0;
  clang_EvalResult_dispose(r);
  return zero;
}

static void lower_args(c_ctx *c, ir_node *call, CXCursor cur) {
  int n = clang_Cursor_getNumArguments(cur);
  if (n <= 0) return;
  call->args = al_arena_alloc(&c->f->arena, (size_t)n * sizeof *call->args);
  call->nargs = (uint32_t)n;
  uint32_t call_start = span_of(c, cur).start;
  for (int i = 0; i < n; i++) {
    CXCursor a = clang_Cursor_getArgument(cur, (unsigned)i);
    ir_arg *x = &call->args[i];
    ir_span sp = span_of(c, a);
    /* An argument cannot start where its call does, unless the call comes out of a macro
     * (`evtimer_new(b, cb, arg)` is `event_new((b), -1, 0, (cb), (arg))`): the
     * parentheses are the macro's, mapped to the whole invocation. The expression inside
     * them was written in the invocation (a macro argument) and has its own place; a
     * token of the macro's own body (`-1`) has none, and no text. */
    if (sp.start == call_start) {
      CXSourceRange r = clang_getCursorExtent(strip(a));
      CXFile f1 = NULL, f2 = NULL;
      unsigned o1 = 0, o2 = 0;
      clang_getSpellingLocation(clang_getRangeStart(r), &f1, NULL, NULL, &o1);
      clang_getSpellingLocation(clang_getRangeEnd(r), &f2, NULL, NULL, &o2);
      CXFile main = NULL; /* the call's own file: where the invocation was written */
      clang_getExpansionLocation(clang_getRangeStart(clang_getCursorExtent(cur)), &main, NULL, NULL, NULL);
      bool written = f1 && f1 == main && f2 == main && o1 != call_start && o2 > o1 && o2 <= c->len;
      sp.start = written ? o1 : call_start;
      sp.end = written ? o2 : call_start;
    }
    size_t len = sp.end - sp.start;
    if (len > 60) len = 60;
    x->text = len ? ir_str(c->f, c->text + sp.start, len) : NULL;
    if (!x->text) {
      /* a token of the macro's body: NULL is ((void *)0) (or GCC's __null) there */
      if (null_constant(a)) x->flags |= IR_ARG_NULL;
    } else if (!strcmp(x->text, "NULL") || !strcmp(x->text, "0") || !strcmp(x->text, "((void *)0)") ||
        !strcmp(x->text, "(void *)0") || !strcmp(x->text, "nullptr"))
      x->flags |= IR_ARG_NULL;
    CXCursor s = strip(a);
    enum CXCursorKind k = clang_getCursorKind(s);
    if (k == CXCursor_DeclRefExpr && clang_getCursorKind(clang_getCursorReferenced(s)) == CXCursor_FunctionDecl)
      x->flags |= IR_ARG_FUNC_REF;
    else if (k == CXCursor_IntegerLiteral || k == CXCursor_StringLiteral || k == CXCursor_FloatingLiteral ||
             k == CXCursor_CharacterLiteral)
      x->flags |= IR_ARG_LITERAL;
  }
}

static bool assign_before(c_ctx *c, uint32_t off) {
  while (off > 0 && (c->text[off - 1] == ' ' || c->text[off - 1] == '\t' || c->text[off - 1] == '\n' ||
                     c->text[off - 1] == '\r' || c->text[off - 1] == '('))
    off--;
  if (off == 0 || c->text[off - 1] != '=') return false;
  char prev = off >= 2 ? c->text[off - 2] : ' ';
  return !strchr("=!<>+-*/%&|^", prev);
}

static ir_use call_use(c_ctx *c, const char **var, uint32_t start) {
  size_t k = c->depth - 1; /* frames[k] is the call itself */
  while (k > 0 && (c->frames[k - 1].kind == CXCursor_UnexposedExpr || c->frames[k - 1].kind == CXCursor_ParenExpr))
    k--;
  if (k == 0) return IR_USE_OTHER;
  c_frame *p = &c->frames[k - 1], *me = &c->frames[k];
  switch (p->kind) {
  case CXCursor_CompoundStmt:
  case CXCursor_LabelStmt:
  case CXCursor_DefaultStmt:
  case CXCursor_ForStmt:
    return IR_USE_DISCARDED;
  case CXCursor_CaseStmt:
  case CXCursor_IfStmt:
  case CXCursor_WhileStmt:
    return me->index == 0 ? IR_USE_OTHER : IR_USE_DISCARDED;
  case CXCursor_DoStmt:
    return me->index == 0 ? IR_USE_DISCARDED : IR_USE_OTHER;
  case CXCursor_ReturnStmt:
    return IR_USE_RETURNED;
  case CXCursor_CallExpr:
    return IR_USE_PASSED;
  case CXCursor_VarDecl:
    *var = cx_str(c->f, clang_getCursorSpelling(p->cur));
    return IR_USE_ASSIGNED;
  case CXCursor_CStyleCastExpr:
    return clang_getCursorType(p->cur).kind == CXType_Void ? IR_USE_VOIDED : IR_USE_OTHER;
  case CXCursor_BinaryOperator:
    return me->index == 1 && assign_before(c, start) ? IR_USE_ASSIGNED : IR_USE_OTHER;
  default:
    return IR_USE_OTHER;
  }
}

static bool c_ident(char ch) {
  return ch == '_' || (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9');
}

/* An expression that only passes its operand on (an implicit conversion, a cast,
 * parentheses): looked through on the way up from a function's name. */
static bool wraps_value(enum CXCursorKind k) {
  return k == CXCursor_UnexposedExpr || k == CXCursor_CStyleCastExpr || k == CXCursor_ParenExpr;
}

/* The record a field belongs to, by its USR (`c:@S@server`: the same struct in every
 * file that includes its header), or NULL when cur is not a field. */
static const char *record_of_field(c_ctx *c, CXCursor field) {
  if (clang_getCursorKind(field) != CXCursor_FieldDecl) return NULL;
  return cx_str(c->f, clang_getCursorUSR(clang_getCursorSemanticParent(field)));
}

typedef struct nth_field {
  unsigned want, at;
  CXCursor found;
} nth_field;

static enum CXVisitorResult nth_field_visit(CXCursor fld, CXClientData d) {
  nth_field *n = d;
  if (n->at++ != n->want) return CXVisit_Continue;
  n->found = fld;
  return CXVisit_Break;
}

/* e's first operand, unwrapped. */
static CXCursor operand(CXCursor e) {
  CXCursor ch = clang_getNullCursor();
  clang_visitChildren(e, first_expr_cb, &ch);
  return clang_Cursor_isNull(ch) ? ch : strip_wrappers(ch, true);
}

/* The array an expression indexes, when it holds functions: `handlers[op]`,
 * `*handlers[op]`, `(cb_t *)handlers[op]`, `grid[i][j]` — keyed like a field, `<the
 * variable's USR>.[]` (`<record USR>.<field>` for an array in a struct: `s->on[i]`), with
 * the array's name for messages. */
static bool function_array(c_ctx *c, CXCursor expr, const char **key, const char **label) {
  CXCursor e = strip_wrappers(expr, true);
  if (clang_getCursorKind(e) == CXCursor_UnaryOperator) {
    uint32_t at = span_of(c, e).start;
    if (at >= c->len || c->text[at] != '*') return false;
    e = operand(e);
  }
  if (clang_getCursorKind(e) != CXCursor_ArraySubscriptExpr) return false;
  CXCursor base = operand(e);
  for (int i = 0; i < 8 && clang_getCursorKind(base) == CXCursor_ArraySubscriptExpr; i++) base = operand(base);
  CXCursor ref = clang_getCursorReferenced(base);
  const char *name = cx_str(c->f, clang_getCursorSpelling(ref)), *owner = NULL;
  if (!name) return false;
  if (clang_getCursorKind(base) == CXCursor_DeclRefExpr && clang_getCursorKind(ref) == CXCursor_VarDecl) {
    owner = cx_str(c->f, clang_getCursorUSR(ref));
    *key = owner ? al_arena_fmt(&c->f->arena, "%s.[]", owner) : NULL;
  } else if (clang_getCursorKind(base) == CXCursor_MemberRefExpr && (owner = record_of_field(c, ref))) {
    *key = al_arena_fmt(&c->f->arena, "%s.%s", owner, name);
  }
  *label = name;
  return owner && *key;
}

static bool array_type(CXCursor cur) {
  enum CXTypeKind tk = clang_getCanonicalType(clang_getCursorType(cur)).kind;
  return tk == CXType_ConstantArray || tk == CXType_IncompleteArray;
}

/* The field of a record's initializer list (frame d) that the entry starting at `at`,
 * its child at frame d + 1, fills: designated (`.fns = {...}`: the name before the
 * `=`), or positional (the k-th field, when no designator comes before it in the list). */
static bool list_field(c_ctx *c, int d, uint32_t at, const char **field, const char **record) {
  const c_frame *up = &c->frames[d];
  CXType ty = clang_getCanonicalType(clang_getCursorType(up->cur));
  if (up->kind != CXCursor_InitListExpr || ty.kind != CXType_Record) return false;
  uint32_t from = span_of(c, up->cur).start, b = at;
  const char *t = c->text;
  if (at > c->len || from >= at) return false;
  while (b > from && (t[b - 1] == ' ' || t[b - 1] == '\t' || t[b - 1] == '\n')) b--;
  if (b > from && t[b - 1] == '=') { /* `.fns = {` */
    b--;
    while (b > from && (t[b - 1] == ' ' || t[b - 1] == '\t')) b--;
    uint32_t e = b;
    while (b > from && c_ident(t[b - 1])) b--;
    if (b == e || b == from || t[b - 1] != '.') return false;
    *field = ir_str(c->f, t + b, e - b);
  } else {
    if (memchr(t + from, '=', at - from)) return false;
    nth_field n = {.want = c->frames[d + 1].index, .found = clang_getNullCursor()};
    clang_Type_visitFields(ty, nth_field_visit, &n);
    if (clang_Cursor_isNull(n.found)) return false;
    *field = cx_str(c->f, clang_getCursorSpelling(n.found));
  }
  *record = cx_str(c->f, clang_getCursorUSR(clang_getTypeDeclaration(ty)));
  return *field && *record;
}

/* The array slot the function being lowered is stored in: an entry of an array
 * variable's initializer (`= {on_get, on_set}`, `= {[OP_GET] = on_get}`, nested lists of
 * a 2-D array), of an array field's in a struct initializer (`{.fns = {a, b}}`), or an
 * assignment to an element (`handlers[OP_GET] = on_get`). The ASSIGN's name and type
 * make function_array's key. */
static bool array_slot(c_ctx *c, const char **name, const char **type) {
  int d = (int)c->depth - 2;
  while (d >= 1 && wraps_value(c->frames[d].kind)) d--;
  if (d < 1) return false;
  const c_frame *fr = &c->frames[d];
  if (fr->kind == CXCursor_InitListExpr) {
    if (!array_type(fr->cur)) return false;
    while (d >= 2 && c->frames[d - 1].kind == CXCursor_InitListExpr && array_type(c->frames[d - 1].cur)) d--;
    uint32_t list_at = span_of(c, c->frames[d].cur).start;
    for (d--; d >= 1 && wraps_value(c->frames[d].kind);) d--;
    if (d < 1) return false;
    if (c->frames[d].kind == CXCursor_VarDecl) {
      *name = "[]";
      *type = cx_str(c->f, clang_getCursorUSR(c->frames[d].cur));
      return *type != NULL;
    }
    return list_field(c, d, list_at, name, type);
  }
  if (fr->kind != CXCursor_BinaryOperator || c->frames[d + 1].index != 1) return false;
  /* an assignment (`=`), not a comparison (`table[i] == on_get`) */
  uint32_t r = span_of(c, c->frames[d + 1].cur).start;
  if (r > c->len || !assign_before(c, r)) return false;
  CXCursor lhs = clang_getNullCursor();
  clang_visitChildren(fr->cur, first_child_cb, &lhs);
  const char *key, *label;
  if (clang_Cursor_isNull(lhs) || !function_array(c, lhs, &key, &label)) return false;
  const char *dot = strrchr(key, '.');
  *name = dot + 1;
  *type = ir_str(c->f, key, (size_t)(dot - key));
  return true;
}

/* The record whose field the function being lowered is stored into: `s->on_msg =
 * handle_msg` (the assignment's left side names the field), `{ .on_msg = handle_msg }`
 * (the initializer list's type). */
static const char *assigned_record(c_ctx *c) {
  for (int d = (int)c->depth - 2; d >= 1 && d >= (int)c->depth - 5; d--) {
    const c_frame *fr = &c->frames[d];
    if (fr->kind == CXCursor_BinaryOperator) {
      CXCursor lhs = clang_getNullCursor();
      clang_visitChildren(fr->cur, first_child_cb, &lhs);
      return clang_getCursorKind(lhs) == CXCursor_MemberRefExpr ? record_of_field(c, clang_getCursorReferenced(lhs))
                                                                 : NULL;
    }
    if (fr->kind == CXCursor_InitListExpr) {
      CXCursor decl = clang_getTypeDeclaration(clang_getCanonicalType(clang_getCursorType(fr->cur)));
      return clang_Cursor_isNull(decl) ? NULL : cx_str(c->f, clang_getCursorUSR(decl));
    }
  }
  return NULL;
}

/* The field a positional initializer fills: `{"get", get_command, 2}` in a table of
 * commands gives the record's second field the function — the k-th field of the
 * initializer list's record type, when the list names no field (`.f =`) before it. */
static bool positional_field(c_ctx *c, uint32_t at, const char **field, const char **record) {
  unsigned idx = c->frames[c->depth - 1].index;
  for (int d = (int)c->depth - 2; d >= 1 && d >= (int)c->depth - 4; d--) {
    const c_frame *fr = &c->frames[d];
    if (fr->kind == CXCursor_InitListExpr) {
      CXType ty = clang_getCanonicalType(clang_getCursorType(fr->cur));
      uint32_t from = span_of(c, fr->cur).start;
      if (ty.kind != CXType_Record || from >= at || memchr(c->text + from, '=', at - from)) return false;
      nth_field n = {.want = idx, .found = clang_getNullCursor()};
      clang_Type_visitFields(ty, nth_field_visit, &n);
      if (clang_Cursor_isNull(n.found)) return false;
      *field = cx_str(c->f, clang_getCursorSpelling(n.found));
      *record = cx_str(c->f, clang_getCursorUSR(clang_getTypeDeclaration(ty)));
      return *field && *record;
    }
    if (!wraps_value(fr->kind)) return false;
    idx = fr->index;
  }
  return false;
}

/* A reference to a function stored somewhere (`opts.exit_cb = on_exit`, `.exit_cb =
 * on_exit` in an initializer, `cb = on_read`): an ASSIGN whose name is the target (a
 * field's own name for members) and member the function. A read of a stored call
 * result: a USE. */
static ir_node *lower_ref(c_ctx *c, CXCursor cur, ir_node *parent) {
  CXCursor ref = clang_getCursorReferenced(cur);
  enum CXCursorKind rk = clang_getCursorKind(ref);
  ir_span sp = span_of(c, cur);
  const char *t = c->text;
  uint32_t after = sp.end;
  while (after < c->len && (t[after] == ' ' || t[after] == '\t')) after++;
  if (rk == CXCursor_FunctionDecl) {
    if (after < c->len && t[after] == '(') return NULL; /* the callee of a call */
    const char *fname = cx_str(c->f, clang_getCursorSpelling(ref));
    size_t fl = fname ? strlen(fname) : 0;
    if (!fl || sp.start + fl > c->len || strncmp(t + sp.start, fname, fl) || (sp.start + fl < c->len && c_ident(t[sp.start + fl])))
      return NULL; /* inside a macro expansion: not written here */
    uint32_t b = sp.start;
    while (b > 0 && (t[b - 1] == ' ' || t[b - 1] == '\t' || t[b - 1] == '\n')) b--;
    bool assigned = b > 0 && t[b - 1] == '=' && assign_before(c, b);
    /* an array's slot (`[]`, and the array's USR) or a positional field (and its record) */
    const char *slot, *owner;
    if (array_slot(c, &slot, &owner) || (!assigned && positional_field(c, sp.start, &slot, &owner))) {
      ir_node *x = ir_add(c->f, parent, IR_ASSIGN, sp);
      x->name = slot;
      x->member = cx_str(c->f, clang_getCursorSpelling(ref));
      x->type = owner;
      x->flags |= IR_F_METHOD;
      return x;
    }
    if (!assigned) return NULL;
    /* a variable declared with it: `void (*step)(void) = rotate;` (the declarator's
     * name is not just before the `=`) */
    for (int d = (int)c->depth - 2; d >= 1 && d >= (int)c->depth - 4; d--) {
      enum CXCursorKind pk = c->frames[d].kind;
      if (pk == CXCursor_VarDecl) {
        ir_node *x = ir_add(c->f, parent, IR_ASSIGN, sp);
        x->name = cx_str(c->f, clang_getCursorSpelling(c->frames[d].cur));
        x->member = cx_str(c->f, clang_getCursorSpelling(ref));
        return x->name ? x : NULL;
      }
      if (!wraps_value(pk)) break;
    }
    b--;
    while (b > 0 && (t[b - 1] == ' ' || t[b - 1] == '\t')) b--;
    uint32_t e = b;
    while (b > 0 && c_ident(t[b - 1])) b--;
    if (b == e) return NULL;
    ir_node *x = ir_add(c->f, parent, IR_ASSIGN, sp);
    x->name = ir_str(c->f, t + b, e - b);
    x->member = cx_str(c->f, clang_getCursorSpelling(ref));
    bool field = b > 0 && (t[b - 1] == '.' || (b >= 2 && t[b - 1] == '>' && t[b - 2] == '-'));
    if (field) {
      x->flags |= IR_F_METHOD; /* marks a struct field target */
      x->type = assigned_record(c);
    }
    return x;
  }
  if ((rk == CXCursor_VarDecl || rk == CXCursor_ParmDecl) && c->stored.len) {
    const char *nm = cx_str(c->f, clang_getCursorSpelling(cur));
    if (!nm || !al_map_get(&c->stored, nm)) return NULL;
    if (after < c->len && t[after] == '=' && (after + 1 >= c->len || t[after + 1] != '=')) return NULL; /* target */
    ir_node *x = ir_add(c->f, parent, IR_USE, sp);
    x->name = nm;
    return x;
  }
  return NULL;
}

/* A loop's header from the source: the condition (for: between the semicolons; while /
 * do: inside the parentheses) as the LOOP's name, and where the body starts. */
static void loop_header(c_ctx *c, ir_node *x, bool is_for) {
  const char *t = c->text;
  uint32_t o = x->span.start, end = x->span.end < c->len ? x->span.end : (uint32_t)c->len;
  if (!strncmp(t + o, "do", 2)) { /* do { ... } while (cond); */
    uint32_t w = end;
    while (w > o && strncmp(t + w, "while", 5)) w--;
    o = w;
  }
  while (o < end && t[o] != '(') o++;
  if (o >= end) return;
  uint32_t open = o, depth = 0, semi1 = 0, semi2 = 0;
  for (; o < end; o++) {
    if (t[o] == '(') depth++;
    else if (t[o] == ')' && --depth == 0) break;
    else if (t[o] == ';' && depth == 1) {
      if (!semi1) semi1 = o;
      else if (!semi2) semi2 = o;
    }
  }
  if (o >= end) return;
  uint32_t a = open + 1, b = o;
  if (is_for && semi1 && semi2) {
    a = semi1 + 1;
    b = semi2;
  }
  while (a < b && (t[a] == ' ' || t[a] == '\n')) a++;
  while (b > a && (t[b - 1] == ' ' || t[b - 1] == '\n')) b--;
  x->name = ir_str(c->f, t + a, b - a < 80 ? b - a : 80);
  uint32_t body = o + 1;
  while (body < end && (t[body] == ' ' || t[body] == '\n' || t[body] == '\t')) body++;
  x->body = body;
}

/* A function whose parameters are those of a loop callback type (knowledge
 * `callback_signatures`: each parameter's type as spelled; the function returns void)
 * runs on the loop even when the index cannot see it registered (through a wrapper, or
 * in code it does not have); the index marks it unless it is registered off the loop. */
static void callback_signature(ir_node *x, CXCursor cur, int np) {
  const al_kb_section *s = al_kb_section_get(al_kb_for(AL_LANG_C), "callback_signatures");
  if (!s || !x->type || strcmp(x->type, "void") || np > 8) return;
  char sig[512];
  size_t len = 0;
  sig[0] = 0;
  for (int i = 0; i < np; i++) {
    CXString sp = clang_getTypeSpelling(clang_getCursorType(clang_Cursor_getArgument(cur, (unsigned)i)));
    const char *ty = clang_getCString(sp);
    int w = snprintf(sig + len, sizeof sig - len, "%s%s", i ? ", " : "", ty ? ty : "?");
    clang_disposeString(sp);
    if (w < 0 || (size_t)w >= sizeof sig - len) return;
    len += (size_t)w;
  }
  for (size_t i = 0; i < s->entries.len; i++) {
    const al_kb_entry *e = s->entries.items[i];
    const char *want = al_kb_attr(e, "params");
    if (want && !strcmp(want, sig)) {
      x->flags |= IR_F_CB_SIGNATURE;
      x->alias = e->name;
      return;
    }
  }
}

/* `cb`, `!cb`, `cb == NULL`, `cb != NULL`, `NULL != cb` (NULL or 0; spaces and
 * parentheses ignored) over a parameter of fn: its guard for the `then` branch, or 0. */
static uint8_t null_test(const ir_node *fn, const char *t, size_t n) {
  char buf[96];
  size_t k = 0;
  for (size_t i = 0; i < n && k + 1 < sizeof buf; i++)
    if (t[i] != ' ' && t[i] != '\t' && t[i] != '\n' && t[i] != '(' && t[i] != ')') buf[k++] = t[i];
  if (k + 1 >= sizeof buf || !k) return 0;
  buf[k] = 0;
  bool when_null = false;
  char *name = buf, *op = NULL;
  if (buf[0] == '!') when_null = true, name = buf + 1;
  else if ((op = strstr(buf, "==")) || (op = strstr(buf, "!="))) {
    bool eq = op[0] == '=';
    *op = 0;
    char *l = buf, *r = op + 2;
    /* (`void*0`: NULL written out, `(void *)0`) */
    bool lnull = !strcmp(l, "NULL") || !strcmp(l, "0") || !strcmp(l, "void*0");
    bool rnull = !strcmp(r, "NULL") || !strcmp(r, "0") || !strcmp(r, "void*0");
    if (lnull == rnull) return 0;
    name = lnull ? r : l;
    when_null = eq;
  }
  for (uint32_t i = 0; i < fn->nargs && i < 0x7f; i++)
    if (fn->args[i].text && !strcmp(fn->args[i].text, name)) return (uint8_t)((i + 1) | (when_null ? IR_GUARD_NULL : 0));
  return 0;
}

static enum CXChildVisitResult first_ref_cb(CXCursor cur, CXCursor parent, CXClientData d) {
  (void)parent;
  if (clang_getCursorKind(cur) != CXCursor_DeclRefExpr) return CXChildVisit_Recurse;
  *(CXCursor *)d = cur;
  return CXChildVisit_Break;
}

/* The guard of an `if` written by a macro defined in this file (libuv's POST: `if (cb !=
 * NULL)` in its body), whose condition has no text of its own here (libclang places the
 * whole expansion where the macro is named, and gives no location inside its body): the
 * `if` conditions of the macro's definition, when those that test a parameter agree, and
 * the condition in the tree names that parameter. `at`: where the macro is named. */
static uint8_t macro_guard(c_ctx *c, const ir_node *fn, CXCursor cond, size_t at) {
  size_t n = 0;
  while (at + n < c->len && c_ident(c->text[at + n])) n++;
  if (!n || (at && c_ident(c->text[at - 1]))) return 0;
  const char *name = c->text + at, *end = c->text + c->len, *body = NULL;
  for (const char *p = c->text; !body && (p = memmem(p, (size_t)(end - p), "define", 6)); p += 6) {
    const char *h = p;
    while (h > c->text && (h[-1] == ' ' || h[-1] == '\t')) h--;
    if (h == c->text || h[-1] != '#') continue;
    const char *q = p + 6;
    if (q >= end || (*q != ' ' && *q != '\t')) continue;
    while (q < end && (*q == ' ' || *q == '\t')) q++;
    if ((size_t)(end - q) > n && !memcmp(q, name, n) && !c_ident(q[n])) body = q + n;
  }
  if (!body) return 0;
  const char *stop = body; /* the definition's end: the first line not continued by a backslash */
  while (stop < end && *stop != '\n') {
    const char *nl = memchr(stop, '\n', (size_t)(end - stop));
    if (!nl) nl = end;
    const char *last = nl;
    while (last > stop && (last[-1] == ' ' || last[-1] == '\t' || last[-1] == '\r')) last--;
    stop = nl;
    if (last > body && last[-1] == '\\' && nl < end) stop = nl + 1;
    else break;
  }
  uint8_t found = 0;
  for (const char *p = body; p + 2 < stop; p++) {
    if (p[0] != 'i' || p[1] != 'f' || c_ident(p[2]) || (p > body && c_ident(p[-1]))) continue;
    const char *q = p + 2;
    while (q < stop && (*q == ' ' || *q == '\t' || *q == '\\' || *q == '\n' || *q == '\r')) q++;
    if (q >= stop || *q != '(') continue;
    int depth = 0;
    const char *r = q;
    for (; r < stop; r++) {
      if (*r == '(') depth++;
      else if (*r == ')' && --depth == 0) break;
    }
    if (r >= stop) break;
    uint8_t g = null_test(fn, q + 1, (size_t)(r - q - 1));
    if (g && found && g != found) return 0; /* two tests that disagree: not known which this is */
    if (g) found = g;
  }
  if (!found) return 0;
  CXCursor ref = clang_getNullCursor();
  clang_visitChildren(cond, first_ref_cb, &ref);
  if (clang_getCursorKind(cond) == CXCursor_DeclRefExpr) ref = cond;
  if (clang_Cursor_isNull(ref)) return 0;
  CXString sp = clang_getCursorSpelling(ref);
  const char *ref_name = clang_getCString(sp);
  const char *param = fn->args[(found & 0x7fu) - 1].text;
  bool same = ref_name && param && !strcmp(ref_name, param);
  clang_disposeString(sp);
  return same ? found : 0;
}

/* The guard an `if` condition sets (null_test), also when a macro wrote it. */
static uint8_t cond_guard(c_ctx *c, const ir_node *fn, CXCursor ifs, CXCursor cond) {
  ir_span sp = span_of(c, cond);
  uint8_t g = sp.end > sp.start ? null_test(fn, c->text + sp.start, sp.end - sp.start) : 0;
  if (g) return g;
  /* from a macro: the `if` and its condition both start where the macro is named */
  return sp.start <= span_of(c, ifs).start ? macro_guard(c, fn, cond, sp.start) : 0;
}

/* A call in the `then` or `else` branch of an `if` testing a parameter of its function
 * against NULL: taken only when the parameter is (not) NULL. The innermost such `if`
 * decides. */
static uint8_t call_guard(c_ctx *c) {
  const ir_node *fn = NULL;
  for (size_t i = c->depth; i-- > 0 && !fn;)
    if (c->frames[i].kind == CXCursor_FunctionDecl) fn = c->frames[i].ir;
  if (!fn || fn->kind != IR_FUNC || !fn->nargs) return 0;
  for (size_t i = c->depth - 1; i-- > 0;) {
    if (c->frames[i].kind == CXCursor_FunctionDecl) break;
    if (c->frames[i].kind != CXCursor_IfStmt) continue;
    unsigned branch = c->frames[i + 1].index; /* 0: the condition, 1: then, 2: else */
    if (branch != 1 && branch != 2) continue;
    CXCursor cond = clang_getNullCursor();
    clang_visitChildren(c->frames[i].cur, first_child_cb, &cond);
    if (clang_Cursor_isNull(cond)) continue;
    uint8_t g = cond_guard(c, fn, c->frames[i].cur, cond);
    if (!g) continue;
    return branch == 1 ? g : (uint8_t)(g ^ IR_GUARD_NULL);
  }
  for (size_t i = c->depth - 1; i-- > 0;) { /* after an early return */
    if (c->frames[i].kind == CXCursor_FunctionDecl) break;
    if (c->frames[i].after_guard && c->frames[i + 1].index > c->frames[i].after_index) return c->frames[i].after_guard;
  }
  return 0;
}

typedef struct if_kids {
  CXCursor kid[3]; /* condition, then, else */
  unsigned n;
} if_kids;

static enum CXChildVisitResult collect_cb(CXCursor cur, CXCursor parent, CXClientData d) {
  (void)parent;
  if_kids *k = d;
  if (k->n < 3) k->kid[k->n] = cur;
  k->n++;
  return CXChildVisit_Continue;
}

static enum CXChildVisitResult last_child_cb(CXCursor cur, CXCursor parent, CXClientData d) {
  (void)parent;
  *(CXCursor *)d = cur;
  return CXChildVisit_Continue;
}

/* `if (cb) { ...; return ...; }` without an else, in a block of a function testing its
 * parameter: what follows in the block runs only when the test failed. */
static void early_return(c_ctx *c, CXCursor ifs) {
  if (c->depth < 2 || c->frames[c->depth - 2].kind != CXCursor_CompoundStmt) return;
  const ir_node *fn = NULL;
  for (size_t i = c->depth; i-- > 0 && !fn;)
    if (c->frames[i].kind == CXCursor_FunctionDecl) fn = c->frames[i].ir;
  if (!fn || fn->kind != IR_FUNC || !fn->nargs) return;
  if_kids k = {{clang_getNullCursor(), clang_getNullCursor(), clang_getNullCursor()}, 0};
  clang_visitChildren(ifs, collect_cb, &k);
  if (k.n != 2) return; /* an else, or no then */
  uint8_t g = cond_guard(c, fn, ifs, k.kid[0]);
  if (!g) return;
  CXCursor last = k.kid[1];
  if (clang_getCursorKind(last) == CXCursor_CompoundStmt) {
    CXCursor l = clang_getNullCursor();
    clang_visitChildren(last, last_child_cb, &l);
    last = l;
  }
  if (clang_Cursor_isNull(last) || clang_getCursorKind(last) != CXCursor_ReturnStmt) return;
  c_frame *blk = &c->frames[c->depth - 2];
  if (blk->after_guard) return; /* the first such `if` decides */
  blk->after_guard = (uint8_t)(g ^ IR_GUARD_NULL);
  blk->after_index = c->frames[c->depth - 1].index;
}

/* A call written by a macro that expands to statements (libuv's POST: `do { if (cb) ...
 * else uv__fs_work(req); } while (0)`): the statement around it starts where the macro is
 * named too. Such a call is shown by its function's name, not the macro's. */
static bool in_statement_macro(c_ctx *c, uint32_t start) {
  for (size_t i = c->depth - 1; i-- > 0;) {
    enum CXCursorKind k = c->frames[i].kind;
    if (k == CXCursor_FunctionDecl) return false;
    if (k == CXCursor_CompoundStmt || k == CXCursor_IfStmt || k == CXCursor_DoStmt || k == CXCursor_WhileStmt ||
        k == CXCursor_ForStmt || k == CXCursor_SwitchStmt)
      return span_of(c, c->frames[i].cur).start == start;
  }
  return false;
}

static ir_node *lower_cursor(c_ctx *c, CXCursor cur, enum CXCursorKind k, ir_node *parent, bool *descend) {
  ir_node *x;
  switch (k) {
  case CXCursor_FunctionDecl:
    if (!clang_isCursorDefinition(cur)) {
      *descend = false;
      return NULL;
    }
    x = ir_add(c->f, parent, IR_FUNC, span_of(c, cur));
    x->name = cx_str(c->f, clang_getCursorSpelling(cur));
    x->type = type_str(c->f, clang_getCursorResultType(cur));
    x->flags |= IR_F_DEFINITION;
    if (clang_getCursorLinkage(cur) == CXLinkage_External) x->flags |= IR_F_EXPORTED;
    {
      int np = clang_Cursor_getNumArguments(cur);
      if (np > 0) {
        x->args = al_arena_alloc(&c->f->arena, (size_t)np * sizeof *x->args);
        for (int i = 0; i < np; i++) {
          const char *pn = cx_str(c->f, clang_getCursorSpelling(clang_Cursor_getArgument(cur, (unsigned)i)));
          x->args[x->nargs++].text = pn ? pn : "";
        }
        callback_signature(x, cur, np);
      }
      for (uint32_t o = x->span.start; o < x->span.end && o < c->len; o++)
        if (c->text[o] == '{') {
          x->body = o;
          break;
        }
    }
    return x;
  case CXCursor_AnnotateAttr: { /* ASYNCLINT_ON_LOOP / _OFF_LOOP / _MAY_BLOCK */
    const char *a = cx_str(c->f, clang_getCursorSpelling(cur));
    if (parent && parent->kind == IR_FUNC && a) {
      if (!strcmp(a, "asynclint_on_loop")) parent->flags |= IR_F_LOOP_CALLBACK | IR_F_ANNOT_ON;
      else if (!strcmp(a, "asynclint_off_loop")) parent->flags |= IR_F_OFF_LOOP | IR_F_ANNOT_OFF;
      else if (!strcmp(a, "asynclint_may_block")) parent->flags |= IR_F_MAY_BLOCK;
    }
    return NULL;
  }
  case CXCursor_CallExpr: {
    x = ir_add(c->f, parent, IR_CALL, span_of(c, cur));
    x->name = cx_str(c->f, clang_getCursorSpelling(cur));
    if (!x->name) x->name = "()";
    x->member = x->name;
    /* As written: a macro like rt_sleep_future(...) expands to rt_sleep_future_at(). */
    x->text = x->name;
    uint32_t s = x->span.start, e = s;
    while (e < c->len && (c->text[e] == '_' || (c->text[e] >= 'a' && c->text[e] <= 'z') ||
                          (c->text[e] >= 'A' && c->text[e] <= 'Z') || (e > s && c->text[e] >= '0' && c->text[e] <= '9')))
      e++;
    if (e > s && e < c->len && c->text[e] == '(' && !in_statement_macro(c, s)) x->text = ir_str(c->f, c->text + s, e - s);
    /* through a struct field's function pointer: named by its record and field, which no
     * function is (`c:@S@server.on_msg`; the index knows the functions stored there) */
    const char *rec = x->text == x->name ? record_of_field(c, clang_getCursorReferenced(cur)) : NULL;
    if (rec) {
      x->flags |= IR_F_METHOD;
      x->member = al_arena_fmt(&c->f->arena, "%s.%s", rec, x->name);
    }
    /* through an array of functions: `handlers[op](c)` */
    const char *key, *label;
    CXCursor callee = clang_getNullCursor();
    if (!rec && !strcmp(x->name, "()")) clang_visitChildren(cur, first_child_cb, &callee);
    if (!clang_Cursor_isNull(callee) && function_array(c, callee, &key, &label)) {
      x->flags |= IR_F_METHOD;
      x->member = key;
      x->name = label;
    }
    x->type = type_str(c->f, clang_getCursorType(cur));
    const char *var = NULL;
    x->use = (uint8_t)call_use(c, &var, x->span.start);
    x->alias = var;
    if (var && x->use == IR_USE_ASSIGNED && !strpbrk(var, ".-[*")) al_map_put(&c->stored, var, (void *)1);
    lower_args(c, x, cur);
    x->guard = call_guard(c);
    return x;
  }
  case CXCursor_DeclRefExpr:
    return lower_ref(c, cur, parent);
  case CXCursor_IfStmt:
    early_return(c, cur);
    return NULL;
  case CXCursor_ReturnStmt: return ir_add(c->f, parent, IR_RETURN, span_of(c, cur));
  case CXCursor_BreakStmt: return ir_add(c->f, parent, IR_BREAK, span_of(c, cur));
  case CXCursor_ContinueStmt: return ir_add(c->f, parent, IR_CONTINUE, span_of(c, cur));
  case CXCursor_ForStmt:
  case CXCursor_WhileStmt:
  case CXCursor_DoStmt:
    x = ir_add(c->f, parent, IR_LOOP, span_of(c, cur));
    if (k != CXCursor_ForStmt) x->flags |= IR_F_WHILE;
    loop_header(c, x, k == CXCursor_ForStmt);
    return x;
  default:
    return NULL;
  }
}

static enum CXChildVisitResult visit(CXCursor cur, CXCursor parent, CXClientData data) {
  c_ctx *c = data;
  while (c->depth > 1 && !clang_equalCursors(c->frames[c->depth - 1].cur, parent)) c->depth--;
  c_frame *top = &c->frames[c->depth - 1];
  if (c->depth == 1 && !clang_Location_isFromMainFile(clang_getCursorLocation(cur))) return CXChildVisit_Continue;
  unsigned index = top->nchild++;
  if (c->depth == c->cap) {
    c->cap *= 2;
    c->frames = al_realloc(c->frames, c->cap * sizeof *c->frames);
    top = &c->frames[c->depth - 1];
  }
  c_frame *fr = &c->frames[c->depth++];
  fr->cur = cur;
  fr->kind = clang_getCursorKind(cur);
  fr->index = index;
  fr->nchild = 0;
  fr->ir = top->ir;
  fr->after_guard = 0;
  bool descend = true;
  ir_node *own = lower_cursor(c, cur, fr->kind, top->ir, &descend);
  if (own) fr->ir = own;
  if (!descend) {
    c->depth--;
    return CXChildVisit_Continue;
  }
  return CXChildVisit_Recurse;
}

/* ---- token-level recovery ----
 * Without its headers clang drops every call whose arguments name undeclared things
 * (uv_fs_read(loop, &req, ...)). When the file had errors, each function body is also
 * scanned as tokens, and `name(` sequences that did not become CALL nodes are added
 * (flat under their function) with a use read off the neighbouring tokens. */
static bool tok_is(CXTranslationUnit tu, CXToken t, const char *s) {
  CXString sp = clang_getTokenSpelling(tu, t);
  bool r = !strcmp(clang_getCString(sp), s);
  clang_disposeString(sp);
  return r;
}

static uint32_t tok_off(CXTranslationUnit tu, CXToken t) {
  unsigned off = 0;
  clang_getExpansionLocation(clang_getTokenLocation(tu, t), NULL, NULL, NULL, &off);
  return off;
}

static bool has_call_at(const ir_node *fn, uint32_t off) {
  for (const ir_node *n = fn->child; n; n = ir_next(n, fn))
    if (n->kind == IR_CALL && n->span.start == off) return true;
  return false;
}

static ir_use token_use(CXTranslationUnit tu, CXToken *t, unsigned i, unsigned close, unsigned n) {
  bool ends_stmt = close + 1 < n && tok_is(tu, t[close + 1], ";");
  if (i == 0) return IR_USE_OTHER;
  CXToken p = t[i - 1];
  if (tok_is(tu, p, "=")) return IR_USE_ASSIGNED;
  if (tok_is(tu, p, "return")) return IR_USE_RETURNED;
  if (tok_is(tu, p, ",") || tok_is(tu, p, "(")) return IR_USE_PASSED;
  if (tok_is(tu, p, ")") && i >= 3 && tok_is(tu, t[i - 2], "void") && tok_is(tu, t[i - 3], "("))
    return IR_USE_VOIDED;
  if ((tok_is(tu, p, ";") || tok_is(tu, p, "{") || tok_is(tu, p, "}") || tok_is(tu, p, ")") ||
       tok_is(tu, p, "else") || tok_is(tu, p, ":")) && ends_stmt)
    return IR_USE_DISCARDED;
  return IR_USE_OTHER;
}

static void recover_calls(c_ctx *c, CXTranslationUnit tu, CXCursor fn_cur, ir_node *fn) {
  CXToken *t = NULL;
  unsigned n = 0;
  clang_tokenize(tu, clang_getCursorExtent(fn_cur), &t, &n);
  unsigned body = 0;
  while (body < n && !tok_is(tu, t[body], "{")) body++;
  for (unsigned i = body; i + 1 < n; i++) {
    if (clang_getTokenKind(t[i]) != CXToken_Identifier || !tok_is(tu, t[i + 1], "(")) continue;
    uint32_t off = tok_off(tu, t[i]);
    if (off >= c->len || has_call_at(fn, off)) continue;
    unsigned close = i + 1, depth = 0;
    for (; close < n; close++) {
      if (tok_is(tu, t[close], "(")) depth++;
      else if (tok_is(tu, t[close], ")") && --depth == 0) break;
    }
    if (close >= n) continue;
    uint32_t end = tok_off(tu, t[close]) + 1;
    ir_span sp = span_of(c, fn_cur);
    unsigned line, col;
    clang_getExpansionLocation(clang_getTokenLocation(tu, t[i]), NULL, &line, &col, NULL);
    sp.start = off;
    sp.end = end <= c->len ? end : off;
    sp.line = line;
    sp.col = col;
    ir_node *x = ir_add(c->f, fn, IR_CALL, sp);
    CXString name = clang_getTokenSpelling(tu, t[i]);
    x->name = x->member = x->text = al_arena_strdup(&c->f->arena, clang_getCString(name));
    clang_disposeString(name);
    x->use = (uint8_t)token_use(tu, t, i, close, n);
    /* Arguments: top-level comma-separated token runs. */
    unsigned nargs = 0;
    for (unsigned k = i + 2, d = 0; k < close; k++) {
      if (tok_is(tu, t[k], "(") || tok_is(tu, t[k], "[") || tok_is(tu, t[k], "{")) d++;
      else if (tok_is(tu, t[k], ")") || tok_is(tu, t[k], "]") || tok_is(tu, t[k], "}")) d--;
      else if (d == 0 && tok_is(tu, t[k], ",")) nargs++;
    }
    if (close > i + 2) nargs++;
    if (!nargs) continue;
    x->args = al_arena_alloc(&c->f->arena, nargs * sizeof *x->args);
    unsigned start = i + 2;
    for (unsigned k = i + 2, d = 0; k <= close; k++) {
      bool at_end = k == close;
      if (!at_end) {
        if (tok_is(tu, t[k], "(") || tok_is(tu, t[k], "[") || tok_is(tu, t[k], "{")) d++;
        else if (tok_is(tu, t[k], ")") || tok_is(tu, t[k], "]") || tok_is(tu, t[k], "}")) d--;
      }
      if (at_end || (d == 0 && tok_is(tu, t[k], ","))) {
        if (x->nargs < nargs && k > start) {
          uint32_t a = tok_off(tu, t[start]), b = tok_off(tu, t[k]);
          while (b > a && (c->text[b - 1] == ' ' || c->text[b - 1] == '\n')) b--;
          ir_arg *arg = &x->args[x->nargs++];
          arg->text = ir_str(c->f, c->text + a, b - a < 60 ? b - a : 60);
          if (!strcmp(arg->text, "NULL") || !strcmp(arg->text, "0")) arg->flags |= IR_ARG_NULL;
          if (clang_getTokenKind(t[start]) == CXToken_Literal) arg->flags |= IR_ARG_LITERAL;
        }
        start = k + 1;
      }
    }
  }
  clang_disposeTokens(tu, t, n);
}

typedef struct recover_ctx {
  c_ctx *c;
  CXTranslationUnit tu;
  ir_node *fn; /* walks the FUNC nodes in order, matching function definitions */
} recover_ctx;

static enum CXChildVisitResult recover_visit(CXCursor cur, CXCursor parent, CXClientData data) {
  recover_ctx *r = data;
  if (!clang_Location_isFromMainFile(clang_getCursorLocation(cur))) return CXChildVisit_Continue;
  if (clang_getCursorKind(cur) != CXCursor_FunctionDecl || !clang_isCursorDefinition(cur))
    return CXChildVisit_Continue;
  while (r->fn && r->fn->kind != IR_FUNC) r->fn = r->fn->next;
  if (!r->fn) return CXChildVisit_Break;
  recover_calls(r->c, r->tu, cur, r->fn);
  r->fn = r->fn->next;
  return CXChildVisit_Continue;
}

ir_file *al_lower_c(const al_source *src, const al_lower_ctx *ctx, char **err) {
  const char *why = NULL;
  if (!al_clang_load(&why)) {
    *err = al_fmt("%s", why);
    return NULL;
  }
  const char *path = ctx->abs_path ? ctx->abs_path : src->path;
  char **argv;
  int argc = build_args(path, &argv);
  CXIndex index = clang_createIndex(0, 0);
  struct CXUnsavedFile unsaved = {path, src->text, (unsigned long)src->len};
  CXTranslationUnit tu = NULL;
  enum CXErrorCode rc = clang_parseTranslationUnit2(
      index, path, (const char *const *)argv, argc, &unsaved, 1,
      CXTranslationUnit_KeepGoing | CXTranslationUnit_IgnoreNonErrorsFromIncludedFiles, &tu);
  for (int i = 0; i < argc; i++) free(argv[i]);
  free(argv);
  if (rc != CXError_Success || !tu) {
    clang_disposeIndex(index);
    *err = al_fmt("clang could not parse the file (libclang error %d)", (int)rc);
    return NULL;
  }
  ir_file *f = ir_file_new(src, ctx->module);
  unsigned nd = clang_getNumDiagnostics(tu);
  for (unsigned i = 0; i < nd; i++) {
    CXDiagnostic d = clang_getDiagnostic(tu, i);
    if (clang_getDiagnosticSeverity(d) >= CXDiagnostic_Error) f->parse_errors = true;
    clang_disposeDiagnostic(d);
  }
  c_ctx c = {.f = f, .text = src->text, .len = src->len, .cap = 256};
  c.frames = al_malloc(c.cap * sizeof *c.frames);
  CXCursor root = clang_getTranslationUnitCursor(tu);
  c.frames[0] = (c_frame){.cur = root, .kind = CXCursor_TranslationUnit, .ir = f->root};
  c.depth = 1;
  clang_visitChildren(root, visit, &c);
  if (f->parse_errors) {
    recover_ctx r = {.c = &c, .tu = tu, .fn = f->root->child};
    clang_visitChildren(root, recover_visit, &r);
  }
  free(c.frames);
  al_map_free(&c.stored);
  clang_disposeTranslationUnit(tu);
  clang_disposeIndex(index);
  return f;
}
