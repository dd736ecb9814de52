/* lsp: `asynclint lsp`, a Language Server over stdio (JSON-RPC 2.0, jansson):
 * initialize/initialized/shutdown/exit, didOpen/didChange (full and incremental)/
 * didSave/didClose with publishDiagnostics (or, for a client that pulls them, LSP 3.17's
 * textDocument/diagnostic with workspace/diagnostic/refresh), hover (a finding's message and why it
 * matters), and codeAction (the fixes, and "ignore on
 * this line"). Each open document is linted from memory with the rules its
 * .asynclint.yaml enables. Malformed input gets the JSON-RPC error and the server goes
 * on; end of input ends it. */
#include "lsp.h"
#include "lang/ts_walk.h"

#include <errno.h>
#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <strings.h>
#include <unistd.h>

#include <dirent.h>
#include <libgen.h>
#include <sys/stat.h>
#include <tree_sitter/api.h>

#include "config.h"
#include "fix.h"
#include "frontend.h"
#include "index.h"
#include "pytest_ctx.h"
#include "rule.h"

/* An open document: the editor's text, and what was last lowered from it. */
typedef struct doc {
  char *uri, *path;
  al_lang lang;
  al_buf text;
  long version;
  bool dirty;      /* changed since its diagnostics were last published */
  bool stale;      /* text changed since ir was lowered */
  bool too_big_told; /* the client was told it is too big to lint as you type */
  unsigned long result_seq; /* pull model: bumped whenever its diagnostics may have changed */
  char *module;
  al_source src;   /* the text ir was lowered from */
  ir_file *ir;
  TSTree *tree;    /* tree-sitter tree of src, edited as changes arrive (incremental reparse) */
} doc;

/* A file on disk in the cross-file index: imported by an open document (transitively, a
 * few levels) or, for C, beside one. Reloaded when its size or mtime changes. */
typedef struct disk_unit {
  char *path;
  char *module;
  al_source src;
  ir_file *ir;
} disk_unit;

#define MAX_DISK_UNITS 512
/* Documents larger than this are not linted as you type (parsing a 20 MB buffer on every
 * keystroke would take seconds and gigabytes): the client is told once, and
 * `asynclint check` still lints the file. */
#define AL_LSP_MAX_LINT_BYTES ((size_t)8 << 20)
#define MAX_IMPORT_DEPTH 3

typedef struct server {
  al_map docs;      /* uri -> doc* */
  al_map open;      /* canonical path -> doc* (an open document overrides the disk) */
  al_map disk;      /* canonical path -> disk_unit* */
  size_t ndisk;
  al_index idx;     /* over the open documents and the disk units */
  bool idx_valid;
  al_configs configs;
  bool initialized, shutdown, exiting;
  /* The client pulls diagnostics (textDocument/diagnostic, LSP 3.17) instead of being
   * sent them; refresh: it takes workspace/diagnostic/refresh when another document's
   * change alters a document's findings. */
  bool pull, pull_refresh;
  long next_request;
  FILE *out;
} server;

/* ---- framing ---- */

static void send_json(server *s, json_t *msg) {
  json_object_set_new(msg, "jsonrpc", json_string("2.0"));
  char *body = json_dumps(msg, JSON_COMPACT);
  json_decref(msg);
  if (!body) return;
  fprintf(s->out, "Content-Length: %zu\r\n\r\n%s", strlen(body), body);
  fflush(s->out);
  free(body);
}

static void send_error(server *s, json_t *id, int code, const char *message) {
  json_t *err = json_object();
  json_object_set_new(err, "code", json_integer(code));
  json_object_set_new(err, "message", json_string(message));
  json_t *msg = json_object();
  json_object_set(msg, "id", id ? id : json_null());
  json_object_set_new(msg, "error", err);
  send_json(s, msg);
}

static void send_result(server *s, json_t *id, json_t *result) {
  json_t *msg = json_object();
  json_object_set(msg, "id", id);
  json_object_set_new(msg, "result", result ? result : json_null());
  send_json(s, msg);
}

/* Buffered reading of the input fd, so the server can tell whether more input is
 * already waiting (to coalesce a burst of edits before linting). */
typedef struct reader {
  int fd;
  char buf[65536];
  size_t pos, len;
  bool eof;
} reader;

static bool fill(reader *r) {
  if (r->pos < r->len) return true;
  if (r->eof) return false;
  ssize_t n;
  do n = read(r->fd, r->buf, sizeof r->buf);
  while (n < 0 && errno == EINTR);
  if (n <= 0) {
    r->eof = true;
    return false;
  }
  r->pos = 0;
  r->len = (size_t)n;
  return true;
}

/* Input is waiting now, or arrives within ms milliseconds. */
static bool input_pending(reader *r, int ms) {
  if (r->pos < r->len) return true;
  if (r->eof) return false;
  struct pollfd p = {.fd = r->fd, .events = POLLIN};
  return poll(&p, 1, ms) > 0;
}

static bool read_line(reader *r, char *line, size_t cap) {
  size_t n = 0;
  while (fill(r)) {
    char c = r->buf[r->pos++];
    if (n + 1 < cap) line[n++] = c;
    if (c == '\n') break;
  }
  line[n] = 0;
  return n > 0;
}

/* Reads one message body (malloc'd) into *body. 1 ok, 0 end of input, -1 bad header
 * (the header block is consumed; the caller answers a parse error). */
