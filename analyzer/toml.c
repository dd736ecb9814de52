/* toml: one table of a TOML file as a libyaml document. See toml.h.
 *
 * What it reads (TOML 1.0): comments; `[table]` and `[[array.of.tables]]` headers; bare,
 * quoted and dotted keys; basic, literal and multi-line strings (escapes, \u and \U);
 * arrays over several lines with comments and a trailing comma; inline tables. Numbers,
 * booleans and dates under the table are kept as their text (scalars). Outside the
 * table, values are skipped by their brackets and strings only. */
#include "toml.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "util.h"

#define MAX_KEYS 32  /* dotted parts of one key or header */
#define MAX_DEPTH 64 /* nested arrays / inline tables */

typedef struct {
  const char *s;
  size_t n, i, line; /* line: 1-based, of s[i] */
  yaml_document_t *doc;
  const char *const *table;
  size_t ntable;
  int root;
  bool found;
  size_t err_line;
  char *msg;
} parser;

typedef struct {
  char *part[MAX_KEYS];
  size_t n;
} keypath;

static void keys_free(keypath *k) {
  for (size_t i = 0; i < k->n; i++) free(k->part[i]);
  k->n = 0;
}

static int fail(parser *p, const char *what) {
  if (!p->msg) {
    p->msg = al_strdup(what);
    p->err_line = p->line;
  }
  return -1;
}

static int fail_at(parser *p, size_t line, const char *what) {
  if (!p->msg) p->line = line;
  return fail(p, what);
}

static int peek(const parser *p) { return p->i < p->n ? (unsigned char)p->s[p->i] : -1; }

static void adv(parser *p) {
  if (p->i < p->n) {
    if (p->s[p->i] == '\n') p->line++;
    p->i++;
  }
}

static void spaces(parser *p) {
  while (peek(p) == ' ' || peek(p) == '\t') adv(p);
}

static void comment(parser *p) {
  if (peek(p) != '#') return;
  while (p->i < p->n && p->s[p->i] != '\n') adv(p);
}

/* Spaces, comments and line breaks (inside arrays). */
static void blank(parser *p) {
  for (;;) {
    spaces(p);
    comment(p);
    if (peek(p) == '\n' || peek(p) == '\r') adv(p);
    else return;
  }
}

/* The end of a key/value or header line: spaces, a comment, then a line break or the end. */
static int line_end(parser *p) {
  spaces(p);
  comment(p);
  if (peek(p) == '\r') adv(p);
  if (peek(p) == '\n') {
    adv(p);
    return 0;
  }
  return peek(p) < 0 ? 0 : fail(p, "expected the end of the line");
}

static void put_utf8(al_buf *b, uint32_t c) {
  char u[4];
  size_t n;
  if (c < 0x80) u[0] = (char)c, n = 1;
  else if (c < 0x800) u[0] = (char)(0xc0 | c >> 6), u[1] = (char)(0x80 | (c & 63)), n = 2;
  else if (c < 0x10000)
    u[0] = (char)(0xe0 | c >> 12), u[1] = (char)(0x80 | ((c >> 6) & 63)), u[2] = (char)(0x80 | (c & 63)), n = 3;
  else
    u[0] = (char)(0xf0 | c >> 18), u[1] = (char)(0x80 | ((c >> 12) & 63)), u[2] = (char)(0x80 | ((c >> 6) & 63)),
    u[3] = (char)(0x80 | (c & 63)), n = 4;
  al_buf_add(b, u, n);
}

static bool starts(const parser *p, const char *w) {
  size_t k = strlen(w);
  return p->i + k <= p->n && !memcmp(p->s + p->i, w, k);
}

