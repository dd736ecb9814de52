/* source: file loading with the checks every front end relies on, and the line map.
 * Errors come back as one-line strings; nothing here prints. */
#include "source.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util.h"

const char *al_lang_name(al_lang lang) {
  switch (lang) {
  case AL_LANG_PYTHON: return "python";
  case AL_LANG_JS: return "javascript";
  case AL_LANG_C: return "c";
  default: return "none";
  }
}

bool al_is_typescript_path(const char *path) {
  const char *dot = path ? strrchr(path, '.') : NULL;
  return dot && (!strcmp(dot, ".ts") || !strcmp(dot, ".mts") || !strcmp(dot, ".cts") || !strcmp(dot, ".tsx"));
}

bool al_is_declaration_path(const char *path) {
  return path && (al_ends_with(path, ".d.ts") || al_ends_with(path, ".d.mts") || al_ends_with(path, ".d.cts"));
}

al_lang al_lang_from_path(const char *path) {
  const char *dot = strrchr(path, '.');
  const char *slash = strrchr(path, '/');
  if (!dot || (slash && dot < slash)) return AL_LANG_NONE;
  dot++;
  if (!strcmp(dot, "py") || !strcmp(dot, "pyi")) return AL_LANG_PYTHON;
  if (!strcmp(dot, "js") || !strcmp(dot, "mjs") || !strcmp(dot, "cjs") || !strcmp(dot, "jsx") || !strcmp(dot, "ts") ||
      !strcmp(dot, "mts") || !strcmp(dot, "cts") || !strcmp(dot, "tsx"))
    return AL_LANG_JS; /* TypeScript: the JavaScript front end over the TypeScript grammar */
  if (!strcmp(dot, "c") || !strcmp(dot, "h")) return AL_LANG_C;
  return AL_LANG_NONE;
}

long al_utf8_invalid_at(const char *text, size_t len) {
  const unsigned char *p = (const unsigned char *)text;
  size_t i = 0;
  while (i < len) {
    /* ASCII (nearly all source text) eight bytes at a time */
    uint64_t word;
    while (i + 8 <= len && (memcpy(&word, p + i, 8), !(word & 0x8080808080808080ull))) i += 8;
    if (i >= len) break;
    unsigned c = p[i];
    if (c < 0x80) { i++; continue; }
    size_t n;
    unsigned min;
    if ((c & 0xE0) == 0xC0) { n = 1; min = 0x80; c &= 0x1F; }
    else if ((c & 0xF0) == 0xE0) { n = 2; min = 0x800; c &= 0x0F; }
    else if ((c & 0xF8) == 0xF0) { n = 3; min = 0x10000; c &= 0x07; }
    else return (long)i;
    unsigned cp = c;
    for (size_t k = 1; k <= n; k++) {
      if (i + k >= len || (p[i + k] & 0xC0) != 0x80) return (long)i;
      cp = (cp << 6) | (p[i + k] & 0x3F);
    }
    if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return (long)i;
    i += n + 1;
  }
  return -1;
}

/* word[0, n) occurs in t[0, len): found by memchr for its letter at index k. */
static bool has_word(const char *t, size_t len, const char *word, size_t n, size_t k) {
  const char *end = t + len;
  for (const char *p = t + k; p < end; p++) {
    p = memchr(p, word[k], (size_t)(end - p));
    if (!p) return false;
    if ((size_t)(p - t) >= k && (size_t)(end - p) >= n - k && !memcmp(p - k, word, n)) return true;
  }
  return false;
}