static int read_message(reader *in, char **body, size_t *len) {
  char line[1024];
  long clen = -1;
  bool any = false, bad = false;
  while (read_line(in, line, sizeof line)) {
    any = true;
    if (!strcmp(line, "\r\n") || !strcmp(line, "\n")) {
      if (bad || clen < 0 || clen > (long)(64 << 20)) return -1;
      *body = al_malloc((size_t)clen + 1);
      size_t got = 0;
      while (got < (size_t)clen && fill(in)) {
        size_t take = in->len - in->pos;
        if (take > (size_t)clen - got) take = (size_t)clen - got;
        memcpy(*body + got, in->buf + in->pos, take);
        in->pos += take;
        got += take;
      }
      (*body)[got] = 0;
      *len = got;
      if (got < (size_t)clen) {
        free(*body);
        return 0;
      }
      return 1;
    }
    if (!strncasecmp(line, "Content-Length:", 15)) {
      char *end;
      clen = strtol(line + 15, &end, 10);
      while (*end == ' ' || *end == '\r' || *end == '\n') end++;
      if (*end || clen < 0) bad = true;
    }
  }
  return any ? -1 : 0;
}

/* ---- documents ---- */

static char *uri_to_path(const char *uri) {
  if (strncmp(uri, "file://", 7)) return NULL;
  al_buf b = {0};
  for (const char *p = uri + 7; *p; p++) {
    if (*p == '%' && p[1] && p[2]) {
      char hex[3] = {p[1], p[2], 0};
      char c = (char)strtol(hex, NULL, 16);
      al_buf_add(&b, &c, 1);
      p += 2;
    } else {
      al_buf_add(&b, p, 1);
    }
  }
  char *r = al_strdup(b.data ? b.data : "");
  al_buf_free(&b);
  return r;
}

/* Byte offset of an LSP position (line, UTF-16 character) in text. */
static size_t offset_of(const char *t, size_t len, long line, long ch) {
  size_t o = 0;
  for (long l = 0; l < line && o < len; o++)
    if (t[o] == '\n') l++;
  for (long c = 0; c < ch && o < len && t[o] != '\n';) {
    unsigned char u = (unsigned char)t[o];
    size_t n = u < 0x80 ? 1 : u < 0xE0 ? 2 : u < 0xF0 ? 3 : 4;
    c += n == 4 ? 2 : 1;
    o += n;
  }
  return o > len ? len : o;
}

/* LSP position (UTF-16 character) of a byte offset. */
static json_t *position_of(const char *t, size_t len, size_t off) {
  long line = 0, ch = 0;
  size_t ls = 0;
  for (size_t i = 0; i < off && i < len; i++)
    if (t[i] == '\n') {
      line++;
      ls = i + 1;
    }
  for (size_t i = ls; i < off && i < len;) {
    unsigned char u = (unsigned char)t[i];
    size_t n = u < 0x80 ? 1 : u < 0xE0 ? 2 : u < 0xF0 ? 3 : 4;
    ch += n == 4 ? 2 : 1;
    i += n;
  }
  json_t *p = json_object();
  json_object_set_new(p, "line", json_integer(line));
  json_object_set_new(p, "character", json_integer(ch));
  return p;
}

static json_t *range_of(const doc *d, size_t a, size_t b) {
  json_t *r = json_object();
  json_object_set_new(r, "start", position_of(d->text.data, d->text.len, a));
  json_object_set_new(r, "end", position_of(d->text.data, d->text.len, b));
  return r;
}

/* ---- the cross-file index ---- */

static void drop_index(server *s) {
  if (!s->idx_valid) return;
  al_index_free(&s->idx);
  s->idx_valid = false;
}

static void disk_unit_free(disk_unit *u) {
  if (!u) return;
  if (u->ir) ir_file_free(u->ir);
  al_source_free(&u->src);
  free(u->module);
  free(u->path);
  free(u);
}

static bool is_regular(const char *p, struct stat *st) {
  return stat(p, st) == 0 && S_ISREG(st->st_mode);
}

static void load_neighbours(server *s, const ir_file *f, const char *path, int depth);

/* Loads path from disk into the index (unless open or loaded), then what it imports. */
static void load_disk(server *s, const char *path, int depth) {
  struct stat st;
  al_lang lang = al_lang_from_path(path);
  if (lang == AL_LANG_NONE || al_map_get(&s->open, path) || al_map_get(&s->disk, path) ||
      s->ndisk >= MAX_DISK_UNITS || !is_regular(path, &st))
    return;
  disk_unit *u = al_calloc(1, sizeof *u);
  u->path = al_strdup(path);
  char *err = NULL;
  if (al_source_load(&u->src, path, lang, &err) == 0) {
    u->module = al_module_id(path, lang);
    al_lower_ctx ctx = {.abs_path = path, .module = u->module};
    u->ir = al_lower(&u->src, &ctx, &err);
  }
  free(err);
  drop_index(s);
  al_map_put(&s->disk, path, u); /* kept even when unreadable: its identity is watched */
  s->ndisk++;
  if (u->ir) load_neighbours(s, u->ir, path, depth + 1);
}

typedef struct neighbour_ctx {
  server *s;
  int depth;
} neighbour_ctx;

static void load_candidate(const char *path, void *ctx) {
  neighbour_ctx *c = ctx;
  load_disk(c->s, path, c->depth);
}

/* Loads the files f's imports name (al_import_candidates) and, for C, the other .c
 * files of its folder. */
static void load_neighbours(server *s, const ir_file *f, const char *path, int depth) {
  if (depth > MAX_IMPORT_DEPTH || s->ndisk >= MAX_DISK_UNITS) return;
  if (f->lang == AL_LANG_C) {
    if (depth > 0) return; /* the folder of an open document */
    char *copy = al_strdup(path);
    const char *dir = dirname(copy);
    DIR *dh = opendir(dir);
    struct dirent *e;
    int n = 0;
    while (dh && (e = readdir(dh)) && n < 64) {
      if (!al_ends_with(e->d_name, ".c")) continue;
      char *p = al_fmt("%s/%s", dir, e->d_name);
      load_disk(s, p, depth);
      free(p);
      n++;
    }
    if (dh) closedir(dh);
    free(copy);
    return;
  }
  neighbour_ctx c = {s, depth};
  al_import_candidates(f, path, load_candidate, &c);
}