/* A string of any of the four kinds at p->i into out (NUL-terminated by al_buf). */
static int string(parser *p, al_buf *out) {
  char q = p->s[p->i];
  size_t start = p->line;
  bool multi = starts(p, q == '"' ? "\"\"\"" : "'''");
  for (int k = 0; k < (multi ? 3 : 1); k++) adv(p);
  if (multi && peek(p) == '\r') adv(p);
  if (multi && peek(p) == '\n') adv(p); /* a line break right after the opening is trimmed */
  for (;;) {
    int c = peek(p);
    if (c < 0) return fail_at(p, start, "a string is not closed");
    if (!multi && (c == '\n' || c == '\r')) return fail(p, "a string is not closed on its line");
    if (c == q && (!multi || starts(p, q == '"' ? "\"\"\"" : "'''"))) {
      if (multi) { /* up to two more quotes belong to the string */
        size_t run = 0;
        while (p->i + run < p->n && p->s[p->i + run] == q) run++;
        if (run > 5) return fail(p, "too many quotes closing a string");
        for (size_t k = 0; k < run - 3; k++) al_buf_add(out, &q, 1), adv(p);
        for (int k = 0; k < 3; k++) adv(p);
      } else {
        adv(p);
      }
      return 0;
    }
    if (c == '\\' && q == '"') {
      adv(p);
      int e = peek(p);
      const char *simple = "b\bt\tn\nf\fr\r\"\"\\\\";
      const char *hit = e > 0 ? strchr(simple, e) : NULL;
      if (hit && (hit - simple) % 2 == 0) {
        al_buf_add(out, hit + 1, 1);
        adv(p);
      } else if (e == 'u' || e == 'U') {
        size_t digits = e == 'u' ? 4 : 8;
        adv(p);
        uint32_t v = 0;
        for (size_t k = 0; k < digits; k++) {
          int h = peek(p);
          int d = h >= '0' && h <= '9' ? h - '0' : h >= 'a' && h <= 'f' ? h - 'a' + 10 : h >= 'A' && h <= 'F' ? h - 'A' + 10 : -1;
          if (d < 0) return fail(p, "a \\u escape wants hexadecimal digits");
          v = v * 16 + (uint32_t)d;
          adv(p);
        }
        if (v > 0x10ffff || (v >= 0xd800 && v < 0xe000)) return fail(p, "a \\u escape names no Unicode scalar value");
        if (v == 0) return fail(p, "a string holds a NUL character");
        put_utf8(out, v);
      } else if (multi && (e == ' ' || e == '\t' || e == '\n' || e == '\r')) {
        /* a line-ending backslash: the break and the blanks after it go */
        size_t save = p->i, save_line = p->line;
        spaces(p);
        if (peek(p) != '\n' && peek(p) != '\r') {
          p->i = save, p->line = save_line;
          return fail(p, "unknown escape in a string");
        }
        while (peek(p) == ' ' || peek(p) == '\t' || peek(p) == '\n' || peek(p) == '\r') adv(p);
      } else {
        return fail(p, "unknown escape in a string");
      }
      continue;
    }
    char ch = (char)c;
    al_buf_add(out, &ch, 1);
    adv(p);
  }
}

static bool bare_char(int c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
}

/* A dotted key: bare and quoted parts. */
static int key(parser *p, keypath *k) {
  for (;;) {
    spaces(p);
    if (k->n == MAX_KEYS) return fail(p, "a key has too many dotted parts");
    int c = peek(p);
    if (c == '"' || c == '\'') {
      if (starts(p, "\"\"\"") || starts(p, "'''")) return fail(p, "a key cannot be a multi-line string");
      al_buf b = {0};
      if (string(p, &b) < 0) {
        al_buf_free(&b);
        return -1;
      }
      k->part[k->n++] = al_buf_steal(&b);
    } else if (bare_char(c)) {
      size_t s = p->i;
      while (bare_char(peek(p))) adv(p);
      k->part[k->n++] = al_strndup(p->s + s, p->i - s);
    } else {
      return fail(p, "expected a key");
    }
    spaces(p);
    if (peek(p) != '.') return 0;
    adv(p);
  }
}

/* ---- the document ---- */

static void mark(parser *p, int id, size_t line) {
  yaml_node_t *n = yaml_document_get_node(p->doc, id);
  if (n) n->start_mark.line = n->end_mark.line = line - 1;
}

