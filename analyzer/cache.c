/* cache: per-file findings with their dependencies (see cache.h). */
#include "cache.h"

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "kb.h"

#define CACHE_FORMAT 2

struct al_cache {
  char *dir;      /* .../asynclint/v1 */
  uint64_t salt;  /* version, knowledge, options */
};

extern const unsigned char al_kb_python_flat[], al_kb_javascript_flat[], al_kb_c_flat[];
extern const char al_build_id[]; /* build_id.c, from scripts/source_hash.cmake */
extern const size_t al_kb_python_flat_len, al_kb_javascript_flat_len, al_kb_c_flat_len;

static uint64_t mix(uint64_t h, const void *p, size_t n) {
  return (h ^ al_hash_fast(p, n)) * 0x100000001b3ull + 0x9e3779b97f4a7c15ull;
}

static int mkdirs(const char *path) {
  char *p = al_strdup(path);
  for (char *s = p + 1; *s; s++)
    if (*s == '/') {
      *s = 0;
      if (mkdir(p, 0755) < 0 && errno != EEXIST) {
        free(p);
        return -1;
      }
      *s = '/';
    }
  int rc = mkdir(p, 0755) < 0 && errno != EEXIST ? -1 : 0;
  free(p);
  return rc;
}

al_cache *al_cache_open(const al_options *opts) {
  if (opts->no_cache || opts->fix || opts->diff) return NULL;
  char *base;
  const char *env = getenv("ASYNCLINT_CACHE_DIR"), *xdg = getenv("XDG_CACHE_HOME"), *home = getenv("HOME");
  if (opts->cache_dir) base = al_strdup(opts->cache_dir);
  else if (env && *env) base = al_strdup(env);
  else if (xdg && *xdg) base = al_fmt("%s/asynclint", xdg);
  else if (home && *home) base = al_fmt("%s/.cache/asynclint", home);
  else return NULL;
  al_cache *c = al_calloc(1, sizeof *c);
  c->dir = al_fmt("%s/v%d", base, CACHE_FORMAT);
  free(base);
  if (mkdirs(c->dir) < 0) {
    al_cache_close(c);
    return NULL;
  }
  for (unsigned i = 0; i < 256; i++) { /* the fan-out folders, made once per run */
    char *d = al_fmt("%s/%02x", c->dir, i);
    mkdir(d, 0755);
    free(d);
  }
  uint64_t h = 0;
  h = mix(h, AL_VERSION, strlen(AL_VERSION));
  h = mix(h, al_build_id, strlen(al_build_id)); /* a rebuilt binary never reads stale findings */
  h = mix(h, al_kb_python_flat, al_kb_python_flat_len);
  h = mix(h, al_kb_javascript_flat, al_kb_javascript_flat_len);
  h = mix(h, al_kb_c_flat, al_kb_c_flat_len);
  const al_vec *lists[3] = {&opts->select, &opts->ignore, &opts->extend_select};
  static const char *const names[3] = {"|select", "|ignore", "|extend"};
  for (int l = 0; l < 3; l++) {
    h = mix(h, names[l], 7);
    for (size_t i = 0; i < lists[l]->len; i++) h = mix(h, lists[l]->items[i], strlen(lists[l]->items[i]));
  }
  c->salt = h;
  return c;
}

void al_cache_close(al_cache *c) {
  if (!c) return;
  free(c->dir);
  free(c);
}

uint64_t al_cache_key(const al_cache *c, const al_file *f, uint64_t cfg_hash) {
  uint64_t h = mix(c->salt, &cfg_hash, sizeof cfg_hash);
  h = mix(h, f->abs, strlen(f->abs));
  h = mix(h, f->path, strlen(f->path)); /* findings carry the display path */
  if (f->index_only) h = mix(h, "index only", 10); /* no findings: not an entry for a check */
  if (f->pytest) h = mix(h, &f->pytest, 1);          /* what the test's conftest/settings say */
  return mix(h, &f->content_hash, sizeof f->content_hash);
}

static char *entry_path(const al_cache *c, uint64_t key) {
  return al_fmt("%s/%02x/%016llx.json", c->dir, (unsigned)(key >> 56), (unsigned long long)key);
}