typedef struct refresh_ctx {
  server *s;
  al_vec gone; /* char*: paths whose disk unit changed */
} refresh_ctx;

static void refresh_cb(const char *k, void *v, void *ctx) {
  disk_unit *u = v;
  refresh_ctx *rc = ctx;
  if (!u) return;
  struct stat st;
  bool there = is_regular(k, &st);
  if (there && u->src.text && st.st_size == u->src.size &&
      (int64_t)st.st_mtim.tv_sec * 1000000000 + st.st_mtim.tv_nsec == u->src.mtime_ns)
    return;
  if (!there && !u->src.text) return; /* still missing */
  al_vec_push(&rc->gone, al_strdup(k));
}

/* Disk units whose file changed since they were loaded are loaded again (or dropped).
 * Returns true when any changed. */
static bool refresh_disk(server *s) {
  refresh_ctx rc = {.s = s};
  al_map_each(&s->disk, refresh_cb, &rc);
  for (size_t i = 0; i < rc.gone.len; i++) {
    const char *p = rc.gone.items[i];
    drop_index(s);
    disk_unit_free(al_map_put(&s->disk, p, NULL));
    s->ndisk--;
    load_disk(s, p, 1);
  }
  bool changed = rc.gone.len > 0;
  for (size_t i = 0; i < rc.gone.len; i++) free(rc.gone.items[i]);
  al_vec_free(&rc.gone);
  return changed;
}

/* Lowers d's text when it changed since the last time, reusing its edited tree-sitter tree.
 * Returns true when d's IR was replaced. */
static bool lower_doc(server *s, doc *d) {
  if (!d->stale || !d->path || d->lang == AL_LANG_NONE || d->text.len > AL_LSP_MAX_LINT_BYTES) return false;
  drop_index(s);
  if (d->ir) ir_file_free(d->ir);
  d->ir = NULL;
  al_source_free(&d->src);
  al_source_from_text(&d->src, d->path, d->lang, d->text.data ? d->text.data : "", d->text.len);
  if (!d->module) d->module = al_module_id(d->path, d->lang);
  al_lower_ctx ctx = {.abs_path = d->path, .module = d->module, .tree = d->lang == AL_LANG_C ? NULL : &d->tree};
  char *err = NULL;
  d->ir = al_lower(&d->src, &ctx, &err);
  free(err);
  d->stale = false;
  if (d->ir) load_neighbours(s, d->ir, d->path, 0);
  return true;
}

typedef struct collect_ctx {
  server *s;
  al_vec irs;
} collect_ctx;

static void collect_docs_cb(const char *k, void *v, void *ctx) {
  (void)k;
  doc *d = v;
  if (d && d->ir) al_vec_push(&((collect_ctx *)ctx)->irs, d->ir);
}

static void collect_disk_cb(const char *k, void *v, void *ctx) {
  collect_ctx *c = ctx;
  disk_unit *u = v;
  if (u && u->ir && !al_map_get(&c->s->open, k)) al_vec_push(&c->irs, u->ir);
}

static void ensure_index(server *s) {
  if (s->idx_valid) return;
  collect_ctx c = {.s = s};
  al_map_each(&s->docs, collect_docs_cb, &c);
  al_map_each(&s->disk, collect_disk_cb, &c);
  al_index_build(&s->idx, (ir_file *const *)c.irs.items, c.irs.len);
  al_vec_free(&c.irs);
  s->idx_valid = true;
}

/* f imports the module (Python: `import m` / `from m import x` / `from pkg import m`; JS:
 * the resolved path), or both are C (the call graph crosses C files freely). */
static bool depends_on(const ir_file *f, const ir_file *on) {
  if (!f || !on || f == on || !on->module) return false;
  if (f->lang == AL_LANG_C || on->lang == AL_LANG_C) return f->lang == on->lang;
  size_t ml = strlen(on->module);
  for (const ir_node *x = f->root; x; x = ir_next(x, f->root)) {
    if (x->kind != IR_IMPORT || !x->name) continue;
    if (!strcmp(x->name, on->module)) return true;
    size_t nl = strlen(x->name);
    if (x->member && nl < ml && !strncmp(on->module, x->name, nl) && on->module[nl] == '.' &&
        !strcmp(on->module + nl + 1, x->member))
      return true;
  }
  return false;
}

/* Lints d (lowered and indexed already) with the rules its configuration enables: the
 * findings (al_finding*, owned by the caller) into out. */
static void lint(server *s, doc *d, al_vec *out) {
  if (d->text.len > AL_LSP_MAX_LINT_BYTES) return; /* see publish */
  lower_doc(s, d);
  if (!d->ir) return;
  ensure_index(s);
  const al_config *cfg = NULL;
  char *cerr = NULL;
  if (al_configs_for(&s->configs, d->path, &cfg, &cerr) < 0) {
    fprintf(stderr, "asynclint lsp: %s\n", cerr);
    free(cerr);
    cfg = NULL;
  }
  al_vec none = {0};
  d->ir->py_runtime = al_config_py_runtime(cfg); /* (set anew each time: a reload frees cfg) */
  if (d->lang == AL_LANG_PYTHON) { /* the conftest/settings as they are now: a few small files */
    al_map dirs = {0};
    d->ir->pytest = al_pytest_context(&dirs, d->path);
    al_map_free(&dirs);
  }
  for (size_t i = 0; i < al_rule_count && !al_is_declaration_path(d->path); i++) {
    const al_rule *r = al_rules[i];
    if (!(r->langs & (1u << d->lang)) || !al_config_rule_enabled(cfg, &none, &none, &none, d->path, r)) continue;
    al_sink sink = {.file = d->ir, .rule = r, .out = out};
    r->check(d->ir, &s->idx, &sink);
  }
  for (size_t k = 0; k < out->len; k++) {
    al_finding *fd = out->items[k];
    fd->severity = al_config_severity(cfg, fd->code, fd->severity);
  }
}