static void build_lines(al_source *s) {
  uint32_t cap = 64, n = 0;
  uint32_t *ls = al_malloc(cap * sizeof *ls);
  ls[n++] = 0;
  const char *t = s->text, *end = t + s->len;
  /* \n, \r\n and a lone \r all end a line (as in Python's and JS's own rules); a text
   * without \r (nearly all) is scanned for \n with memchr */
  bool cr = s->len && memchr(t, '\r', s->len) != NULL;
  for (const char *p = t; p < end; p++) {
    if (!cr) {
      p = memchr(p, '\n', (size_t)(end - p));
      if (!p) break;
    } else if (*p != '\n' && !(*p == '\r' && (p + 1 >= end || p[1] != '\n'))) {
      continue;
    }
    if (n == cap) {
      cap *= 2;
      ls = al_realloc(ls, cap * sizeof *ls);
    }
    ls[n++] = (uint32_t)(p - t + 1);
  }
  s->line_starts = ls;
  s->nlines = n;
  static _Atomic uint64_t serials;
  s->serial = ++serials;
  s->pylint_line = 0;
  bool pylint = s->lang == AL_LANG_PYTHON && has_word(s->text, s->len, "pylint:", 7, 1);
  if (pylint) { /* (memmem only where the cheap scan saw one) */
    const char *m = memmem(s->text, s->len, "pylint:", 7);
    if (m) {
      uint32_t off = (uint32_t)(m - s->text), lo = 0, hi = n; /* the line holding it */
      while (hi - lo > 1) {
        uint32_t mid = (lo + hi) / 2;
        if (ls[mid] <= off) lo = mid;
        else hi = mid;
      }
      s->pylint_line = lo + 1;
    }
  }
  /* one scan here spares a scan of the line per finding (minified code: one long line);
   * by their rarest letters (`q` of noqa, `y` of asynclint) with memchr: glibc's memmem
   * took ~3 instructions a byte for each */
  s->has_markers = has_word(s->text, s->len, "noqa", 4, 2) || has_word(s->text, s->len, "asynclint", 9, 2) ||
                   pylint ||
                   (s->lang == AL_LANG_JS && (has_word(s->text, s->len, "eslint-", 7, 6) ||
                                              has_word(s->text, s->len, "biome-ignore", 12, 7)));
}

void al_source_from_text(al_source *s, const char *path, al_lang lang, const char *text, size_t len) {
  memset(s, 0, sizeof *s);
  s->path = al_strdup(path);
  s->lang = lang;
  s->text = al_strndup(text, len);
  s->len = len;
  s->bad_utf8 = al_utf8_invalid_at(text, len) >= 0;
  build_lines(s);
}

static struct {
  char *path, *text;
  size_t len;
} overlay;

void al_source_set_overlay(const char *path, const char *text, size_t len) {
  free(overlay.path);
  free(overlay.text);
  overlay.path = path ? al_strdup(path) : NULL;
  overlay.text = path ? al_strndup(text, len) : NULL;
  overlay.len = path ? len : 0;
}

const char *al_source_overlay(const char *path, size_t *len) {
  if (!overlay.path || !path || strcmp(path, overlay.path)) return NULL;
  if (len) *len = overlay.len;
  return overlay.text;
}