/* A place: its span and where the span ends (line and column; 0 when not known). */
static json_t *span_json(const ir_span *s, uint32_t end_line, uint32_t end_col) {
  return json_pack("[iiiiii]", (json_int_t)s->start, (json_int_t)s->end, (json_int_t)s->line, (json_int_t)s->col,
                   (json_int_t)end_line, (json_int_t)end_col);
}

static bool span_from(json_t *j, ir_span *s, uint32_t *end_line, uint32_t *end_col) {
  json_int_t v[6];
  if (!json_is_array(j) || json_array_size(j) != 6) return false;
  for (size_t i = 0; i < 6; i++) {
    json_t *x = json_array_get(j, i);
    if (!json_is_integer(x) || json_integer_value(x) < 0) return false;
    v[i] = json_integer_value(x);
  }
  *s = (ir_span){(uint32_t)v[0], (uint32_t)v[1], (uint32_t)v[2], (uint32_t)v[3]};
  *end_line = (uint32_t)v[4];
  *end_col = (uint32_t)v[5];
  return true;
}

static char *hex64(uint64_t v) { return al_fmt("%016llx", (unsigned long long)v); }

static bool finding_from(json_t *o, const al_file *f, al_finding **out) {
  const char *code = json_string_value(json_object_get(o, "code"));
  const char *msg = json_string_value(json_object_get(o, "message"));
  const al_rule *r = code ? al_rule_find(code) : NULL;
  json_t *sev = json_object_get(o, "severity");
  ir_span sp;
  uint32_t end_line, end_col;
  if (!r || !msg || !json_is_integer(sev) || !span_from(json_object_get(o, "span"), &sp, &end_line, &end_col) ||
      sp.end > f->src.len)
    return false;
  al_finding *fd = al_calloc(1, sizeof *fd);
  fd->path = f->path;
  fd->span = sp;
  fd->end_line = end_line;
  fd->end_col = end_col;
  fd->code = r->code;
  fd->name = r->name;
  fd->severity = (al_severity)json_integer_value(sev);
  fd->message = al_strdup(msg);
  json_t *fx = json_object_get(o, "fix");
  if (fx) {
    const char *title = json_string_value(json_object_get(fx, "title"));
    json_t *edits = json_object_get(fx, "edits");
    fd->fix = al_fix_new(json_integer_value(json_object_get(fx, "safety")) == AL_FIX_APPLY_UNSAFE ? AL_FIX_APPLY_UNSAFE
                                                                                              : AL_FIX_APPLY_SAFE,
                         title ? title : "");
    size_t i;
    json_t *e;
    json_array_foreach(edits, i, e) {
      json_t *a = json_array_get(e, 0), *b = json_array_get(e, 1), *t = json_array_get(e, 2);
      if (!json_is_integer(a) || !json_is_integer(b) || !json_is_string(t)) {
        al_finding_free(fd);
        return false;
      }
      al_fix_add(fd->fix, (uint32_t)json_integer_value(a), (uint32_t)json_integer_value(b), json_string_value(t));
    }
  }
  json_t *rel = json_object_get(o, "related");
  if (rel) {
    const char *rp = json_string_value(json_object_get(rel, "path"));
    const char *rm = json_string_value(json_object_get(rel, "message"));
    uint32_t unused[2];
    if (!rp || !rm || !span_from(json_object_get(rel, "span"), &fd->rel_span, &unused[0], &unused[1])) {
      al_finding_free(fd);
      return false;
    }
    fd->rel_path = al_strdup(rp);
    fd->rel_message = al_strdup(rm);
  }
  *out = fd;
  return true;
}