/* The text a related location's offsets refer to: d, another open document, or a file
 * of the index on disk. */
static const al_source *source_of(server *s, const doc *d, const char *path) {
  if (!strcmp(path, d->path)) return &d->src;
  const doc *o = al_map_get(&s->open, path);
  if (o && o->ir) return &o->src;
  const disk_unit *u = al_map_get(&s->disk, path);
  return u && u->ir ? &u->src : NULL;
}

static char *path_to_uri(const char *path) {
  al_buf b = {0};
  al_buf_puts(&b, "file://");
  for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
    if (*p <= ' ' || *p >= 0x7f || *p == '%' || *p == '#' || *p == '?') {
      char hex[4];
      snprintf(hex, sizeof hex, "%%%02X", *p);
      al_buf_puts(&b, hex);
    } else {
      al_buf_add(&b, (const char *)p, 1);
    }
  }
  char *r = al_strdup(b.data);
  al_buf_free(&b);
  return r;
}

static void free_findings(al_vec *v) {
  for (size_t i = 0; i < v->len; i++) al_finding_free(v->items[i]);
  al_vec_free(v);
}

static void show_message(server *s, int type, const char *text) {
  json_t *params = json_object();
  json_object_set_new(params, "type", json_integer(type));
  json_object_set_new(params, "message", json_string(text));
  json_t *msg = json_object();
  json_object_set_new(msg, "method", json_string("window/showMessage"));
  json_object_set_new(msg, "params", params);
  send_json(s, msg);
}

/* d's findings as LSP Diagnostic objects (an empty array for `empty`). */
static json_t *diagnostics_json(server *s, doc *d, bool empty) {
  al_vec found = {0};
  if (!empty && d->text.len > AL_LSP_MAX_LINT_BYTES && !d->too_big_told) {
    d->too_big_told = true;
    char *m = al_fmt("asynclint: %s is %zu MB, over the %zu MB limit for linting as you type; "
                     "run `asynclint check` on it", d->path ? d->path : d->uri, d->text.len >> 20,
                     AL_LSP_MAX_LINT_BYTES >> 20);
    show_message(s, 2, m);
    free(m);
  }
  if (!empty) lint(s, d, &found);
  json_t *diags = json_array();
  for (size_t i = 0; i < found.len; i++) {
    al_finding *fd = found.items[i];
    json_t *g = json_object();
    json_object_set_new(g, "range", range_of(d, fd->span.start, fd->span.end));
    json_object_set_new(g, "severity", json_integer(fd->severity == AL_SEV_ERROR ? 1 : fd->severity == AL_SEV_WARNING ? 2 : 3));
    json_object_set_new(g, "code", json_string(fd->code));
    json_object_set_new(g, "source", json_string("asynclint"));
    json_t *m = json_string(fd->message);
    json_object_set_new(g, "message", m ? m : json_string(fd->code));
    const al_source *rs = fd->rel_path ? source_of(s, d, fd->rel_path) : NULL;
    if (rs) { /* the blocking call of an AL210 chain, in this file or another */
      json_t *loc = json_object();
      char *ruri = path_to_uri(fd->rel_path);
      json_object_set_new(loc, "uri", json_string(ruri));
      free(ruri);
      json_t *rr = json_object();
      json_object_set_new(rr, "start", position_of(rs->text, rs->len, fd->rel_span.start));
      json_object_set_new(rr, "end", position_of(rs->text, rs->len, fd->rel_span.end));
      json_object_set_new(loc, "range", rr);
      json_t *ri = json_object();
      json_object_set_new(ri, "location", loc);
      json_object_set_new(ri, "message", json_string(fd->rel_message));
      json_t *ris = json_array();
      json_array_append_new(ris, ri);
      json_object_set_new(g, "relatedInformation", ris);
    }
    json_array_append_new(diags, g);
  }
  free_findings(&found);
  return diags;
}

static void publish(server *s, doc *d, bool empty) {
  if (s->pull) return; /* the client asks (textDocument/diagnostic) */
  json_t *diags = diagnostics_json(s, d, empty);
  json_t *params = json_object();
  json_object_set_new(params, "uri", json_string(d->uri));
  if (d->version >= 0) json_object_set_new(params, "version", json_integer(d->version));
  json_object_set_new(params, "diagnostics", diags);
  json_t *msg = json_object();
  json_object_set_new(msg, "method", json_string("textDocument/publishDiagnostics"));
  json_object_set_new(msg, "params", params);
  send_json(s, msg);
}

static void doc_free(doc *d) {
  if (!d) return;
  if (d->ir) ir_file_free(d->ir);
  if (d->tree) ts_tree_delete(d->tree);
  ts_trees_changed();
  al_source_free(&d->src);
  free(d->module);
  free(d->uri);
  free(d->path);
  al_buf_free(&d->text);
  free(d);
}

static void push_doc_cb(const char *k, void *v, void *ctx) {
  (void)k;
  if (v) al_vec_push(ctx, v);
}