static int add_scalar(parser *p, const char *s, size_t len, size_t line) {
  int id = yaml_document_add_scalar(p->doc, NULL, (const yaml_char_t *)s, (int)len, YAML_PLAIN_SCALAR_STYLE);
  if (!id) return fail(p, "out of memory");
  mark(p, id, line);
  return id;
}

static int add_map(parser *p, size_t line) {
  int id = yaml_document_add_mapping(p->doc, NULL, YAML_BLOCK_MAPPING_STYLE);
  if (!id) return fail(p, "out of memory");
  mark(p, id, line);
  return id;
}

/* The value of key in mapping id (0: none). */
static int map_get(parser *p, int id, const char *key) {
  yaml_node_t *m = yaml_document_get_node(p->doc, id);
  for (yaml_node_pair_t *q = m->data.mapping.pairs.start; q < m->data.mapping.pairs.top; q++) {
    yaml_node_t *k = yaml_document_get_node(p->doc, q->key);
    if (k && k->type == YAML_SCALAR_NODE && !strcmp((const char *)k->data.scalar.value, key)) return q->value;
  }
  return 0;
}

static int map_put(parser *p, int map, const char *key, int value, size_t line) {
  int k = add_scalar(p, key, strlen(key), line);
  if (k < 0) return -1;
  if (!yaml_document_append_mapping_pair(p->doc, map, k, value)) return fail(p, "out of memory");
  return 0;
}

/* The table at key in map, made when missing; an array of tables gives its last one. */
static int sub_table(parser *p, int map, const char *key, size_t line) {
  int v = map_get(p, map, key);
  if (!v) {
    int t = add_map(p, line);
    if (t < 0 || map_put(p, map, key, t, line) < 0) return -1;
    return t;
  }
  yaml_node_t *n = yaml_document_get_node(p->doc, v);
  if (n->type == YAML_MAPPING_NODE) return v;
  if (n->type == YAML_SEQUENCE_NODE && n->data.sequence.items.top > n->data.sequence.items.start) {
    int last = n->data.sequence.items.top[-1];
    if (yaml_document_get_node(p->doc, last)->type == YAML_MAPPING_NODE) return last;
  }
  char *m = al_fmt("'%s' is already a value, not a table", key);
  fail_at(p, line, m);
  free(m);
  return -1;
}

static int value(parser *p, int depth);

static int inline_table(parser *p, int map, int depth) {
  adv(p); /* { */
  spaces(p);
  if (peek(p) == '}') {
    adv(p);
    return 0;
  }
  for (;;) {
    keypath k = {0};
    size_t line = p->line;
    if (key(p, &k) < 0) {
      keys_free(&k);
      return -1;
    }
    int at = map;
    for (size_t j = 0; j + 1 < k.n && at > 0; j++) at = sub_table(p, at, k.part[j], line);
    if (at < 0 || peek(p) != '=') {
      keys_free(&k);
      return at < 0 ? -1 : fail(p, "expected '=' after a key");
    }
    if (map_get(p, at, k.part[k.n - 1])) {
      char *m = al_fmt("duplicate key '%s'", k.part[k.n - 1]);
      fail(p, m);
      free(m);
      keys_free(&k);
      return -1;
    }
    adv(p);
    spaces(p);
    int v = value(p, depth + 1);
    int rc = v < 0 ? -1 : map_put(p, at, k.part[k.n - 1], v, line);
    keys_free(&k);
    if (rc < 0) return -1;
    spaces(p);
    if (peek(p) == ',') {
      adv(p);
      spaces(p);
      continue;
    }
    if (peek(p) == '}') {
      adv(p);
      return 0;
    }
    return fail(p, "expected ',' or '}' in an inline table");
  }
}