al_cache_entry *al_cache_read(al_cache *c, const al_file *f, uint64_t key, const al_map *by_abs, uint64_t manifest) {
  char *p = entry_path(c, key);
  /* read whole, then parse: json_load_file reads a character at a time */
  FILE *fh = fopen(p, "rb");
  free(p);
  if (!fh) return NULL;
  al_buf b = {0};
  char chunk[16384];
  size_t nread;
  while ((nread = fread(chunk, 1, sizeof chunk, fh)) > 0) al_buf_add(&b, chunk, nread);
  fclose(fh);
  json_error_t je;
  json_t *root = b.len ? json_loadb(b.data, b.len, 0, &je) : NULL;
  al_buf_free(&b);
  if (!root) return NULL;
  al_cache_entry *e = al_calloc(1, sizeof *e);
  bool ok = json_integer_value(json_object_get(root, "format")) == CACHE_FORMAT;
  e->fresh = true;
  json_t *man = json_object_get(root, "manifest");
  if (ok && man) {
    char *m = hex64(manifest);
    e->fresh = json_is_string(man) && !strcmp(json_string_value(man), m);
    free(m);
  }
  size_t i;
  json_t *d;
  json_array_foreach(json_object_get(root, "deps"), i, d) {
    if (!ok) break;
    const char *dp = json_string_value(json_array_get(d, 0)), *dh = json_string_value(json_array_get(d, 1));
    al_file *g = dp ? al_map_get(by_abs, dp) : NULL;
    if (!g || !(g->loaded || g->known) || !dh) {
      e->fresh = false; /* gone, unreadable, or a damaged entry */
      continue;
    }
    char *now = hex64(g->content_hash);
    if (strcmp(now, dh)) e->fresh = false;
    free(now);
    al_vec_push(&e->deps, g);
  }
  json_t *o;
  json_array_foreach(json_object_get(root, "findings"), i, o) {
    al_finding *fd;
    if (!ok || !(ok = finding_from(o, f, &fd))) break;
    al_vec_push(&e->findings, fd);
  }
  json_decref(root);
  if (!ok) {
    al_cache_entry_free(e);
    return NULL;
  }
  return e;
}

void al_cache_entry_free(al_cache_entry *e) {
  if (!e) return;
  for (size_t k = 0; k < e->findings.len; k++) al_finding_free(e->findings.items[k]);
  al_vec_free(&e->findings);
  al_vec_free(&e->deps);
  free(e);
}

void al_cache_store(al_cache *c, const al_file *f, uint64_t key, const al_vec *deps, bool open_imports,
                    uint64_t manifest) {
  json_t *root = json_object();
  json_object_set_new(root, "format", json_integer(CACHE_FORMAT));
  json_t *pj = json_string(f->abs);
  json_object_set_new(root, "path", pj ? pj : json_null());
  if (open_imports) {
    char *m = hex64(manifest);
    json_object_set_new(root, "manifest", json_string(m));
    free(m);
  }
  json_t *dj = json_array();
  for (size_t i = 0; i < deps->len; i++) {
    const al_file *g = deps->items[i];
    json_t *s = json_string(g->abs);
    if (!s) { /* a path that is not UTF-8: no entry (it could not be matched again) */
      json_decref(dj);
      json_decref(root);
      return;
    }
    char *h = hex64(g->content_hash);
    json_array_append_new(dj, json_pack("[os]", s, h));
    free(h);
  }
  json_object_set_new(root, "deps", dj);
  json_t *fj = json_array();
  for (size_t i = 0; i < f->findings.len; i++) {
    const al_finding *fd = f->findings.items[i];
    json_t *o = json_object();
    json_t *msg = json_string(fd->message);
    if (!msg) { /* message quoting bytes that are not UTF-8: not cached */
      json_decref(o);
      json_decref(fj);
      json_decref(root);
      return;
    }
    json_object_set_new(o, "code", json_string(fd->code));
    json_object_set_new(o, "message", msg);
    json_object_set_new(o, "severity", json_integer(fd->severity));
    json_object_set_new(o, "span", span_json(&fd->span, fd->end_line, fd->end_col));
    if (fd->fix) {
      json_t *edits = json_array();
      for (size_t e = 0; e < fd->fix->nedits; e++) {
        json_t *t = json_string(fd->fix->edits[e].text);
        json_array_append_new(edits, json_pack("[IIo]", (json_int_t)fd->fix->edits[e].start,
                                               (json_int_t)fd->fix->edits[e].end, t ? t : json_null()));
      }
      json_t *title = json_string(fd->fix->title);
      json_object_set_new(o, "fix", json_pack("{s:o,s:i,s:o}", "title", title ? title : json_string(""), "safety",
                                              (int)fd->fix->safety, "edits", edits));
    }
    if (fd->rel_path) {
      json_t *rp = json_string(fd->rel_path), *rm = json_string(fd->rel_message ? fd->rel_message : "");
      if (rp && rm) json_object_set_new(o, "related", json_pack("{s:o,s:o,s:o}", "path", rp, "message", rm, "span",
                                                                span_json(&fd->rel_span, 0, 0)));
      else json_decref(rp), json_decref(rm);
    }
    json_array_append_new(fj, o);
  }
  json_object_set_new(root, "findings", fj);
  char *p = entry_path(c, key);
  char *tmp = al_fmt("%s.%ld.tmp", p, (long)getpid());
  if (json_dump_file(root, tmp, JSON_COMPACT) == 0) {
    if (rename(tmp, p) < 0) unlink(tmp);
  } else {
    unlink(tmp);
  }
  free(tmp);
  free(p);
  json_decref(root);
}