/* Publishes every document whose text changed, after lowering them, and the documents
 * that import one of them (their findings may depend on it: awaitable or blocking
 * helpers). A changed file on disk re-lints every open document. */
static void flush(server *s) {
  al_vec docs = {0};
  al_map_each(&s->docs, push_doc_cb, &docs);
  bool disk_changed = s->ndisk && refresh_disk(s);
  al_vec changed = {0}, own = {0}; /* own: dirty by an event of their own (open, change, save) */
  for (size_t i = 0; i < docs.len; i++) {
    doc *d = docs.items[i];
    if (d->dirty) al_vec_push(&own, d);
    if (d->dirty && lower_doc(s, d) && d->ir) al_vec_push(&changed, d);
  }
  for (size_t i = 0; i < docs.len; i++) {
    doc *d = docs.items[i];
    for (size_t k = 0; !d->dirty && k < changed.len; k++)
      d->dirty = disk_changed || depends_on(d->ir, ((doc *)changed.items[k])->ir);
    if (disk_changed) d->dirty = true;
  }
  bool others = false; /* a document's findings changed by another's edit (or the disk) */
  for (size_t i = 0; i < docs.len; i++) {
    doc *d = docs.items[i];
    if (!d->dirty) continue;
    d->dirty = false;
    d->result_seq++;
    bool mine = false;
    for (size_t k = 0; k < own.len && !mine; k++) mine = own.items[k] == d;
    if (!mine) others = true;
    publish(s, d, false);
  }
  if (s->pull && s->pull_refresh && others) { /* the client pulls again what it shows */
    json_t *msg = json_object();
    json_object_set_new(msg, "id", json_integer(++s->next_request));
    json_object_set_new(msg, "method", json_string("workspace/diagnostic/refresh"));
    send_json(s, msg);
  }
  al_vec_free(&changed);
  al_vec_free(&own);
  al_vec_free(&docs);
}

/* textDocument/diagnostic: the document's findings, or `unchanged` when the client's
 * previousResultId is still current. A document not open gets an empty report. */
static json_t *pull_diagnostics(server *s, json_t *params) {
  const char *uri = json_string_value(json_object_get(json_object_get(params, "textDocument"), "uri"));
  const char *prev = json_string_value(json_object_get(params, "previousResultId"));
  doc *d = uri ? al_map_get(&s->docs, uri) : NULL;
  json_t *res = json_object();
  char id[32];
  snprintf(id, sizeof id, "%lu", d ? d->result_seq : 0ul);
  if (d && prev && !strcmp(prev, id)) {
    json_object_set_new(res, "kind", json_string("unchanged"));
    json_object_set_new(res, "resultId", json_string(id));
    return res;
  }
  json_object_set_new(res, "kind", json_string("full"));
  if (d) json_object_set_new(res, "resultId", json_string(id));
  json_object_set_new(res, "items", d ? diagnostics_json(s, d, false) : json_array());
  return res;
}

static void free_doc_cb(const char *k, void *v, void *ctx) {
  (void)k, (void)ctx;
  doc_free(v);
}

static void free_disk_cb(const char *k, void *v, void *ctx) {
  (void)k, (void)ctx;
  disk_unit_free(v);
}

/* ---- methods ---- */

/* A code action of kind applying edits (a JSON array, taken) to d; isPreferred is set
 * when preferred is 0 or 1 (fixes), left out when -1 (ignore comments, fix all). */
static json_t *code_action(const doc *d, const char *kind, const char *title, json_t *edits, int preferred) {
  json_t *changes = json_object();
  json_object_set_new(changes, d->uri, edits);
  json_t *we = json_object();
  json_object_set_new(we, "changes", changes);
  json_t *a = json_object();
  json_object_set_new(a, "title", json_string(title));
  json_object_set_new(a, "kind", json_string(kind));
  if (preferred >= 0) json_object_set_new(a, "isPreferred", json_boolean(preferred));
  json_object_set_new(a, "edit", we);
  return a;
}

/* Whether the client asked for actions of this kind (context.only: kinds or their
 * prefixes, `source` covers `source.fixAll.asynclint`); no `only`: every kind. */
static bool kind_wanted(json_t *params, const char *kind) {
  json_t *only = json_object_get(json_object_get(params, "context"), "only");
  if (!json_is_array(only)) return true;
  size_t i;
  json_t *k;
  json_array_foreach(only, i, k) {
    const char *w = json_string_value(k);
    size_t n = w ? strlen(w) : 0;
    if (n && !strncmp(kind, w, n) && (kind[n] == 0 || kind[n] == '.')) return true;
  }
  return false;
}

#define FIX_ALL_KIND "source.fixAll.asynclint"

/* "Fix all": every safe fix of the document at once (overlapping ones skipped, as
 * --fix does), as one edit of the whole text; NULL when there is nothing to fix. */
static json_t *fix_all(const doc *d, al_vec *found) {
  al_vec fixes = {0};
  for (size_t i = 0; i < found->len; i++) {
    const al_finding *fd = found->items[i];
    if (fd->fix && fd->fix->safety == AL_FIX_APPLY_SAFE) al_vec_push(&fixes, fd->fix);
  }
  json_t *a = NULL;
  size_t applied = 0, len = 0;
  char *text = fixes.len ? al_fix_apply(&d->src, (al_fix *const *)fixes.items, fixes.len, &applied, &len) : NULL;
  if (applied) {
    json_t *te = json_object();
    json_object_set_new(te, "range", range_of(d, 0, d->src.len));
    json_object_set_new(te, "newText", json_stringn(text, len));
    json_t *edits = json_array();
    json_array_append_new(edits, te);
    char *title = al_fmt("asynclint: fix all (%zu safe fix%s)", applied, applied == 1 ? "" : "es");
    a = code_action(d, FIX_ALL_KIND, title, edits, -1);
    free(title);
  }
  free(text);
  al_vec_free(&fixes);
  return a;
}

