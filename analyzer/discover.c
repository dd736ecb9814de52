/* discover: a non-recursive directory walk (explicit stack) that skips what linters
 * skip and honours .gitignore files from the repository root down. */
#include "discover.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "source.h"

static const char *const skip_dirs[] = {
    ".git", ".hg", ".svn", "node_modules", "__pycache__", ".venv", "venv", ".tox", ".nox",
    ".mypy_cache", ".pytest_cache", ".ruff_cache", ".asynclint_cache", "build", "dist", "_build",
    "site-packages", ".eggs", "bower_components", NULL};

/* ---- glob ---- */
static bool class_match(const char **pp, char c) {
  const char *p = *pp + 1;
  bool neg = *p == '!' || *p == '^';
  if (neg) p++;
  bool hit = false;
  bool first = true;
  while (*p && (first || *p != ']')) {
    first = false;
    if (p[1] == '-' && p[2] && p[2] != ']') {
      if (c >= p[0] && c <= p[2]) hit = true;
      p += 3;
    } else {
      if (c == *p) hit = true;
      p++;
    }
  }
  if (*p != ']') return false; /* unterminated: treat as no match */
  *pp = p + 1;
  return hit != neg;
}

static bool glob_rec(const char *p, const char *s, int *budget) {
  while (*p) {
    if (--*budget <= 0) return false;
    if (p[0] == '*' && p[1] == '*') {
      p += 2;
      if (*p == '/') p++;
      for (const char *t = s;; t++) {
        if (glob_rec(p, t, budget)) return true;
        if (!*t) return false;
      }
    }
    if (*p == '*') {
      p++;
      for (const char *t = s;; t++) {
        if (glob_rec(p, t, budget)) return true;
        if (!*t || *t == '/') return false;
      }
    }
    if (!*s) return false;
    if (*p == '?') {
      if (*s == '/') return false;
      p++;
      s++;
      continue;
    }
    if (*p == '[') {
      const char *q = p;
      if (*s == '/' || !class_match(&q, *s)) return false;
      p = q;
      s++;
      continue;
    }
    if (*p == '\\' && p[1]) p++;
    if (*p != *s) return false;
    p++;
    s++;
  }
  return *s == 0;
}

bool al_glob_match(const char *pat, const char *str) {
  int budget = 200000;
  return glob_rec(pat, str, &budget);
}

/* ---- .gitignore ---- */
typedef struct ign_rule {
  char *pat;
  bool neg, dir_only, anchored;
} ign_rule;

typedef struct ign_set {
  char *base; /* folder holding the .gitignore (no trailing slash) */
  ign_rule *rules;
  size_t n;
  struct ign_set *parent;
} ign_set;

static ign_set *ign_load(const char *dir, ign_set *parent, al_vec *all) {
  char *path = al_fmt("%s/.gitignore", dir);
  FILE *fp = fopen(path, "r");
  free(path);
  if (!fp) return parent;
  ign_set *s = al_calloc(1, sizeof *s);
  s->base = al_strdup(dir);
  s->parent = parent;
  char line[4096];
  size_t cap = 0;
  while (fgets(line, sizeof line, fp)) {
    size_t len = strcspn(line, "\r\n");
    line[len] = 0;
    while (len && line[len - 1] == ' ' && (len < 2 || line[len - 2] != '\\')) line[--len] = 0;
    if (!len || line[0] == '#') continue;
    ign_rule r = {0};
    char *p = line;
    if (*p == '!') {
      r.neg = true;
      p++;
    }
    size_t pl = strlen(p);
    if (pl && p[pl - 1] == '/') {
      r.dir_only = true;
      p[--pl] = 0;
    }
    if (!pl) continue;
    if (strchr(p, '/')) r.anchored = true;
    if (*p == '/') p++;
    r.pat = al_strdup(p);
    if (s->n == cap) {
      cap = cap ? cap * 2 : 16;
      s->rules = al_realloc(s->rules, cap * sizeof *s->rules);
    }
    s->rules[s->n++] = r;
  }
  fclose(fp);
  al_vec_push(all, s);
  return s;
}

/* Is path (absolute-ish, under the sets' bases) ignored? Later rules and deeper files win. */
static bool ign_match(const ign_set *s, const char *path, bool is_dir) {
  for (; s; s = s->parent) {
    size_t bl = strlen(s->base);
    if (strncmp(path, s->base, bl) != 0 || (path[bl] != '/' && bl != 0)) continue;
    const char *rel = path + bl + (bl ? 1 : 0);
    const char *base = strrchr(rel, '/');
    base = base ? base + 1 : rel;
    for (size_t i = s->n; i-- > 0;) {
      const ign_rule *r = &s->rules[i];
      if (r->dir_only && !is_dir) continue;
      if (al_glob_match(r->pat, r->anchored ? rel : base)) return !r->neg;
    }
  }
  return false;
}

static void ign_free_all(al_vec *all) {
  for (size_t i = 0; i < all->len; i++) {
    ign_set *s = all->items[i];
    for (size_t k = 0; k < s->n; k++) free(s->rules[k].pat);
    free(s->rules);
    free(s->base);
    free(s);
  }
  al_vec_free(all);
}