/* A value at p->i: its node id. */
static int value(parser *p, int depth) {
  if (depth > MAX_DEPTH) return fail(p, "values nested too deeply");
  size_t line = p->line;
  int c = peek(p);
  if (c == '"' || c == '\'') {
    al_buf b = {0};
    if (string(p, &b) < 0) {
      al_buf_free(&b);
      return -1;
    }
    int id = add_scalar(p, b.data ? b.data : "", b.len, line);
    al_buf_free(&b);
    return id;
  }
  if (c == '[') {
    adv(p);
    int seq = yaml_document_add_sequence(p->doc, NULL, YAML_FLOW_SEQUENCE_STYLE);
    if (!seq) return fail(p, "out of memory");
    mark(p, seq, line);
    for (;;) {
      blank(p);
      if (peek(p) == ']') {
        adv(p);
        return seq;
      }
      int item = value(p, depth + 1);
      if (item < 0) return -1;
      if (!yaml_document_append_sequence_item(p->doc, seq, item)) return fail(p, "out of memory");
      blank(p);
      if (peek(p) == ',') adv(p);
      else if (peek(p) != ']') return fail(p, "expected ',' or ']' in an array");
    }
  }
  if (c == '{') {
    int map = add_map(p, line);
    if (map < 0 || inline_table(p, map, depth) < 0) return -1;
    return map;
  }
  /* a number, boolean or date: kept as written */
  size_t s = p->i;
  while (p->i < p->n && (bare_char(peek(p)) || strchr("+.:", peek(p)))) adv(p);
  if (p->i == s) return fail(p, "expected a value");
  return add_scalar(p, p->s + s, p->i - s, line);
}

/* A value outside the table: skipped by its strings and brackets. */
static int skip_value(parser *p) {
  int depth = 0;
  for (;;) {
    int c = peek(p);
    if (c < 0) return depth ? fail(p, "an array or inline table is not closed") : 0;
    if (c == '"' || c == '\'') {
      al_buf b = {0};
      int rc = string(p, &b);
      al_buf_free(&b);
      if (rc < 0) return -1;
      continue;
    }
    if (c == '#') {
      comment(p);
      continue;
    }
    if ((c == '\n' || c == '\r') && depth == 0) return 0;
    if (c == '[' || c == '{') depth++;
    if ((c == ']' || c == '}') && --depth < 0) return fail(p, "a closing bracket without its opening one");
    adv(p);
  }
}

/* ---- headers and key/value lines ---- */

/* How a path relates to the table: 1 inside it (or it), 0 a prefix of it, -1 elsewhere. */
static int relation(const parser *p, char *const *parts, size_t n) {
  size_t m = n < p->ntable ? n : p->ntable;
  for (size_t i = 0; i < m; i++)
    if (strcmp(parts[i], p->table[i])) return -1;
  return n >= p->ntable ? 1 : 0;
}