static json_t *code_actions(server *s, json_t *params) {
  json_t *res = json_array();
  const char *uri = json_string_value(json_object_get(json_object_get(params, "textDocument"), "uri"));
  doc *d = uri ? al_map_get(&s->docs, uri) : NULL;
  if (!d) return res;
  json_t *range = json_object_get(params, "range");
  long l0 = json_integer_value(json_object_get(json_object_get(range, "start"), "line"));
  long l1 = json_integer_value(json_object_get(json_object_get(range, "end"), "line"));
  al_vec found = {0};
  lint(s, d, &found);
  if (kind_wanted(params, FIX_ALL_KIND)) {
    json_t *all = fix_all(d, &found);
    if (all) json_array_append_new(res, all);
  }
  for (size_t i = 0; i < found.len && kind_wanted(params, "quickfix"); i++) {
    al_finding *fd = found.items[i];
    long fl = (long)fd->span.line - 1;
    if (fl < l0 || fl > l1) continue;
    if (fd->fix) {
      json_t *edits = json_array();
      for (size_t e = 0; e < fd->fix->nedits; e++) {
        json_t *te = json_object();
        json_object_set_new(te, "range", range_of(d, fd->fix->edits[e].start, fd->fix->edits[e].end));
        json_object_set_new(te, "newText", json_string(fd->fix->edits[e].text));
        json_array_append_new(edits, te);
      }
      char *title = al_fmt("%s: %s", fd->code, fd->fix->title);
      json_array_append_new(res, code_action(d, "quickfix", title, edits, fd->fix->safety == AL_FIX_APPLY_SAFE));
      free(title);
    }
    /* "ignore on this line": a trailing suppression comment. lint() lowered d->src from
     * the text the client has, so its line table is current. */
    size_t len;
    const char *line = al_source_line(&d->src, fd->span.line, &len);
    size_t eol = (size_t)(line - d->src.text) + len;
    char *comment = al_fmt(d->lang == AL_LANG_PYTHON ? "  # asynclint: ignore[%s]" : d->lang == AL_LANG_C
                                                       ? "  /* asynclint: ignore[%s] */" : "  // asynclint: ignore[%s]",
                           fd->code);
    json_t *te = json_object();
    json_object_set_new(te, "range", range_of(d, eol, eol));
    json_object_set_new(te, "newText", json_string(comment));
    free(comment);
    json_t *edits = json_array();
    json_array_append_new(edits, te);
    char *title = al_fmt("%s: ignore on this line", fd->code);
    json_array_append_new(res, code_action(d, "quickfix", title, edits, -1));
    free(title);
  }
  free_findings(&found);
  return res;
}

/* The part of a rule's page from `## Why is this bad?` up to the first section after
 * `## Use instead` (the language-specific ones stay on the full page). */
static void doc_core(al_buf *b, const char *doc) {
  const char *why = doc ? strstr(doc, "\n## Why is this bad?") : NULL;
  if (!why) return;
  const char *use = strstr(why, "\n## Use instead");
  const char *end = use ? strstr(use + 1, "\n## ") : NULL;
  size_t n = end ? (size_t)(end - why) : strlen(why);
  al_buf_add(b, why + 1, n - 1);
}

/* Hover over a finding: its message, the fix on offer, and why the rule matters with
 * its example (the rule's own page); null where there is no finding. */
static json_t *hover(server *s, json_t *params) {
  const char *uri = json_string_value(json_object_get(json_object_get(params, "textDocument"), "uri"));
  doc *d = uri ? al_map_get(&s->docs, uri) : NULL;
  json_t *pos = json_object_get(params, "position");
  if (!d || !json_is_object(pos)) return json_null();
  size_t at = offset_of(d->text.data, d->text.len, (long)json_integer_value(json_object_get(pos, "line")),
                        (long)json_integer_value(json_object_get(pos, "character")));
  al_vec found = {0};
  lint(s, d, &found);
  al_buf b = {0};
  size_t from = SIZE_MAX, to = 0;
  for (size_t i = 0; i < found.len; i++) {
    const al_finding *fd = found.items[i];
    if (at < fd->span.start || at > fd->span.end) continue;
    const al_rule *r = al_rule_find(fd->code);
    if (b.len) al_buf_puts(&b, "\n\n---\n\n");
    al_buf_printf(&b, "**%s %s**: %s", fd->code, r ? r->name : "", fd->message);
    if (fd->fix)
      al_buf_printf(&b, "\n\nFix (%s): %s", fd->fix->safety == AL_FIX_APPLY_SAFE ? "safe" : "unsafe", fd->fix->title);
    al_buf_puts(&b, "\n\n");
    doc_core(&b, r ? al_rule_doc(r->code) : NULL);
    al_buf_printf(&b, "\n\n`asynclint rule %s` prints the whole page.", fd->code);
    if (fd->span.start < from) from = fd->span.start;
    if (fd->span.end > to) to = fd->span.end;
  }
  free_findings(&found);
  if (!b.len) {
    al_buf_free(&b);
    return json_null();
  }
  json_t *contents = json_object();
  json_object_set_new(contents, "kind", json_string("markdown"));
  json_object_set_new(contents, "value", json_stringn(b.data, b.len));
  al_buf_free(&b);
  json_t *res = json_object();
  json_object_set_new(res, "contents", contents);
  json_object_set_new(res, "range", range_of(d, from, to));
  return res;
}

