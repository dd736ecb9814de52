/* lsp: `asynclint lsp`, a Language Server over stdio (JSON-RPC 2.0, jansson):
 * initialize/initialized/shutdown/exit, didOpen/didChange (full and incremental)/
 * didSave/didClose with publishDiagnostics, and codeAction (the fixes, and "ignore on
 * this line"). Each open document is linted from memory with the rules its
 * .asynclint.yaml enables. Malformed input gets the JSON-RPC error and the server goes
 * on; end of input ends it. */
#include "lsp.h"

#include <errno.h>
#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <poll.h>
#include <strings.h>
#include <unistd.h>

#include "config.h"
#include "frontend.h"
#include "index.h"
#include "rule.h"

typedef struct doc {
  char *uri, *path;
  al_lang lang;
  al_buf text;
  long version;
  bool dirty; /* changed since its diagnostics were last published */
} doc;

typedef struct server {
  al_map docs; /* uri -> doc* */
  al_configs configs;
  bool initialized, shutdown, exiting;
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

/* Lints d from memory: the findings (al_finding*, owned by the caller) into out. */
static void lint(server *s, doc *d, al_vec *out) {
  if (!d->path || d->lang == AL_LANG_NONE) return;
  al_source src;
  al_source_from_text(&src, d->path, d->lang, d->text.data ? d->text.data : "", d->text.len);
  char *module = al_module_id(d->path, d->lang);
  al_lower_ctx ctx = {.abs_path = d->path, .module = module};
  char *err = NULL;
  ir_file *ir = al_lower(&src, &ctx, &err);
  free(err);
  if (ir) {
    const al_config *cfg = NULL;
    char *cerr = NULL;
    if (al_configs_for(&s->configs, d->path, &cfg, &cerr) < 0) {
      fprintf(stderr, "asynclint lsp: %s\n", cerr);
      free(cerr);
      cfg = NULL;
    }
    al_index idx;
    al_index_build(&idx, &ir, 1);
    al_vec none = {0};
    for (size_t i = 0; i < al_rule_count; i++) {
      const al_rule *r = al_rules[i];
      if (!(r->langs & (1u << d->lang)) || !al_config_rule_enabled(cfg, &none, &none, d->path, r)) continue;
      al_sink sink = {.file = ir, .rule = r, .out = out};
      r->check(ir, &idx, &sink);
    }
    for (size_t k = 0; k < out->len; k++) {
      al_finding *fd = out->items[k];
      fd->severity = al_config_severity(cfg, fd->code, fd->severity);
    }
    al_index_free(&idx);
    ir_file_free(ir);
  }
  free(module);
  al_source_free(&src);
}

static void free_findings(al_vec *v) {
  for (size_t i = 0; i < v->len; i++) al_finding_free(v->items[i]);
  al_vec_free(v);
}

static void publish(server *s, doc *d, bool empty) {
  al_vec found = {0};
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
    if (fd->rel_path && !strcmp(fd->rel_path, d->path)) { /* the blocking call of an AL210 chain */
      json_t *loc = json_object();
      json_object_set_new(loc, "uri", json_string(d->uri));
      json_object_set_new(loc, "range", range_of(d, fd->rel_span.start, fd->rel_span.end));
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
  free(d->uri);
  free(d->path);
  al_buf_free(&d->text);
  free(d);
}

static void publish_dirty_cb(const char *k, void *v, void *ctx) {
  (void)k;
  doc *d = v;
  if (d && d->dirty) {
    d->dirty = false;
    publish(ctx, d, false);
  }
}

static void free_doc_cb(const char *k, void *v, void *ctx) {
  (void)k, (void)ctx;
  doc_free(v);
}

/* ---- methods ---- */

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
  for (size_t i = 0; i < found.len; i++) {
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
      json_t *changes = json_object();
      json_object_set_new(changes, d->uri, edits);
      json_t *we = json_object();
      json_object_set_new(we, "changes", changes);
      json_t *a = json_object();
      char *title = al_fmt("%s: %s", fd->code, fd->fix->title);
      json_object_set_new(a, "title", json_string(title));
      free(title);
      json_object_set_new(a, "kind", json_string("quickfix"));
      json_object_set_new(a, "isPreferred", json_boolean(fd->fix->safety == AL_FIX_APPLY_SAFE));
      json_object_set_new(a, "edit", we);
      json_array_append_new(res, a);
    }
    /* "ignore on this line": a trailing suppression comment */
    size_t len;
    al_source tmp;
    al_source_from_text(&tmp, d->path, d->lang, d->text.data ? d->text.data : "", d->text.len);
    const char *line = al_source_line(&tmp, fd->span.line, &len);
    size_t eol = (size_t)(line - tmp.text) + len;
    al_source_free(&tmp);
    char *comment = al_fmt(d->lang == AL_LANG_PYTHON ? "  # asynclint: ignore[%s]" : d->lang == AL_LANG_C
                                                       ? "  /* asynclint: ignore[%s] */" : "  // asynclint: ignore[%s]",
                           fd->code);
    json_t *te = json_object();
    json_object_set_new(te, "range", range_of(d, eol, eol));
    json_object_set_new(te, "newText", json_string(comment));
    free(comment);
    json_t *edits = json_array();
    json_array_append_new(edits, te);
    json_t *changes = json_object();
    json_object_set_new(changes, d->uri, edits);
    json_t *we = json_object();
    json_object_set_new(we, "changes", changes);
    json_t *a = json_object();
    char *title = al_fmt("%s: ignore on this line", fd->code);
    json_object_set_new(a, "title", json_string(title));
    free(title);
    json_object_set_new(a, "kind", json_string("quickfix"));
    json_object_set_new(a, "edit", we);
    json_array_append_new(res, a);
  }
  free_findings(&found);
  return res;
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
    if (!range) { /* full sync */
      d->text.len = 0;
      al_buf_puts(&d->text, text);
      continue;
    }
    json_t *st = json_object_get(range, "start"), *en = json_object_get(range, "end");
    const char *t = d->text.data ? d->text.data : "";
    size_t a = offset_of(t, d->text.len, (long)json_integer_value(json_object_get(st, "line")),
                         (long)json_integer_value(json_object_get(st, "character")));
    size_t b = offset_of(t, d->text.len, (long)json_integer_value(json_object_get(en, "line")),
                         (long)json_integer_value(json_object_get(en, "character")));
    if (b < a) b = a;
    al_buf nb = {0};
    al_buf_add(&nb, t, a);
    al_buf_puts(&nb, text);
    al_buf_add(&nb, t + b, d->text.len - b);
    al_buf_free(&d->text);
    d->text = nb;
  }
  d->dirty = true; /* published once the burst of edits is over (see al_lsp_serve) */
}

