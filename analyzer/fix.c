/* fix: edit application, atomic writing and unified diffs. */
#include "fix.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

al_fix *al_fix_new(al_fix_safety safety, const char *title) {
  al_fix *fx = al_calloc(1, sizeof *fx);
  fx->safety = safety;
  fx->title = al_strdup(title);
  return fx;
}

void al_fix_add(al_fix *fx, uint32_t start, uint32_t end, const char *text) {
  fx->edits = al_realloc(fx->edits, (fx->nedits + 1) * sizeof *fx->edits);
  size_t i = fx->nedits++;
  while (i > 0 && fx->edits[i - 1].start > start) {
    fx->edits[i] = fx->edits[i - 1];
    i--;
  }
  fx->edits[i] = (al_edit){start, end, al_strdup(text)};
}

void al_fix_free(al_fix *fx) {
  if (!fx) return;
  for (size_t i = 0; i < fx->nedits; i++) free(fx->edits[i].text);
  free(fx->edits);
  free(fx->title);
  free(fx);
}

typedef struct flat_edit {
  const al_edit *e;
} flat_edit;

static int cmp_edit(const void *a, const void *b) {
  const al_edit *x = ((const flat_edit *)a)->e, *y = ((const flat_edit *)b)->e;
  if (x->start != y->start) return x->start < y->start ? -1 : 1;
  return x->end < y->end ? -1 : x->end > y->end;
}

static bool overlaps(const al_edit *a, const al_edit *b) {
  /* Two insertions at the same point conflict too (their order would be arbitrary). */
  if (a->start == b->start) return true;
  return a->start < b->end && b->start < a->end;
}

char *al_fix_apply(const al_source *src, al_fix *const *fixes, size_t n, size_t *applied, size_t *out_len) {
  al_vec accepted = {0}; /* al_edit* */
  *applied = 0;
  for (size_t i = 0; i < n; i++) {
    const al_fix *fx = fixes[i];
    bool ok = true;
    for (size_t k = 0; k < fx->nedits && ok; k++) {
      if (fx->edits[k].end > src->len || fx->edits[k].start > fx->edits[k].end) ok = false;
      for (size_t j = 0; j < k && ok; j++) /* a fix whose own edits overlap is malformed */
        if (overlaps(&fx->edits[k], &fx->edits[j])) ok = false;
      for (size_t j = 0; j < accepted.len && ok; j++)
        if (overlaps(&fx->edits[k], accepted.items[j])) ok = false;
    }
    if (!ok) continue;
    for (size_t k = 0; k < fx->nedits; k++) al_vec_push(&accepted, &fx->edits[k]);
    (*applied)++;
  }
  flat_edit *fl = al_calloc(accepted.len ? accepted.len : 1, sizeof *fl);
  for (size_t i = 0; i < accepted.len; i++) fl[i].e = accepted.items[i];
  if (accepted.len > 1) qsort(fl, accepted.len, sizeof *fl, cmp_edit);
  /* a file whose first line ends in CRLF gets CRLF in the inserted lines too */
  const char *nl = memchr(src->text, '\n', src->len);
  bool crlf = nl && nl > src->text && nl[-1] == '\r';
  al_buf b = {0};
  uint32_t pos = 0;
  for (size_t i = 0; i < accepted.len; i++) {
    al_buf_add(&b, src->text + pos, fl[i].e->start - pos);
    const char *t = fl[i].e->text;
    if (!crlf) al_buf_puts(&b, t);
    else
      for (size_t k = 0; t[k]; k++) {
        bool prev_cr = k ? t[k - 1] == '\r' : (fl[i].e->start > 0 && src->text[fl[i].e->start - 1] == '\r');
        if (t[k] == '\n' && !prev_cr) al_buf_add(&b, "\r", 1);
        al_buf_add(&b, t + k, 1);
      }
    pos = fl[i].e->end;
  }
  al_buf_add(&b, src->text + pos, src->len - pos);
  free(fl);
  al_vec_free(&accepted);
  *out_len = b.len;
  return al_buf_steal(&b);
}

int al_fix_write(const al_source *src, const char *text, size_t len, char **err) {
  struct stat st;
  if (stat(src->path, &st) < 0) {
    *err = al_fmt("not fixed: %s", strerror(errno));
    return -1;
  }
  int64_t mtime = (int64_t)st.st_mtim.tv_sec * 1000000000 + st.st_mtim.tv_nsec;
  if (st.st_size != src->size || mtime != src->mtime_ns) {
    *err = al_fmt("not fixed: the file changed since it was read");
    return -1;
  }
  char *tmp = al_fmt("%s.asynclint-XXXXXX", src->path);
  int fd = mkstemp(tmp);
  if (fd < 0) {
    *err = al_fmt("not fixed: cannot create a temporary file: %s", strerror(errno));
    free(tmp);
    return -1;
  }
  size_t off = 0;
  int rc = 0;
  while (off < len) {
    ssize_t w = write(fd, text + off, len - off);
    if (w < 0) {
      if (errno == EINTR) continue;
      rc = -1;
      break;
    }
    off += (size_t)w;
  }
  if (rc == 0 && (fchmod(fd, st.st_mode & 07777) < 0 || fsync(fd) < 0)) rc = -1;
  int saved = errno;
  if (close(fd) < 0 && rc == 0) rc = -1, saved = errno;
  /* A last look just before the rename narrows the window for a concurrent edit. */
  struct stat again;
  if (rc == 0 && (stat(src->path, &again) < 0 || again.st_size != st.st_size ||
                  again.st_mtim.tv_sec != st.st_mtim.tv_sec || again.st_mtim.tv_nsec != st.st_mtim.tv_nsec)) {
    unlink(tmp);
    free(tmp);
    *err = al_fmt("not fixed: the file changed while the fix was being written");
    return -1;
  }
  if (rc == 0 && getenv("ASYNCLINT_TEST_FAIL_RENAME")) rc = -1, saved = EIO; /* tests: a failed commit */
  if (rc == 0 && rename(tmp, src->path) < 0) rc = -1, saved = errno;
  if (rc < 0) {
    unlink(tmp);
    *err = al_fmt("not fixed: cannot write: %s", strerror(saved));
  }
  free(tmp);
  return rc;
}