/* ---- the stat table ---- */
#define STAT_TABLE_MAGIC "asynclint-stat-table 1"
#define RACY_NS 2000000000LL

typedef struct stat_entry {
  al_file_stat st;
  uint64_t hash;
} stat_entry;

struct al_stat_table {
  al_map by_path; /* canonical path -> stat_entry* */
  int64_t began_ns;
};

static void free_entry(const char *key, void *val, void *ctx) {
  (void)key;
  (void)ctx;
  free(val);
}

void al_stat_table_free(al_stat_table *t) {
  if (!t) return;
  al_map_each(&t->by_path, free_entry, NULL);
  al_map_free(&t->by_path);
  free(t);
}

al_stat_table *al_stat_table_read(const al_cache *c) {
  char *p = al_fmt("%s/stat-table", c->dir);
  FILE *fh = fopen(p, "rb");
  free(p);
  if (!fh) return NULL;
  al_stat_table *t = al_calloc(1, sizeof *t);
  char *line = NULL;
  size_t cap = 0;
  ssize_t n = getline(&line, &cap, fh);
  long long began = 0;
  if (n <= 0 || sscanf(line, STAT_TABLE_MAGIC " %lld", &began) != 1) {
    free(line);
    fclose(fh);
    free(t);
    return NULL;
  }
  t->began_ns = began;
  while ((n = getline(&line, &cap, fh)) > 0) {
    if (line[n - 1] != '\n') break; /* a cut line: the end of a damaged table */
    line[n - 1] = 0;
    unsigned long long dev, ino, size, hash;
    long long mt, ct;
    int at = 0;
    if (sscanf(line, "%llu %llu %llu %lld %lld %llx %n", &dev, &ino, &size, &mt, &ct, &hash, &at) != 6 || !at ||
        !line[at])
      continue;
    stat_entry *e = al_calloc(1, sizeof *e);
    e->st = (al_file_stat){true, dev, ino, size, mt, ct};
    e->hash = hash;
    void *old = al_map_put(&t->by_path, line + at, e);
    free(old);
  }
  free(line);
  fclose(fh);
  return t;
}

bool al_stat_table_lookup(const al_stat_table *t, const char *abs, const al_file_stat *st, uint64_t *hash) {
  if (!t || !st->ok) return false;
  const stat_entry *e = al_map_get(&t->by_path, abs);
  if (!e || e->st.dev != st->dev || e->st.ino != st->ino || e->st.size != st->size ||
      e->st.mtime_ns != st->mtime_ns || e->st.ctime_ns != st->ctime_ns)
    return false;
  if (e->st.mtime_ns > t->began_ns - RACY_NS || e->st.ctime_ns > t->began_ns - RACY_NS) return false;
  *hash = e->hash;
  return true;
}

void al_stat_table_write(const al_cache *c, const al_run *run, int64_t began_ns) {
  char *p = al_fmt("%s/stat-table", c->dir);
  char *tmp = al_fmt("%s.%ld.tmp", p, (long)getpid());
  FILE *fh = fopen(tmp, "wb");
  if (fh) {
    fprintf(fh, STAT_TABLE_MAGIC " %lld\n", (long long)began_ns);
    for (size_t i = 0; i < run->nfiles; i++) {
      const al_file *f = &run->files[i];
      if (!f->st.ok || !(f->loaded || f->known) || f->error || f->warning || !f->abs || strchr(f->abs, '\n'))
        continue;
      fprintf(fh, "%llu %llu %llu %lld %lld %016llx %s\n", (unsigned long long)f->st.dev,
              (unsigned long long)f->st.ino, (unsigned long long)f->st.size, (long long)f->st.mtime_ns,
              (long long)f->st.ctime_ns, (unsigned long long)f->content_hash, f->abs);
    }
    if (fclose(fh) == 0 && rename(tmp, p) == 0) tmp[0] = 0;
  }
  if (tmp[0]) unlink(tmp);
  free(tmp);
  free(p);
}