static void dispatch(server *s, json_t *msg) {
  json_t *id = json_object_get(msg, "id");
  const char *method = json_string_value(json_object_get(msg, "method"));
  json_t *params = json_object_get(msg, "params");
  bool request = id != NULL;
  if (!method) {
    if (request) send_error(s, id, -32600, "Invalid Request: no method");
    return;
  }
  if (!strcmp(method, "initialize")) {
    s->initialized = true;
    json_t *sync = json_object();
    json_object_set_new(sync, "openClose", json_true());
    json_object_set_new(sync, "change", json_integer(2));
    json_object_set_new(sync, "save", json_object());
    json_t *caps = json_object();
    json_object_set_new(caps, "textDocumentSync", sync);
    json_object_set_new(caps, "codeActionProvider", json_true());
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
    doc *old = al_map_put(&s->docs, uri, d);
    if (old) doc_free(old);
    publish(s, d, false);
  } else if (!strcmp(method, "textDocument/didChange")) {
    did_change(s, params);
  } else if (!strcmp(method, "textDocument/didSave")) {
    const char *uri = json_string_value(json_object_get(json_object_get(params, "textDocument"), "uri"));
    if (uri && al_ends_with(uri, ".asynclint.yaml")) { /* configuration changed: reload and re-lint */
      al_configs_free(&s->configs);
      memset(&s->configs, 0, sizeof s->configs);
    }
    doc *d = uri ? al_map_get(&s->docs, uri) : NULL;
    if (d) publish(s, d, false);
  } else if (!strcmp(method, "workspace/didChangeWatchedFiles")) {
    al_configs_free(&s->configs);
    memset(&s->configs, 0, sizeof s->configs);
  } else if (!strcmp(method, "textDocument/didClose")) {
    const char *uri = json_string_value(json_object_get(json_object_get(params, "textDocument"), "uri"));
    doc *d = uri ? al_map_get(&s->docs, uri) : NULL;
    if (d) {
      publish(s, d, true);
      doc_free(d);
      al_map_put(&s->docs, uri, NULL);
    }
  } else if (!strcmp(method, "textDocument/codeAction")) {
    al_map_each(&s->docs, publish_dirty_cb, s); /* answer about the text the client has */
    if (request) send_result(s, id, code_actions(s, params));
  } else if (request) {
    char *m = al_fmt("Method not found: %s", method);
    send_error(s, id, -32601, m);
    free(m);
  } /* unknown notifications ($/cancelRequest, ...) are ignored */
}

/* Edits arriving within this many milliseconds of each other are linted once. */
#define DEBOUNCE_MS 30

int al_lsp_serve(FILE *in_file, FILE *out) {
  server s = {.out = out};
  static reader in;
  memset(&in, 0, sizeof in);
  in.fd = fileno(in_file);
  while (!s.exiting) {
    if (!input_pending(&in, DEBOUNCE_MS)) al_map_each(&s.docs, publish_dirty_cb, &s);
    char *body = NULL;
    size_t len = 0;
    int r = read_message(&in, &body, &len);
    if (r == 0) break; /* end of input */
    if (r < 0) {
      send_error(&s, NULL, -32700, "Parse error: bad or missing Content-Length header");
      continue;
    }
    json_error_t je;
    json_t *msg = json_loadb(body, len, 0, &je);
    free(body);
    if (!msg) {
      send_error(&s, NULL, -32700, "Parse error: invalid JSON");
      continue;
    }
    if (!json_is_object(msg)) send_error(&s, NULL, -32600, "Invalid Request: not an object");
    else dispatch(&s, msg);
    json_decref(msg);
  }
  al_map_each(&s.docs, publish_dirty_cb, &s);
  al_map_each(&s.docs, free_doc_cb, NULL);
  al_map_free(&s.docs);
  al_configs_free(&s.configs);
  return s.shutdown ? 0 : 1;
}
