/* config: loading and querying `.asynclint.yaml` (libyaml) or the [tool.asynclint] table of a
 * pyproject.toml (toml.c). See config.h. */
#include "config.h"

#include <errno.h>
#include <libgen.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <yaml.h>

#include "discover.h"
#include "kb.h"
#include "toml.h"

static char config_none;

static const char *scalar(yaml_node_t *n) {
  return n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

static bool code_ok(const char *c) {
  if (!strcmp(c, "ALL")) return true;
  for (size_t i = 0; i < al_rule_count; i++)
    if (al_starts_with(al_rules[i]->code, c)) return true;
  return strlen(c) >= 3 && al_starts_with(c, "AL") && c[2] >= '1' && c[2] <= '5'; /* a future code of a family */
}

/* A list of strings (codes when codes is set) into v. */
static int string_list(yaml_document_t *doc, yaml_node_t *n, al_vec *v, bool codes, const char *path,
                       const char *key, char **err) {
  if (!n || n->type != YAML_SEQUENCE_NODE) {
    *err = al_fmt("%s:%zu: `%s` must be a list", path, (n ? n->start_mark.line : 0) + 1, key);
    return -1;
  }
  for (yaml_node_item_t *it = n->data.sequence.items.start; it < n->data.sequence.items.top; it++) {
    yaml_node_t *x = yaml_document_get_node(doc, *it);
    const char *s = scalar(x);
    if (!s || !*s) {
      *err = al_fmt("%s:%zu: `%s` must list strings", path, (x ? x->start_mark.line : 0) + 1, key);
      return -1;
    }
    if (codes && !code_ok(s)) {
      *err = al_fmt("%s:%zu: unknown rule code or prefix '%s' in `%s` (see 'asynclint rules')", path,
                    x->start_mark.line + 1, s, key);
      return -1;
    }
    al_vec_push(v, al_strdup(s));
  }
  return 0;
}

static int parse(al_config *c, yaml_document_t *doc, yaml_node_t *root, char **err) {
  const char *path = c->path;
  if (root->type != YAML_MAPPING_NODE) {
    *err = al_fmt("%s:%zu: expected a mapping of settings (select, ignore, ...)", path, root->start_mark.line + 1);
    return -1;
  }
  for (yaml_node_pair_t *p = root->data.mapping.pairs.start; p < root->data.mapping.pairs.top; p++) {
    yaml_node_t *k = yaml_document_get_node(doc, p->key), *v = yaml_document_get_node(doc, p->value);
    const char *key = scalar(k);
    size_t line = (k ? k->start_mark.line : 0) + 1;
    if (!key) {
      *err = al_fmt("%s:%zu: settings are `key: value`", path, line);
      return -1;
    }
    if (!strcmp(key, "select")) {
      c->has_select = true;
      if (string_list(doc, v, &c->select, true, path, key, err) < 0) return -1;
    } else if (!strcmp(key, "extend-select")) {
      if (string_list(doc, v, &c->extend_select, true, path, key, err) < 0) return -1;
    } else if (!strcmp(key, "ignore")) {
      if (string_list(doc, v, &c->ignore, true, path, key, err) < 0) return -1;
    } else if (!strcmp(key, "exclude")) {
      if (string_list(doc, v, &c->exclude, false, path, key, err) < 0) return -1;
    } else if (!strcmp(key, "target-runtimes")) {
      if (string_list(doc, v, &c->runtimes, false, path, key, err) < 0) return -1;
      static const char *const known[] = {"asyncio", "trio", "anyio", "node", "browser", "libuv", "libevent",
                                          "runtime"};
      for (size_t i = 0; i < c->runtimes.len; i++) {
        bool ok = false;
        for (size_t j = 0; j < sizeof known / sizeof *known && !ok; j++) ok = !strcmp(c->runtimes.items[i], known[j]);
        if (!ok) {
          *err = al_fmt("%s:%zu: unknown target runtime '%s' (asyncio, trio, anyio, node, browser, libuv, libevent, "
                        "runtime)", path, line, (char *)c->runtimes.items[i]);
          return -1;
        }
      }
    } else if (!strcmp(key, "per-path-ignores")) {
      if (!v || v->type != YAML_MAPPING_NODE) {
        *err = al_fmt("%s:%zu: `per-path-ignores` maps a glob to a list of codes", path, line);
        return -1;
      }
      for (yaml_node_pair_t *q = v->data.mapping.pairs.start; q < v->data.mapping.pairs.top; q++) {
        yaml_node_t *g = yaml_document_get_node(doc, q->key);
        const char *glob = scalar(g);
        if (!glob) {
          *err = al_fmt("%s:%zu: a per-path-ignores key is a glob", path, (g ? g->start_mark.line : 0) + 1);
          return -1;
        }
        al_vec *codes = al_calloc(1, sizeof *codes);
        al_vec_push(&c->ppi_globs, al_strdup(glob));
        al_vec_push(&c->ppi_codes, codes);
        if (string_list(doc, yaml_document_get_node(doc, q->value), codes, true, path, glob, err) < 0) return -1;
      }
    } else if (!strcmp(key, "severity")) {
      if (!v || v->type != YAML_MAPPING_NODE) {
        *err = al_fmt("%s:%zu: `severity` maps a rule code to error, warning or info", path, line);
        return -1;
      }
      for (yaml_node_pair_t *q = v->data.mapping.pairs.start; q < v->data.mapping.pairs.top; q++) {
        yaml_node_t *ck = yaml_document_get_node(doc, q->key), *cv = yaml_document_get_node(doc, q->value);
        const char *code = scalar(ck), *sev = scalar(cv);
        size_t l = (ck ? ck->start_mark.line : 0) + 1;
        if (!code || !al_rule_find(code)) {
          *err = al_fmt("%s:%zu: `severity`: unknown rule code '%s'", path, l, code ? code : "?");
          return -1;
        }
        long s = !sev ? -1 : !strcmp(sev, "error") ? AL_SEV_ERROR : !strcmp(sev, "warning") ? AL_SEV_WARNING
                                                            : !strcmp(sev, "info")    ? AL_SEV_INFO : -1;
        if (s < 0) {
          *err = al_fmt("%s:%zu: severity of %s must be error, warning or info", path, l, code);
          return -1;
        }
        al_map_put(&c->severity, code, (void *)(intptr_t)(s + 1));
      }
    } else if (!strcmp(key, "knowledge")) {
      if (!v || v->type != YAML_MAPPING_NODE) {
        *err = al_fmt("%s:%zu: `knowledge` maps a language (python, javascript, c) to knowledge sections", path,
                      line);
        return -1;
      }
      for (yaml_node_pair_t *q = v->data.mapping.pairs.start; q < v->data.mapping.pairs.top; q++) {
        yaml_node_t *lk = yaml_document_get_node(doc, q->key);
        const char *lang = scalar(lk);
        al_lang l = !lang ? AL_LANG_NONE : !strcmp(lang, "python") ? AL_LANG_PYTHON
                    : !strcmp(lang, "javascript") ? AL_LANG_JS : !strcmp(lang, "c") ? AL_LANG_C : AL_LANG_NONE;
        if (l == AL_LANG_NONE) {
          *err = al_fmt("%s:%zu: `knowledge`: unknown language '%s' (python, javascript, c)", path,
                        (lk ? lk->start_mark.line : 0) + 1, lang ? lang : "?");
          return -1;
        }
        if (al_kb_load_node(al_kb_mutable(l), doc, yaml_document_get_node(doc, q->value), path, err) < 0) return -1;
      }
    } else {
      *err = al_fmt("%s:%zu: unknown setting '%s' (select, extend-select, ignore, per-path-ignores, exclude, "
                    "severity, knowledge, target-runtimes)", path, line, key);
      return -1;
    }
  }
  return 0;
}

/* Error messages quote the user's values (and the path): control characters in them are
 * escaped, so a message stays one line. */
static void one_line(char **err) {
  if (!*err) return;
  al_buf b = {0};
  for (const unsigned char *p = (const unsigned char *)*err; *p; p++) {
    if (*p == '\n') al_buf_puts(&b, "\\n");
    else if (*p == '\r') al_buf_puts(&b, "\\r");
    else if (*p == '\t') al_buf_puts(&b, "\\t");
    else if (*p < 0x20 || *p == 0x7f) {
      char hex[8];
      snprintf(hex, sizeof hex, "\\x%02x", *p);
      al_buf_puts(&b, hex);
    } else {
      al_buf_add(&b, (const char *)p, 1);
    }
  }
  free(*err);
  *err = al_buf_steal(&b);
}

/* absent (may be NULL): set, with no error, when path is a pyproject.toml without a
 * [tool.asynclint] table (a folder's pyproject.toml says nothing to asynclint then). */
static al_config *load(const char *path, bool *absent, char **err) {
  al_source src;
  char *lerr = NULL;
  if (al_source_load(&src, path, AL_LANG_NONE, &lerr) < 0) {
    *err = al_fmt("%s: %s", path, lerr ? lerr : "cannot read");
    free(lerr);
    one_line(err);
    return NULL;
  }
  al_config *c = al_calloc(1, sizeof *c);
  c->path = al_strdup(path);
  char *copy = al_strdup(path);
  c->dir = al_strdup(dirname(copy));
  free(copy);
  yaml_document_t doc;
  int rc = 0;
  if (al_ends_with(path, ".toml")) {
    /* pyproject.toml: the [tool.asynclint] table; another .toml file: the whole file */
    static const char *const table[] = {"tool", "asynclint"};
    const char *base = strrchr(path, '/') ? strrchr(path, '/') + 1 : path;
    size_t ntable = !strcmp(base, "pyproject.toml") ? 2 : 0;
    bool found = false;
    size_t line = 0;
    char *msg = NULL;
    if (ntable && absent && !memmem(src.text, src.len, "asynclint", 9)) {
      /* found on the way up and never naming us: not read (a TOML feature the reader
       * does not know, in someone else's table, cannot stop a run) */
      *absent = true;
      rc = -1;
    } else if (al_toml_table(src.text, src.len, table, ntable, &doc, &found, &line, &msg) < 0) {
      *err = al_fmt("%s:%zu: %s", path, line, msg);
      rc = -1;
    } else {
      if (ntable && !found) {
        if (absent) *absent = true;
        else *err = al_fmt("%s: no [tool.asynclint] table", path);
        rc = -1;
      } else {
        rc = parse(c, &doc, yaml_document_get_root_node(&doc), err);
      }
      yaml_document_delete(&doc);
    }
    free(msg);
  } else {
    yaml_parser_t parser;
    yaml_parser_initialize(&parser);
    yaml_parser_set_input_string(&parser, (const unsigned char *)src.text, src.len);
    if (!yaml_parser_load(&parser, &doc)) {
      *err = al_fmt("%s:%zu: %s", path, parser.problem_mark.line + 1, parser.problem ? parser.problem : "invalid YAML");
      rc = -1;
    } else {
      yaml_node_t *root = yaml_document_get_root_node(&doc);
      if (root) rc = parse(c, &doc, root, err);
      yaml_document_delete(&doc);
    }
    yaml_parser_delete(&parser);
  }
  al_source_free(&src);
  if (rc < 0) {
    al_config_free(c);
    one_line(err);
    return NULL;
  }
  return c;
}

al_config *al_config_load(const char *path, char **err) { return load(path, NULL, err); }

static void free_strings(al_vec *v) {
  for (size_t i = 0; i < v->len; i++) free(v->items[i]);
  al_vec_free(v);
}

void al_config_free(al_config *c) {
  if (!c) return;
  free_strings(&c->select);
  free_strings(&c->extend_select);
  free_strings(&c->ignore);
  free_strings(&c->exclude);
  free_strings(&c->runtimes);
  free_strings(&c->ppi_globs);
  for (size_t i = 0; i < c->ppi_codes.len; i++) {
    free_strings(c->ppi_codes.items[i]);
    free(c->ppi_codes.items[i]);
  }
  al_vec_free(&c->ppi_codes);
  al_map_free(&c->severity);
  free(c->path);
  free(c->dir);
  free(c);
}

int al_configs_for(al_configs *cs, const char *abs_path, const al_config **out, char **err) {
  *out = cs->forced;
  if (cs->forced) return 0;
  char *copy = al_strdup(abs_path);
  char *dir = al_strdup(dirname(copy));
  free(copy);
  al_vec walked = {0};
  const al_config *found = NULL;
  int rc = 0;
  for (;;) {
    void *v = al_map_get(&cs->by_dir, dir);
    if (v) {
      found = v == &config_none ? NULL : v;
      break;
    }
    al_vec_push(&walked, al_strdup(dir));
    /* .asynclint.yaml first, then a pyproject.toml that has a [tool.asynclint] table */
    static const char *const names[] = {".asynclint.yaml", "pyproject.toml"};
    bool stop = false;
    for (size_t i = 0; i < 2 && !stop; i++) {
      char *cand = al_fmt("%s/%s", strcmp(dir, "/") ? dir : "", names[i]);
      struct stat st;
      if (stat(cand, &st) == 0 && S_ISREG(st.st_mode)) {
        bool absent = false;
        al_config *c = load(cand, i ? &absent : NULL, err);
        if (c) {
          al_vec_push(&cs->owned, c);
          found = c;
          stop = true;
        } else if (!absent) {
          rc = -1;
          stop = true;
        }
      }
      free(cand);
    }
    if (stop) break;
    char *tmp = al_strdup(dir); /* dirname may write into its argument */
    char *up = al_strdup(dirname(tmp));
    free(tmp);
    if (!strcmp(up, dir)) { /* no higher folder: "/", "//", "." (relative paths) */
      free(up);
      break;
    }
    free(dir);
    dir = up;
  }
  for (size_t i = 0; i < walked.len; i++) {
    al_map_put(&cs->by_dir, walked.items[i], found ? (void *)found : (void *)&config_none);
    free(walked.items[i]);
  }
  al_vec_free(&walked);
  free(dir);
  *out = found;
  return rc;
}

void al_configs_free(al_configs *cs) {
  for (size_t i = 0; i < cs->owned.len; i++) al_config_free(cs->owned.items[i]);
  al_vec_free(&cs->owned);
  al_map_free(&cs->by_dir);
  al_config_free(cs->forced);
  cs->forced = NULL;
}

/* abs_path relative to the config's folder (NULL when outside it). */
static const char *rel_to(const al_config *c, const char *abs_path) {
  size_t n = strlen(c->dir);
  if (strncmp(abs_path, c->dir, n)) return NULL;
  if (abs_path[n] == '/') return abs_path + n + 1;
  return n == 1 ? abs_path + 1 : NULL; /* dir "/" */
}

/* A glob matches the relative path, or (without a slash) any of its components' tails. */
static bool glob_hits(const char *glob, const char *rel) {
  if (al_glob_match(glob, rel)) return true;
  if (!strchr(glob, '/'))
    for (const char *s = strchr(rel, '/'); s; s = strchr(s + 1, '/'))
      if (al_glob_match(glob, s + 1)) return true;
  char *dirglob = al_fmt("%s/**", glob); /* a folder pattern covers what is inside */
  bool r = al_glob_match(dirglob, rel);
  free(dirglob);
  return r;
}

bool al_config_excludes(const al_config *cfg, const char *abs_path) {
  const char *rel = cfg ? rel_to(cfg, abs_path) : NULL;
  for (size_t i = 0; rel && i < cfg->exclude.len; i++)
    if (glob_hits(cfg->exclude.items[i], rel)) return true;
  return false;
}

static bool matches(const al_vec *codes, const char *code) {
  for (size_t i = 0; i < codes->len; i++)
    if (!strcmp(codes->items[i], "ALL") || al_starts_with(code, codes->items[i])) return true;
  return false;
}

bool al_config_rule_enabled(const al_config *cfg, const al_vec *cli_select, const al_vec *cli_extend,
                            const al_vec *cli_ignore, const char *abs_path, const al_rule *r) {
  bool on;
  if (cli_select->len) on = matches(cli_select, r->code);
  else if (cfg && cfg->has_select) on = matches(&cfg->select, r->code);
  else on = !r->opt_in;
  /* extend-select adds to the selection; the configuration's only when the command
   * line did not replace the selection */
  on = on || matches(cli_extend, r->code) || (!cli_select->len && cfg && matches(&cfg->extend_select, r->code));
  if (!on || matches(cli_ignore, r->code)) return false;
  if (!cfg) return true;
  if (matches(&cfg->ignore, r->code)) return false;
  const char *rel = rel_to(cfg, abs_path);
  for (size_t i = 0; rel && i < cfg->ppi_globs.len; i++)
    if (glob_hits(cfg->ppi_globs.items[i], rel) && matches(cfg->ppi_codes.items[i], r->code)) return false;
  return true;
}

al_severity al_config_severity(const al_config *cfg, const char *code, al_severity dflt) {
  intptr_t v = cfg ? (intptr_t)al_map_get(&cfg->severity, code) : 0;
  return v ? (al_severity)(v - 1) : dflt;
}

static void collect_config_cb(const char *k, void *v, void *ctx) {
  (void)k;
  const al_config *c = v;
  if (c && c->path) al_map_put(ctx, c->path, (void *)c);
}

static void collect_key_cb(const char *k, void *v, void *ctx) {
  (void)v;
  al_vec_push(ctx, (void *)k);
}

static int cmp_cstr(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

uint64_t al_config_set_hash(const al_map *file_configs) {
  uint64_t h = 0x5bd1e995;
  if (!file_configs) return h;
  al_map paths = {0};
  al_map_each(file_configs, collect_config_cb, &paths);
  al_vec keys = {0};
  al_map_each(&paths, collect_key_cb, &keys);
  if (keys.len > 1) qsort(keys.items, keys.len, sizeof *keys.items, cmp_cstr);
  for (size_t i = 0; i < keys.len; i++) {
    const char *p = keys.items[i];
    h = (h ^ al_hash_fast(p, strlen(p))) * 0x100000001b3ull;
    FILE *fh = fopen(p, "rb");
    char buf[65536];
    size_t got;
    while (fh && (got = fread(buf, 1, sizeof buf, fh)) > 0) h = (h ^ al_hash_fast(buf, got)) * 0x100000001b3ull;
    if (fh) fclose(fh);
  }
  al_vec_free(&keys);
  al_map_free(&paths);
  return h;
}

const char *al_config_py_runtime(const al_config *cfg) {
  for (size_t i = 0; cfg && i < cfg->runtimes.len; i++) {
    const char *r = cfg->runtimes.items[i];
    if (!strcmp(r, "asyncio") || !strcmp(r, "trio") || !strcmp(r, "anyio")) return r;
  }
  return NULL;
}