int al_source_load(al_source *s, const char *path, al_lang lang, char **err) {
  memset(s, 0, sizeof *s);
  size_t olen;
  const char *otext = al_source_overlay(path, &olen);
  if (otext) {
    const char *nul = memchr(otext, 0, olen);
    if (nul) {
      *err = al_fmt("skipped: binary input (NUL byte at offset %zu)", (size_t)(nul - otext));
      return -1;
    }
    al_source_from_text(s, path, lang, otext, olen);
    return 0;
  }
  int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
  if (fd < 0) {
    *err = al_fmt("cannot open: %s", strerror(errno));
    return -1;
  }
  struct stat st;
  if (fstat(fd, &st) < 0) {
    *err = al_fmt("cannot stat: %s", strerror(errno));
    close(fd);
    return -1;
  }
  if (!S_ISREG(st.st_mode)) {
    *err = al_fmt("not a regular file");
    close(fd);
    return -1;
  }
  if ((size_t)st.st_size > AL_MAX_FILE_SIZE) {
    *err = al_fmt("skipped: file is %lld MB, larger than the %zu MB limit", (long long)(st.st_size >> 20),
                  AL_MAX_FILE_SIZE >> 20);
    close(fd);
    return -1;
  }
  size_t cap = (size_t)st.st_size + 1, len = 0;
  char *buf = al_malloc(cap + 1);
  for (;;) {
    if (len == cap) {
      if (cap > AL_MAX_FILE_SIZE) {
        *err = al_fmt("skipped: file grew past the %zu MB limit while being read", AL_MAX_FILE_SIZE >> 20);
        free(buf);
        close(fd);
        return -1;
      }
      cap *= 2;
      buf = al_realloc(buf, cap + 1);
    }
    ssize_t r = read(fd, buf + len, cap - len);
    if (r < 0) {
      if (errno == EINTR) continue;
      *err = al_fmt("cannot read: %s", strerror(errno));
      free(buf);
      close(fd);
      return -1;
    }
    if (r == 0) break;
    len += (size_t)r;
  }
  close(fd);
  buf[len] = 0;
  const char *nul = memchr(buf, 0, len);
  if (nul) {
    *err = al_fmt("skipped: binary file (NUL byte at offset %zu)", (size_t)(nul - buf));
    free(buf);
    return -1;
  }
  s->path = al_strdup(path);
  s->lang = lang;
  s->text = buf;
  s->len = len;
  s->size = st.st_size;
  s->mtime_ns = (int64_t)st.st_mtim.tv_sec * 1000000000 + st.st_mtim.tv_nsec;
  s->bad_utf8 = al_utf8_invalid_at(buf, len) >= 0;
  build_lines(s);
  return 0;
}

void al_source_free(al_source *s) {
  free(s->path);
  free(s->text);
  free(s->line_starts);
  memset(s, 0, sizeof *s);
}

uint32_t al_source_line_of(const al_source *s, uint32_t off) {
  uint32_t lo = 0, hi = s->nlines;
  while (hi - lo > 1) {
    uint32_t mid = lo + (hi - lo) / 2;
    if (s->line_starts[mid] <= off) lo = mid;
    else hi = mid;
  }
  return lo + 1;
}

void al_source_position(const al_source *s, uint32_t off, uint32_t *line, uint32_t *col) {
  if (!s || !s->line_starts || !s->nlines) {
    *line = *col = 0;
    return;
  }
  *line = al_source_line_of(s, off);
  *col = off - s->line_starts[*line - 1] + 1;
}

const char *al_source_line(const al_source *s, uint32_t line, size_t *len) {
  if (line < 1 || line > s->nlines) {
    *len = 0;
    return "";
  }
  uint32_t start = s->line_starts[line - 1];
  uint32_t end = line < s->nlines ? s->line_starts[line] : (uint32_t)s->len;
  while (end > start && (s->text[end - 1] == '\n' || s->text[end - 1] == '\r')) end--;
  *len = end - start;
  return s->text + start;
}

bool al_source_declares_encoding(const al_source *s) {
  if (s->lang != AL_LANG_PYTHON) return false;
  for (uint32_t line = 1; line <= 2 && line <= s->nlines; line++) {
    size_t len;
    const char *t = al_source_line(s, line, &len);
    for (size_t i = 0; i + 7 < len; i++) {
      if (memcmp(t + i, "coding", 6) != 0 || (t[i + 6] != ':' && t[i + 6] != '=')) continue;
      size_t k = i + 7;
      while (k < len && (t[k] == ' ' || t[k] == '\t')) k++;
      size_t e = k;
      while (e < len && (t[e] == '-' || t[e] == '_' || t[e] == '.' || (t[e] >= '0' && t[e] <= '9') ||
                         ((t[e] | 0x20) >= 'a' && (t[e] | 0x20) <= 'z')))
        e++;
      bool utf8 = (e - k == 5 && !strncasecmp(t + k, "utf-8", 5)) || (e - k == 4 && !strncasecmp(t + k, "utf8", 4));
      return e > k && !utf8;
    }
  }
  return false;
}