int al_toml_table(const char *text, size_t len, const char *const *table, size_t ntable, yaml_document_t *doc,
                  bool *found, size_t *line, char **msg) {
  parser p = {.s = text, .n = len, .line = 1, .doc = doc, .table = table, .ntable = ntable};
  *found = false;
  *msg = NULL;
  *line = 0;
  if (!yaml_document_initialize(doc, NULL, NULL, NULL, 1, 1)) {
    *msg = al_strdup("out of memory");
    return -1;
  }
  p.root = add_map(&p, 1);
  keypath cur = {0}; /* the current table's full path */
  int cur_map = p.root; /* its mapping when it is inside the table; 0 otherwise */
  bool cur_inside = false;
  int rc = p.root < 0 ? -1 : 0;
  if (len >= 3 && !memcmp(text, "\xef\xbb\xbf", 3)) p.i = 3; /* a byte-order mark */
  while (rc == 0) {
    blank(&p);
    if (peek(&p) < 0) break;
    size_t hline = p.line;
    if (peek(&p) == '[') {
      bool array = starts(&p, "[[");
      adv(&p);
      if (array) adv(&p);
      keys_free(&cur);
      if (key(&p, &cur) < 0) {
        rc = -1;
        break;
      }
      if (peek(&p) != ']' || (array && !(p.i + 1 < p.n && p.s[p.i + 1] == ']'))) {
        rc = fail(&p, array ? "expected ']]' closing a table header" : "expected ']' closing a table header");
        break;
      }
      adv(&p);
      if (array) adv(&p);
      if (line_end(&p) < 0) {
        rc = -1;
        break;
      }
      int rel = relation(&p, cur.part, cur.n);
      cur_inside = rel == 1;
      cur_map = 0;
      if (!cur_inside) continue;
      p.found = true;
      if (array && cur.n == ntable) {
        rc = fail_at(&p, hline, "the settings table cannot be an array of tables");
        break;
      }
      int at = p.root;
      size_t last = array ? cur.n - 1 : cur.n;
      for (size_t j = ntable; j < last && at > 0; j++) at = sub_table(&p, at, cur.part[j], hline);
      if (at > 0 && array) { /* [[x]]: a new table at the end of the array x */
        int seq = map_get(&p, at, cur.part[last]);
        if (!seq) {
          seq = yaml_document_add_sequence(doc, NULL, YAML_BLOCK_SEQUENCE_STYLE);
          if (!seq || map_put(&p, at, cur.part[last], seq, hline) < 0) at = seq ? -1 : fail(&p, "out of memory");
          else mark(&p, seq, hline);
        } else if (yaml_document_get_node(doc, seq)->type != YAML_SEQUENCE_NODE) {
          at = fail_at(&p, hline, "an array of tables reuses the name of a value");
        }
        if (at > 0) {
          int t = add_map(&p, hline);
          if (t < 0 || !yaml_document_append_sequence_item(doc, seq, t)) at = t < 0 ? -1 : fail(&p, "out of memory");
          else at = t;
        }
      }
      if (at < 0) {
        rc = -1;
        break;
      }
      cur_map = at;
      continue;
    }
    /* key = value */
    keypath k = {0};
    if (key(&p, &k) < 0) {
      keys_free(&k);
      rc = -1;
      break;
    }
    if (peek(&p) != '=') {
      keys_free(&k);
      rc = fail(&p, "expected '=' after a key");
      break;
    }
    adv(&p);
    spaces(&p);
    /* where it lands: under the current table when that is inside ours, else by its full path */
    int at = -1;
    size_t from = 0;
    if (cur_inside) {
      at = cur_map;
    } else {
      char *full[2 * MAX_KEYS];
      size_t fn = 0;
      for (size_t j = 0; j < cur.n; j++) full[fn++] = cur.part[j];
      for (size_t j = 0; j < k.n; j++) full[fn++] = k.part[j];
      if (relation(&p, full, fn) == 1) {
        at = p.root;
        from = ntable - cur.n; /* the parts of the key that name the table itself */
        p.found = true;
      }
    }
    if (at < 0) {
      keys_free(&k);
      if (skip_value(&p) < 0 || line_end(&p) < 0) rc = -1;
      continue;
    }
    if (from == k.n) { /* `asynclint = { ... }` under [tool]: the settings as an inline table */
      keys_free(&k);
      if (peek(&p) != '{') {
        rc = fail(&p, "the settings must be a table");
        break;
      }
      if (inline_table(&p, p.root, 0) < 0 || line_end(&p) < 0) rc = -1;
      continue;
    }
    for (size_t j = from; j + 1 < k.n && at > 0; j++) at = sub_table(&p, at, k.part[j], hline);
    if (at > 0 && map_get(&p, at, k.part[k.n - 1])) {
      char *m = al_fmt("duplicate key '%s'", k.part[k.n - 1]);
      at = fail(&p, m);
      free(m);
    }
    int v = at > 0 ? value(&p, 0) : -1;
    if (v < 0 || map_put(&p, at, k.part[k.n - 1], v, hline) < 0 || line_end(&p) < 0) rc = -1;
    keys_free(&k);
  }
  keys_free(&cur);
  if (rc < 0) {
    *line = p.err_line ? p.err_line : p.line;
    *msg = p.msg ? p.msg : al_strdup("invalid TOML");
    yaml_document_delete(doc);
    return -1;
  }
  *found = p.found;
  return 0;
}