/* The tree-sitter point (row, byte column) of byte offset off. */
static TSPoint point_of(const char *t, size_t off) {
  TSPoint p = {0, 0};
  size_t ls = 0;
  for (size_t i = 0; i < off; i++)
    if (t[i] == '\n') {
      p.row++;
      ls = i + 1;
    }
  p.column = (uint32_t)(off - ls);
  return p;
}

/* Tells the tree that bytes [a, b) of t became `text`, so the next parse reuses the rest. */
static void edit_tree(TSTree *tree, const char *t, size_t a, size_t b, const char *text) {
  TSInputEdit e;
  e.start_byte = (uint32_t)a;
  e.old_end_byte = (uint32_t)b;
  e.new_end_byte = (uint32_t)(a + strlen(text));
  e.start_point = point_of(t, a);
  e.old_end_point = point_of(t, b);
  e.new_end_point = e.start_point;
  for (const char *p = text; *p; p++) {
    if (*p == '\n') {
      e.new_end_point.row++;
      e.new_end_point.column = 0;
    } else {
      e.new_end_point.column++;
    }
  }
  ts_tree_edit(tree, &e);
  ts_trees_changed();
}

static void did_change(server *s, json_t *params) {
  json_t *td = json_object_get(params, "textDocument");
  const char *uri = json_string_value(json_object_get(td, "uri"));
  doc *d = uri ? al_map_get(&s->docs, uri) : NULL;
  if (!d) return;
  json_t *v = json_object_get(td, "version");
  if (json_is_integer(v)) {
    if (json_integer_value(v) < d->version) return; /* out of order: keep the newer text */
    d->version = (long)json_integer_value(v);
  }
  json_t *changes = json_object_get(params, "contentChanges");
  size_t i;
  json_t *c;
  json_array_foreach(changes, i, c) {
    const char *text = json_string_value(json_object_get(c, "text"));
    if (!text) continue;
    json_t *range = json_object_get(c, "range");
    if (!range) { /* full sync: no edit to describe, so the next parse starts afresh */
      d->text.len = 0;
      al_buf_puts(&d->text, text);
      if (d->tree) ts_tree_delete(d->tree);
      ts_trees_changed();
      d->tree = NULL;
      continue;
    }
    json_t *st = json_object_get(range, "start"), *en = json_object_get(range, "end");
    const char *t = d->text.data ? d->text.data : "";
    size_t a = offset_of(t, d->text.len, (long)json_integer_value(json_object_get(st, "line")),
                         (long)json_integer_value(json_object_get(st, "character")));
    size_t b = offset_of(t, d->text.len, (long)json_integer_value(json_object_get(en, "line")),
                         (long)json_integer_value(json_object_get(en, "character")));
    if (b < a) b = a;
    if (d->tree) edit_tree(d->tree, t, a, b, text);
    al_buf nb = {0};
    al_buf_add(&nb, t, a);
    al_buf_puts(&nb, text);
    al_buf_add(&nb, t + b, d->text.len - b);
    al_buf_free(&d->text);
    d->text = nb;
  }
  d->dirty = d->stale = true; /* published once the burst of edits is over (see al_lsp_serve) */
}

static void mark_dirty_cb(const char *k, void *v, void *ctx) {
  (void)k, (void)ctx;
  if (v) ((doc *)v)->dirty = true;
}

/* .asynclint.yaml or pyproject.toml changed: read configurations afresh and re-lint every document. */
static void reload_config(server *s) {
  al_configs_free(&s->configs);
  memset(&s->configs, 0, sizeof s->configs);
  al_map_each(&s->docs, mark_dirty_cb, NULL);
}

