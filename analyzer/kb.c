/* kb: the knowledge loader (libyaml document API) and lookups. The YAML shape is kept
 * flat on purpose: a section is a list of names or small mappings with a `name`. */
#include "kb.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <yaml.h>

#include "kb_expand.h"

/* The built-in knowledge, compiled out of rules/knowledge/ YAML files by tools/kb_compile.c */
extern const unsigned char al_kb_python_flat[], al_kb_javascript_flat[], al_kb_c_flat[];
extern const size_t al_kb_python_flat_len, al_kb_javascript_flat_len, al_kb_c_flat_len;

static al_kb builtin[4];
static _Atomic bool builtin_loaded[4]; /* per language, on first use: a Python-only run never parses c.yaml */
static pthread_mutex_t builtin_mu = PTHREAD_MUTEX_INITIALIZER;
static _Atomic unsigned builtin_gen = 1; /* bumped when the built-in kbs are freed */

static const char *scalar(yaml_node_t *n) {
  return n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

/* The filters' hash (FNV-1a) and their two probes, 9 bits each. */
static uint64_t bloom_hash(const char *s, size_t n) {
  uint64_t h = 0xcbf29ce484222325ull;
  for (size_t i = 0; i < n; i++) h = (h ^ (unsigned char)s[i]) * 0x100000001b3ull;
  return h;
}

static void bloom_add(uint64_t bits[8], uint64_t h) {
  unsigned a = (unsigned)(h >> 20) & 511, b = (unsigned)(h >> 40) & 511;
  bits[a >> 6] |= 1ull << (a & 63);
  bits[b >> 6] |= 1ull << (b & 63);
}

static bool bloom_maybe(const uint64_t bits[8], uint64_t h) {
  unsigned a = (unsigned)(h >> 20) & 511, b = (unsigned)(h >> 40) & 511;
  return (bits[a >> 6] >> (a & 63) & 1) && (bits[b >> 6] >> (b & 63) & 1);
}

static al_kb_section *section_for(al_kb *kb, const char *name) {
  al_kb_section *s = al_map_get(&kb->sections, name);
  if (!s) {
    s = al_calloc(1, sizeof *s);
    al_map_put(&kb->sections, name, s);
  }
  return s;
}

static void index_entry(al_kb_section *sec, al_kb_entry *e);

/* An entry of a YAML load owns its strings and arrays; a compiled (borrowed) one points
 * into the static blob, and its key/value arrays are in its own allocation. */
static void entry_free(al_kb_entry *e) {
  if (!e->borrowed) {
    for (size_t k = 0; k < e->nattrs; k++) {
      free((char *)e->keys[k]);
      free((char *)e->vals[k]);
    }
    free(e->keys);
    free(e->vals);
    free((char *)e->name);
  }
  free(e);
}

typedef struct {
  al_kb_section *sec;
  const al_kb_entry *tmpl;
} expansion;

/* One entry of a brace template (`find{,All}By{Text,Role}`): its own copies of the attributes. */
static void expand_one(const char *name, void *ud) {
  expansion *x = ud;
  al_kb_entry *e = al_calloc(1, sizeof *e);
  e->name = al_strdup(name);
  if (x->tmpl->nattrs) {
    e->keys = al_calloc(x->tmpl->nattrs, sizeof *e->keys);
    e->vals = al_calloc(x->tmpl->nattrs, sizeof *e->vals);
  }
  for (size_t i = 0; i < x->tmpl->nattrs; i++) {
    e->keys[i] = al_strdup(x->tmpl->keys[i]);
    e->vals[i] = al_strdup(x->tmpl->vals[i]);
  }
  e->nattrs = x->tmpl->nattrs;
  index_entry(x->sec, e);
}

static int add_entry(al_kb_section *sec, yaml_document_t *doc, yaml_node_t *item, const char *origin,
                     char **err) {
  int rc = -1;
  al_kb_entry *e = al_calloc(1, sizeof *e);
  if (item->type == YAML_SCALAR_NODE) {
    e->name = al_strdup(scalar(item));
  } else if (item->type == YAML_MAPPING_NODE) {
    size_t n = (size_t)(item->data.mapping.pairs.top - item->data.mapping.pairs.start);
    e->keys = al_calloc(n, sizeof *e->keys);
    e->vals = al_calloc(n, sizeof *e->vals);
    for (yaml_node_pair_t *p = item->data.mapping.pairs.start; p < item->data.mapping.pairs.top; p++) {
      const char *k = scalar(yaml_document_get_node(doc, p->key));
      const char *v = scalar(yaml_document_get_node(doc, p->value));
      if (!k || !v) {
        *err = al_fmt("%s:%zu: entry attributes must be plain `key: value` scalars", origin,
                      item->start_mark.line + 1);
        goto fail;
      }
      if (!strcmp(k, "name")) {
        free((char *)e->name);
        e->name = al_strdup(v);
      } else {
        e->keys[e->nattrs] = al_strdup(k);
        e->vals[e->nattrs++] = al_strdup(v);
      }
    }
  }
  if (!e->name || !*e->name) {
    *err = al_fmt("%s:%zu: each entry needs a name", origin, item->start_mark.line + 1);
    goto fail;
  }
  if (strpbrk(e->name, "{}")) { /* brace alternatives (kb_expand.h): one entry per name */
    if (kb_expand_count(e->name) < 0) {
      *err = al_fmt("%s:%zu: `%s`: unmatched or nested braces, or over %d alternatives", origin,
                    item->start_mark.line + 1, e->name, KB_EXPAND_MAX);
      goto fail;
    }
    expansion x = {sec, e};
    kb_expand(e->name, expand_one, &x);
    rc = 0; /* the template itself is not an entry: freed below */
    goto fail;
  }
  index_entry(sec, e);
  return 0;
fail:
  entry_free(e);
  return rc;
}

/* An entry joins its section: the list, the by-name map and the filters. */
static void index_entry(al_kb_section *sec, al_kb_entry *e) {
  al_vec_push(&sec->entries, e);
  al_map_put_borrowed(&sec->by_name, e->name, e); /* (names live as long as their section) */
  bool star = strchr(e->name, '*') != NULL; /* (most names hold none) */
  if (star && e->name[0] == '*' && e->name[1] == '.') {
    sec->suffix_wild = true;
    if (strchr(e->name + 2, '.')) sec->suffix2_wild = true;
    const char *last = strrchr(e->name, '.') + 1;
    bloom_add(sec->tail_bits, bloom_hash(last, strlen(last)));
    return;
  }
  size_t hn = strcspn(e->name, ".");
  bloom_add(sec->head_bits, bloom_hash(e->name, hn));
  if (star && al_ends_with(e->name, ".*")) sec->prefix_wild = true;
  else if (star && strstr(e->name, ".*.")) sec->mid_wild = true;
  if (sec->last_head && sec->last_head_len == hn && !memcmp(sec->last_head, e->name, hn)) return;
  sec->last_head = e->name; /* (neighbours mostly share the head: no map lookup for them) */
  sec->last_head_len = hn;
  char small[128], *head = hn < sizeof small ? small : al_malloc(hn + 1);
  memcpy(head, e->name, hn);
  head[hn] = 0;
  if (!al_map_get(&sec->heads, head)) al_map_put(&sec->heads, head, e); /* most entries share a head */
  if (head != small) free(head);
}

int al_kb_load(al_kb *kb, const char *text, size_t len, const char *origin, char **err) {
  yaml_parser_t parser;
  yaml_document_t doc;
  int rc = -1;
  yaml_parser_initialize(&parser);
  yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
  if (!yaml_parser_load(&parser, &doc)) {
    *err = al_fmt("%s:%zu: %s", origin, parser.problem_mark.line + 1,
                  parser.problem ? parser.problem : "invalid YAML");
    yaml_parser_delete(&parser);
    return -1;
  }
  yaml_node_t *root = yaml_document_get_root_node(&doc);
  rc = root ? al_kb_load_node(kb, &doc, root, origin, err) : 0; /* empty: no knowledge */
  yaml_document_delete(&doc);
  yaml_parser_delete(&parser);
  return rc;
}

int al_kb_load_node(al_kb *kb, struct yaml_document_s *doc, struct yaml_node_s *root, const char *origin,
                    char **err) {
  if (root->type != YAML_MAPPING_NODE) {
    *err = al_fmt("%s:%zu: expected a mapping of sections", origin, root->start_mark.line + 1);
    return -1;
  }
  for (yaml_node_pair_t *p = root->data.mapping.pairs.start; p < root->data.mapping.pairs.top; p++) {
    yaml_node_t *k = yaml_document_get_node(doc, p->key);
    yaml_node_t *v = yaml_document_get_node(doc, p->value);
    const char *name = scalar(k);
    if (!name || !v || v->type != YAML_SEQUENCE_NODE) {
      *err = al_fmt("%s:%zu: a section is `name:` followed by a list", origin,
                    (k ? k->start_mark.line : 0) + 1);
      return -1;
    }
    al_kb_section *sec = section_for(kb, name);
    for (yaml_node_item_t *it = v->data.sequence.items.start; it < v->data.sequence.items.top; it++) {
      yaml_node_t *item = yaml_document_get_node(doc, *it);
      if (!item) {
        *err = al_fmt("%s: broken list item", origin);
        return -1;
      }
      if (add_entry(sec, doc, item, origin, err) < 0) return -1;
    }
  }
  return 0;
}

static void free_section(const char *key, void *val, void *ctx) {
  al_kb_section *s = val;
  for (size_t i = 0; i < s->entries.len; i++) {
    entry_free(s->entries.items[i]);
  }
  al_vec_free(&s->entries);
  al_map_free(&s->by_name);
  al_map_free(&s->heads);
  free(s);
}

void al_kb_free(al_kb *kb) {
  al_map_each(&kb->sections, free_section, NULL);
  al_map_free(&kb->sections);
}

/* Loads knowledge in tools/kb_compile.c's flat form ('S' section NUL, then per entry 'E',
 * its attribute count, name NUL and key NUL value NUL pairs), checked as it is read. */
int al_kb_load_flat(al_kb *kb, const unsigned char *p, size_t len, const char *origin, char **err) {
  const char *s = (const char *)p, *end = s + len;
  al_kb_section *sec = NULL;
  while (s < end) {
    const char *at = s;
    char tag = *s++;
    /* the strings the record holds: a section's name, or an entry's name and pairs */
    unsigned n = tag == 'E' && s < end ? (unsigned char)*s++ : 0, want = tag == 'S' ? 1 : 1 + 2 * n;
    const char *first = s;
    bool ok = (tag == 'S' || (tag == 'E' && sec && at + 1 < end));
    for (unsigned i = 0; ok && i < want; i++) {
      const char *z = s < end ? memchr(s, 0, (size_t)(end - s)) : NULL;
      if (!z) ok = false;
      else s = z + 1;
    }
    if (!ok || !*first) {
      *err = al_fmt("%s: broken compiled knowledge at byte %zu", origin, (size_t)(at - (const char *)p));
      return -1;
    }
    if (tag == 'S') {
      sec = section_for(kb, first);
      continue;
    }
    /* one block: the entry, then its key and value pointers (freed with it) */
    al_kb_entry *e = al_calloc(1, sizeof *e + 2 * n * sizeof(const char *));
    e->name = first;
    e->borrowed = true;
    if (n) {
      e->keys = (const char **)(e + 1);
      e->vals = e->keys + n;
    }
    const char *a = first + strlen(first) + 1;
    for (unsigned i = 0; i < n; i++) {
      e->keys[i] = a;
      a += strlen(a) + 1;
      e->vals[i] = a;
      a += strlen(a) + 1;
    }
    e->nattrs = n;
    index_entry(sec, e);
  }
  return 0;
}

/* The built-in knowledge of one language, compiled in at build time. */
static int load_builtin(al_lang lang, char **err) {
  static const char *const origin[4] = {NULL, "rules/knowledge/python.yaml", "rules/knowledge/javascript.yaml",
                                        "rules/knowledge/c.yaml"};
  const unsigned char *p = lang == AL_LANG_PYTHON ? al_kb_python_flat : lang == AL_LANG_JS ? al_kb_javascript_flat
                           : lang == AL_LANG_C    ? al_kb_c_flat : NULL;
  size_t len = lang == AL_LANG_PYTHON ? al_kb_python_flat_len : lang == AL_LANG_JS ? al_kb_javascript_flat_len
               : lang == AL_LANG_C    ? al_kb_c_flat_len : 0;
  if (!p) return 0; /* AL_LANG_NONE: an empty kb */
  return al_kb_load_flat(&builtin[lang], p, len, origin[lang], err);
}

static int ensure_loaded(al_lang lang, char **err) {
  if ((unsigned)lang >= 4) lang = AL_LANG_NONE;
  if (atomic_load_explicit(&builtin_loaded[lang], memory_order_acquire)) return 0;
  pthread_mutex_lock(&builtin_mu);
  int rc = 0;
  if (!atomic_load_explicit(&builtin_loaded[lang], memory_order_relaxed)) {
    rc = load_builtin(lang, err);
    if (rc == 0) atomic_store_explicit(&builtin_loaded[lang], true, memory_order_release);
  }
  pthread_mutex_unlock(&builtin_mu);
  return rc;
}

/* Loads every language now (tests and fuzzers check the embedded YAML this way); the
 * analyzer itself loads each on first use. */
int al_kb_init(char **err) {
  for (int l = AL_LANG_PYTHON; l <= AL_LANG_C; l++)
    if (ensure_loaded((al_lang)l, err) < 0) return -1;
  return 0;
}

void al_kb_shutdown(void) {
  pthread_mutex_lock(&builtin_mu);
  for (int i = 0; i < 4; i++) {
    al_kb_free(&builtin[i]);
    atomic_store(&builtin_loaded[i], false);
  }
  builtin_gen++;
  pthread_mutex_unlock(&builtin_mu);
}

/* First use of a language's knowledge loads it. The embedded YAML is checked by the
 * tests (al_kb_init), so a failure here is an internal error: one line, exit code 3. */
static al_kb *builtin_kb(al_lang lang) {
  char *err = NULL;
  if (ensure_loaded(lang, &err) < 0) {
    fprintf(stderr, "asynclint: internal error: built-in knowledge: %s\n", err ? err : "?");
    exit(3);
  }
  return &builtin[(unsigned)lang < 4 ? lang : AL_LANG_NONE];
}

const al_kb *al_kb_for(al_lang lang) { return builtin_kb(lang); }
al_kb *al_kb_mutable(al_lang lang) { return builtin_kb(lang); }

/* Section names are string literals at the call sites: a section of a built-in kb (a
 * section once made stays until al_kb_shutdown) is remembered per (kb, literal). */
const al_kb_section *al_kb_section_get(const al_kb *kb, const char *section) {
  /* two ways per set: with one, two hot names whose addresses collided (the link layout
   * decides) evicted each other on every call — a 2 M-instruction swing on the JS sample
   * from an unrelated edit */
  static _Thread_local struct {
    const al_kb *kb;
    const char *name;
    const al_kb_section *s;
    unsigned gen;
  } memo[128][2];
  static _Thread_local uint8_t victim[128];
  bool builtin_kb = kb >= builtin && kb < builtin + sizeof builtin / sizeof *builtin;
  unsigned gen = builtin_gen;
  size_t h = (size_t)((((uintptr_t)section ^ ((uintptr_t)kb << 7)) * 0x9e3779b97f4a7c15ull) >> 57); /* 0..127 */
  for (int w = 0; builtin_kb && w < 2; w++)
    if (memo[h][w].kb == kb && memo[h][w].name == section && memo[h][w].gen == gen) {
      victim[h] = (uint8_t)!w; /* the other way goes first */
      return memo[h][w].s;
    }
  const al_kb_section *s = al_map_get(&kb->sections, section);
  if (builtin_kb && s) {
    int w = victim[h];
    memo[h][w].kb = kb;
    memo[h][w].name = section;
    memo[h][w].s = s;
    memo[h][w].gen = gen;
    victim[h] = (uint8_t)!w;
  }
  return s;
}

const al_kb_entry *al_kb_find(const al_kb *kb, const char *section, const char *name) {
  const al_kb_section *s = al_kb_section_get(kb, section);
  return s ? al_map_get(&s->by_name, name) : NULL;
}

const char *al_kb_attr(const al_kb_entry *e, const char *key) {
  for (size_t i = 0; i < e->nattrs; i++)
    if (!strcmp(e->keys[i], key)) return e->vals[i];
  return NULL;
}

bool al_kb_attr_is(const al_kb_entry *e, const char *key, const char *value) {
  const char *v = e ? al_kb_attr(e, key) : NULL;
  return v && !strcmp(v, value);
}

/* The `*.a.m` entry (the longer suffix first), else the `*.m` one, matching name. */
static const al_kb_entry *suffix_match(const al_kb_section *s, const char *name, char *buf, size_t cap) {
  const char *last = strrchr(name, '.');
  if (!last || !s->suffix_wild) return NULL;
  size_t ln = strlen(last);
  if (ln + 2 > cap || !bloom_maybe(s->tail_bits, bloom_hash(last + 1, ln - 1))) return NULL;
  if (s->suffix2_wild && last > name) {
    const char *prev = last - 1;
    while (prev > name && *prev != '.') prev--;
    if (*prev == '.' && strlen(prev) + 2 <= cap) {
      buf[0] = '*';
      strcpy(buf + 1, prev);
      const al_kb_entry *e = al_map_get(&s->by_name, buf);
      if (e) return e;
    }
  }
  buf[0] = '*';
  memcpy(buf + 1, last, ln + 1);
  return al_map_get(&s->by_name, buf);
}

const al_kb_entry *al_kb_match(const al_kb *kb, const char *section, const char *name) {
  const al_kb_section *s = al_kb_section_get(kb, section);
  if (!s || !name) return NULL;
  char buf[512];
  /* the head's hash on the way to its end, and the last component's start */
  uint64_t hh = 0xcbf29ce484222325ull;
  size_t hn = 0;
  for (; name[hn] && name[hn] != '.'; hn++) hh = (hh ^ (unsigned char)name[hn]) * 0x100000001b3ull;
  bool head = false; /* else no exact or `a.*` entry matches */
  if (bloom_maybe(s->head_bits, hh) && hn < sizeof buf) {
    memcpy(buf, name, hn);
    buf[hn] = 0;
    head = al_map_get(&s->heads, buf) != NULL;
  }
  const al_kb_entry *e = head ? al_map_get(&s->by_name, name) : NULL;
  if (e || (!s->prefix_wild && !s->suffix_wild && !s->mid_wild)) return e;
  if (!head) return suffix_match(s, name, buf, sizeof buf); /* only a `*.m` entry can match */
  size_t n = strlen(name);
  if (n >= sizeof buf - 3) return NULL;
  memcpy(buf, name, n + 1);
  char *dot;
  if (head && s->mid_wild && (dot = strrchr(buf, '.')) && dot > buf) {
    /* a.b.X.m -> a.b.*.m, then a.b.X.Y.m -> a.b.*.*.m (a client's database's collection) */
    char *prev = dot;
    for (int k = 1; k <= 2 && prev > buf; k++) {
      prev--;
      while (prev > buf && *prev != '.') prev--;
      if (*prev != '.') break;
      char tail[512];
      strcpy(tail, name + (dot - buf));
      strcpy(prev + 1, k == 1 ? "*" : "*.*");
      strcat(prev + 1, tail);
      if ((e = al_map_get(&s->by_name, buf))) return e;
      memcpy(buf, name, n + 1);
    }
  }
  while (head && s->prefix_wild && (dot = strrchr(buf, '.'))) {
    strcpy(dot, ".*");
    if ((e = al_map_get(&s->by_name, buf))) return e;
    *dot = 0;
  }
  return suffix_match(s, name, buf, sizeof buf);
}

bool al_kb_word_in(const char *list, const char *s, size_t n) {
  for (const char *p = list; p && *p;) {
    size_t k = strcspn(p, ",");
    if (k == n && !strncmp(p, s, n)) return true;
    p += k + (p[k] != 0);
  }
  return false;
}

/* The query_chains entry a chain call's name (`X.objects.filter().count`) is on, or
 * NULL: after `.<name>.` (or `.<name>().`), `through` calls, then a `terminal` method
 * (*kind 't'); or an `instance` call then an `instance_terminal` method ('t'); or only
 * `through` calls, a lazy queryset ('l'), which runs when iterated or read. */
const al_kb_entry *al_kb_query_chain(al_lang lang, const char *name, char *kind) {
  const al_kb_section *sec = al_kb_section_get(al_kb_for(lang), "query_chains");
  if (!sec || !name) return NULL;
  for (size_t i = 0; i < sec->entries.len; i++) {
    const al_kb_entry *e = sec->entries.items[i];
    size_t nl = strlen(e->name);
    const char *rest = NULL;
    for (const char *p = strchr(name, '.'); p && !rest; p = strchr(p + 1, '.')) {
      if (strncmp(p + 1, e->name, nl)) continue;
      if (p[1 + nl] == '.') rest = p + 2 + nl;
      else if (!strncmp(p + 1 + nl, "().", 3)) rest = p + 4 + nl;
    }
    if (!rest || !*rest) continue;
    const char *through = al_kb_attr(e, "through"), *terminal = al_kb_attr(e, "terminal");
    const char *instance = al_kb_attr(e, "instance"), *inst_terminal = al_kb_attr(e, "instance_terminal");
    bool inst = false, ok = true;
    const char *c = rest;
    for (const char *dot; ok && (dot = strchr(c, '.'));) { /* the calls before the last */
      size_t n = (size_t)(dot - c);
      if (inst || n < 3 || strncmp(dot - 2, "()", 2)) ok = false;
      else if (al_kb_word_in(through, c, n - 2)) inst = false;
      else if (al_kb_word_in(instance, c, n - 2)) inst = true;
      else ok = false;
      c = dot + 1;
    }
    if (!ok || strchr(c, '(')) continue;
    size_t n = strlen(c);
    if (inst ? al_kb_word_in(inst_terminal, c, n) : al_kb_word_in(terminal, c, n)) {
      *kind = 't';
      return e;
    }
    if (!inst && al_kb_word_in(through, c, n)) {
      *kind = 'l';
      return e;
    }
  }
  return NULL;
}

const al_kb_entry *al_lazy_query_chain(al_lang lang, const char *name) {
  char kind = 0;
  const al_kb_entry *e = al_kb_query_chain(lang, name, &kind);
  return kind == 'l' ? e : NULL;
}