/* .gitignore files of the folders above dir, up to the repository root (the folder with .git). */
static ign_set *ign_ancestors(const char *dir, al_vec *all) {
  char *abs = realpath(dir, NULL);
  if (!abs) return NULL;
  al_vec chain = {0};
  char *cur = al_strdup(abs);
  bool found_root = false;
  for (int level = 0; level < 128; level++) {
    char *git = al_fmt("%s/.git", cur);
    struct stat st;
    bool root = stat(git, &st) == 0;
    free(git);
    char *slash = strrchr(cur, '/');
    if (root) {
      found_root = true;
      al_vec_push(&chain, al_strdup(cur));
      break;
    }
    al_vec_push(&chain, al_strdup(cur));
    if (!slash || slash == cur) break;
    *slash = 0;
  }
  ign_set *s = NULL;
  /* chain[0] is dir itself (loaded by the walk); apply the ancestors root-first. */
  for (size_t i = chain.len; i-- > 1;)
    if (found_root) s = ign_load(chain.items[i], s, all);
  for (size_t i = 0; i < chain.len; i++) free(chain.items[i]);
  al_vec_free(&chain);
  free(cur);
  free(abs);
  return s;
}

static bool skip_dir_name(const char *name) {
  for (int i = 0; skip_dirs[i]; i++)
    if (!strcmp(name, skip_dirs[i])) return true;
  return al_ends_with(name, ".egg-info");
}

static bool has_file(const char *dir, const char *name) {
  char *p = al_fmt("%s/%s", dir, name);
  struct stat st;
  bool r = stat(p, &st) == 0;
  free(p);
  return r;
}

typedef struct walk_item {
  char *path; /* display path */
  char *abs;  /* for .gitignore matching */
  ign_set *ign;
} walk_item;

static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

static void walk_dir(const char *root, al_discovery *out, al_vec *ign_all) {
  al_vec stack = {0};
  walk_item *first = al_calloc(1, sizeof *first);
  first->path = al_strdup(root);
  char *abs = realpath(root, NULL);
  first->abs = abs ? abs : al_strdup(root);
  first->ign = ign_ancestors(root, ign_all);
  al_vec_push(&stack, first);
  while (stack.len) {
    walk_item *it = stack.items[--stack.len];
    ign_set *ign = ign_load(it->abs, it->ign, ign_all);
    DIR *d = opendir(it->path);
    if (!d) {
      al_vec_push(&out->errors, al_fmt("%s: cannot open folder: %s", it->path, strerror(errno)));
    } else {
      al_vec names = {0};
      struct dirent *e;
      while ((e = readdir(d))) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
        al_vec_push(&names, al_strdup(e->d_name));
      }
      closedir(d);
      if (names.len > 1) qsort(names.items, names.len, sizeof *names.items, cmp_str);
      /* Push folders in reverse so they pop in sorted order. */
      for (size_t i = names.len; i-- > 0;) {
        const char *name = names.items[i];
        char *path = strcmp(it->path, ".") ? al_fmt("%s%s%s", it->path, al_ends_with(it->path, "/") ? "" : "/", name)
                                          : al_strdup(name);
        char *apath = al_fmt("%s/%s", it->abs, name);
        struct stat lst, st;
        bool is_link = lstat(path, &lst) == 0 && S_ISLNK(lst.st_mode);
        bool ok = stat(path, &st) == 0;
        bool is_dir = ok && S_ISDIR(st.st_mode);
        if (is_dir && !is_link && !skip_dir_name(name) && !ign_match(ign, apath, true) &&
            !has_file(path, "pyvenv.cfg") && !has_file(path, "CMakeCache.txt")) {
          walk_item *sub = al_calloc(1, sizeof *sub);
          sub->path = path;
          sub->abs = apath;
          sub->ign = ign;
          al_vec_push(&stack, sub);
          path = apath = NULL;
        } else if (!is_dir && al_lang_from_path(name) != AL_LANG_NONE && !ign_match(ign, apath, false)) {
          /* Dangling links and link loops are kept: loading them reports a clear error. */
          al_vec_push(&out->files, path);
          path = NULL;
        }
        free(path);
        free(apath);
      }
      for (size_t i = 0; i < names.len; i++) free(names.items[i]);
      al_vec_free(&names);
    }
    free(it->path);
    free(it->abs);
    free(it);
  }
  al_vec_free(&stack);
}

void al_discover(const char *const *paths, int n, al_discovery *out) {
  memset(out, 0, sizeof *out);
  al_vec ign_all = {0};
  for (int i = 0; i < n; i++) {
    struct stat st;
    if (stat(paths[i], &st) != 0) {
      struct stat lst;
      if (lstat(paths[i], &lst) == 0) { /* a broken link given by name: let loading say why */
        al_vec_push(&out->files, al_strdup(paths[i]));
        continue;
      }
      al_vec_push(&out->errors, al_fmt("%s: %s", paths[i], strerror(errno)));
      out->missing++;
      continue;
    }
    if (S_ISDIR(st.st_mode)) walk_dir(paths[i], out, &ign_all);
    else al_vec_push(&out->files, al_strdup(paths[i]));
  }
  ign_free_all(&ign_all);
  if (out->files.len > 1) qsort(out->files.items, out->files.len, sizeof *out->files.items, cmp_str);
  size_t w = 0;
  for (size_t i = 0; i < out->files.len; i++) {
    if (w && !strcmp(out->files.items[w - 1], out->files.items[i])) free(out->files.items[i]);
    else out->files.items[w++] = out->files.items[i];
  }
  out->files.len = w;
}

void al_discovery_free(al_discovery *d) {
  for (size_t i = 0; i < d->files.len; i++) free(d->files.items[i]);
  for (size_t i = 0; i < d->errors.len; i++) free(d->errors.items[i]);
  al_vec_free(&d->files);
  al_vec_free(&d->errors);
}