/* ---- unified diff over the changed line ranges ---- */
typedef struct lines {
  const char *text;
  size_t len;
  al_vec starts; /* offsets, as (void*)(uintptr_t) */
} lines;

static void split_lines(lines *l, const char *text, size_t len) {
  l->text = text;
  l->len = len;
  memset(&l->starts, 0, sizeof l->starts);
  size_t s = 0;
  for (size_t i = 0; i < len; i++)
    if (text[i] == '\n') {
      al_vec_push(&l->starts, (void *)(uintptr_t)s);
      s = i + 1;
    }
  if (s < len) al_vec_push(&l->starts, (void *)(uintptr_t)s);
}

static size_t line_len(const lines *l, size_t i, bool *nl) {
  size_t s = (uintptr_t)l->starts.items[i];
  size_t e = i + 1 < l->starts.len ? (uintptr_t)l->starts.items[i + 1] : l->len;
  *nl = e > s && l->text[e - 1] == '\n';
  return e - s - (*nl ? 1 : 0);
}

static bool line_eq(const lines *a, size_t i, const lines *b, size_t j) {
  bool na, nb;
  size_t la = line_len(a, i, &na), lb = line_len(b, j, &nb);
  return la == lb && na == nb && !memcmp(a->text + (uintptr_t)a->starts.items[i], b->text + (uintptr_t)b->starts.items[j], la);
}

static void emit(const lines *l, size_t i, char mark, FILE *out) {
  bool nl;
  size_t n = line_len(l, i, &nl);
  fputc(mark, out);
  fwrite(l->text + (uintptr_t)l->starts.items[i], 1, n, out);
  fputc('\n', out);
  if (!nl) fputs("\\ No newline at end of file\n", out);
}

void al_fix_diff(const al_source *src, const char *text, size_t len, FILE *out) {
  lines a, b;
  split_lines(&a, src->text, src->len);
  split_lines(&b, text, len);
  /* Fixes only insert and replace locally: the common prefix and suffix of lines
   * bound one changed region per gap; walk them greedily with a small lookahead. */
  size_t na = a.starts.len, nb = b.starts.len;
  size_t i = 0, j = 0, last = 0;
  bool header = false;
  while (i < na || j < nb) {
    if (i < na && j < nb && line_eq(&a, i, &b, j)) {
      i++, j++;
      continue;
    }
    /* A change starts at (i, j): find where the two sides agree again. */
    size_t ei = i, ej = j;
    bool found = false;
    for (size_t span = 1; span <= 64 && !found; span++)
      for (size_t di = 0; di <= span && !found; di++) {
        size_t dj = span - di;
        size_t ii = i + di, jj = j + dj;
        if (ii <= na && jj <= nb && (ii == na ? jj == nb : (jj < nb && line_eq(&a, ii, &b, jj) &&
                                                              (ii + 1 >= na || jj + 1 >= nb || line_eq(&a, ii + 1, &b, jj + 1))))) {
          ei = ii, ej = jj, found = true;
        }
      }
    if (!found) ei = na, ej = nb;
    if (!header) {
      const char *pre = src->path[0] == '/' ? "" : "a/", *post = src->path[0] == '/' ? "" : "b/";
      fprintf(out, "--- %s%s\n+++ %s%s\n", pre, src->path, post, src->path);
      header = true;
    }
    size_t ci = i >= last + 3 ? i - 3 : last, cj = j - (i - ci);
    size_t ti = ei + 3 < na ? ei + 3 : na;
    size_t tj = ej + (ti - ei);
    if (tj > nb) tj = nb;
    fprintf(out, "@@ -%zu,%zu +%zu,%zu @@\n", ci + 1, ti - ci, cj + 1, tj - cj);
    for (size_t k = ci; k < i; k++) emit(&a, k, ' ', out);
    for (size_t k = i; k < ei; k++) emit(&a, k, '-', out);
    for (size_t k = j; k < ej; k++) emit(&b, k, '+', out);
    for (size_t k = ei; k < ti; k++) emit(&a, k, ' ', out);
    i = last = ti;
    j = tj;
  }
  al_vec_free(&a.starts);
  al_vec_free(&b.starts);
}