static void dispatch(server *s, json_t *msg) {
  json_t *id = json_object_get(msg, "id");
  const char *method = json_string_value(json_object_get(msg, "method"));
  json_t *params = json_object_get(msg, "params");
  bool request = id != NULL;
  if (!method && id && (json_object_get(msg, "result") || json_object_get(msg, "error")))
    return; /* the client's answer to a request of ours (workspace/diagnostic/refresh) */
  if (!method) {
    if (request) send_error(s, id, -32600, "Invalid Request: no method");
    return;
  }
  if (!strcmp(method, "initialize")) {
    s->initialized = true;
    json_t *ccaps = json_object_get(params, "capabilities");
    s->pull = json_is_object(json_object_get(json_object_get(ccaps, "textDocument"), "diagnostic"));
    s->pull_refresh = json_is_true(
        json_object_get(json_object_get(json_object_get(ccaps, "workspace"), "diagnostics"), "refreshSupport"));
    json_t *sync = json_object();
    json_object_set_new(sync, "openClose", json_true());
    json_object_set_new(sync, "change", json_integer(2));
    json_object_set_new(sync, "save", json_object());
    json_t *caps = json_object();
    json_object_set_new(caps, "textDocumentSync", sync);
    json_t *cap = json_object(), *kinds = json_array();
    json_array_append_new(kinds, json_string("quickfix"));
    json_array_append_new(kinds, json_string(FIX_ALL_KIND));
    json_object_set_new(cap, "codeActionKinds", kinds);
    json_object_set_new(caps, "codeActionProvider", cap);
    json_object_set_new(caps, "hoverProvider", json_true());
    if (s->pull) { /* else diagnostics are pushed (publishDiagnostics) */
      json_t *dp = json_object();
      json_object_set_new(dp, "identifier", json_string("asynclint"));
      json_object_set_new(dp, "interFileDependencies", json_true()); /* AL101/AL210 look across files */
      json_object_set_new(dp, "workspaceDiagnostics", json_false());
      json_object_set_new(caps, "diagnosticProvider", dp);
    }
    json_t *info = json_object();
    json_object_set_new(info, "name", json_string("asynclint"));
    json_object_set_new(info, "version", json_string(AL_VERSION));
    json_t *res = json_object();
    json_object_set_new(res, "capabilities", caps);
    json_object_set_new(res, "serverInfo", info);
    if (request) send_result(s, id, res);
    else json_decref(res);
    return;
  }
  if (!strcmp(method, "exit")) {
    s->exiting = true; /* the serve loop ends and frees everything */
    return;
  }
  if (!s->initialized) {
    if (request) send_error(s, id, -32002, "Server not initialized");
    return;
  }
  if (s->shutdown && request) {
    send_error(s, id, -32600, "Invalid Request: the server is shutting down");
    return;
  }
  if (!strcmp(method, "shutdown")) {
    s->shutdown = true;
    if (request) send_result(s, id, json_null());
  } else if (!strcmp(method, "textDocument/didOpen")) {
    json_t *td = json_object_get(params, "textDocument");
    const char *uri = json_string_value(json_object_get(td, "uri"));
    const char *text = json_string_value(json_object_get(td, "text"));
    if (!uri || !text) return;
    doc *d = al_calloc(1, sizeof *d);
    d->uri = al_strdup(uri);
    d->path = uri_to_path(uri);
    d->lang = d->path ? al_lang_from_path(d->path) : AL_LANG_NONE;
    d->version = json_is_integer(json_object_get(td, "version")) ? (long)json_integer_value(json_object_get(td, "version")) : -1;
    al_buf_puts(&d->text, text);
    d->dirty = d->stale = true;
    doc *old = al_map_put(&s->docs, uri, d);
    if (old && old->path) al_map_put(&s->open, old->path, NULL);
    drop_index(s);
    doc_free(old);
    if (d->path) al_map_put(&s->open, d->path, d); /* overrides the file on disk */
    flush(s);
  } else if (!strcmp(method, "textDocument/didChange")) {
    did_change(s, params);
  } else if (!strcmp(method, "textDocument/didSave")) {
    const char *uri = json_string_value(json_object_get(json_object_get(params, "textDocument"), "uri"));
    if (uri && (al_ends_with(uri, "/.asynclint.yaml") || al_ends_with(uri, "/pyproject.toml"))) reload_config(s);
    doc *d = uri ? al_map_get(&s->docs, uri) : NULL;
    if (d) d->dirty = true;
    flush(s);
  } else if (!strcmp(method, "workspace/didChangeWatchedFiles")) {
    reload_config(s); /* changed files on disk are seen by flush (size and mtime) */
    flush(s);
  } else if (!strcmp(method, "textDocument/didClose")) {
    const char *uri = json_string_value(json_object_get(json_object_get(params, "textDocument"), "uri"));
    doc *d = uri ? al_map_get(&s->docs, uri) : NULL;
    if (d) {
      publish(s, d, true);
      al_map_put(&s->docs, uri, NULL);
      if (d->path) al_map_put(&s->open, d->path, NULL);
      drop_index(s);
      /* documents importing it now see the file on disk */
      al_vec docs = {0};
      al_map_each(&s->docs, push_doc_cb, &docs);
      bool needed = false;
      for (size_t i = 0; i < docs.len; i++) {
        doc *e = docs.items[i];
        if (depends_on(e->ir, d->ir)) needed = e->dirty = true;
      }
      al_vec_free(&docs);
      char *path = d->path ? al_strdup(d->path) : NULL;
      doc_free(d);
      if (needed && path) load_disk(s, path, 1);
      free(path);
      flush(s);
    }
  } else if (!strcmp(method, "textDocument/codeAction")) {
    flush(s); /* answer about the text the client has */
    if (request) send_result(s, id, code_actions(s, params));
  } else if (!strcmp(method, "textDocument/diagnostic")) {
    flush(s);
    if (request) send_result(s, id, pull_diagnostics(s, params));
  } else if (!strcmp(method, "textDocument/hover")) {
    flush(s);
    if (request) send_result(s, id, hover(s, params));
  } else if (request) {
    char *m = al_fmt("Method not found: %s", method);
    send_error(s, id, -32601, m);
    free(m);
  } /* unknown notifications ($/cancelRequest, ...) are ignored */
}

/* Edits arriving within this many milliseconds of each other are linted once. */
#define DEBOUNCE_MS 8

int al_lsp_serve(FILE *in_file, FILE *out) {
  server s = {.out = out};
  static reader in;
  memset(&in, 0, sizeof in);
  in.fd = fileno(in_file);
  while (!s.exiting) {
    if (!input_pending(&in, DEBOUNCE_MS)) flush(&s);
    char *body = NULL;
    size_t len = 0;
    int r = read_message(&in, &body, &len);
    if (r == 0) break; /* end of input */
    if (r < 0) {
      send_error(&s, NULL, -32700, "Parse error: bad or missing Content-Length header");
      continue;
    }
    json_error_t je;
    json_t *msg = json_loadb(body, len, JSON_DECODE_ANY, &je);
    free(body);
    if (!msg) {
      send_error(&s, NULL, -32700, "Parse error: invalid JSON");
      continue;
    }
    if (!json_is_object(msg)) send_error(&s, NULL, -32600, "Invalid Request: not an object");
    else dispatch(&s, msg);
    json_decref(msg);
  }
  flush(&s);
  drop_index(&s);
  al_map_each(&s.docs, free_doc_cb, NULL);
  al_map_free(&s.docs);
  al_map_free(&s.open);
  al_map_each(&s.disk, free_disk_cb, NULL);
  al_map_free(&s.disk);
  al_configs_free(&s.configs);
  return s.shutdown ? 0 : 1;
}
