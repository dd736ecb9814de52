/* diag: the one path findings take from a rule to the output: inline suppression,
 * message formatting, and names of families and severities. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kb.h"
#include "rule.h"

const char *al_family_name(al_family f) {
  switch (f) {
  case AL_FAMILY_MISSING_AWAIT: return "missing-await";
  case AL_FAMILY_BLOCKING: return "blocking-call";
  case AL_FAMILY_UNBOUNDED_GATHER: return "unbounded-gather";
  case AL_FAMILY_CANCELLATION: return "swallowed-cancellation";
  case AL_FAMILY_HYGIENE: return "hygiene";
  }
  return "?";
}

const char *al_severity_name(al_severity s) {
  return s == AL_SEV_ERROR ? "error" : s == AL_SEV_WARNING ? "warning" : "info";
}

/* Does the comma/space separated list starting at p (ending at stop) cover code?
 * A list entry covers a code it prefixes (AL1 covers AL101). */
static bool list_covers(const char *p, const char *stop, const char *code) {
  while (p < stop) {
    while (p < stop && (*p == ',' || *p == ' ' || *p == '\t')) p++;
    const char *s = p;
    while (p < stop && (isalnum((unsigned char)*p) || *p == '_')) p++;
    size_t n = (size_t)(p - s);
    if (n && n <= strlen(code) && !strncmp(s, code, n)) return true;
    if (p == s) break;
  }
  return false;
}

static const char *find_in(const char *line, size_t len, const char *needle) {
  size_t n = strlen(needle);
  for (size_t i = 0; i + n <= len; i++)
    if (!memcmp(line + i, needle, n)) return line + i;
  return NULL;
}

/* The directive m (found in [text, end)) covers code: `[AL101, AL2]` right after it,
 * or, ESLint's way, codes after a space (`asynclint-disable-line AL101 AL2`); neither:
 * every code. */
static bool directive_covers(const char *m, const char *end, const char *code) {
  if (m < end && *m == '[') {
    const char *close = memchr(m, ']', (size_t)(end - m));
    return list_covers(m + 1, close ? close : end, code);
  }
  const char *p = m;
  while (p < end && (*p == ' ' || *p == '\t')) p++;
  if (p == m || p >= end || strncmp(p, "AL", 2)) return true; /* no list (a comment's end, `--`, prose) */
  const char *stop = p;
  while (stop < end && (isalnum((unsigned char)*stop) || *stop == ',' || *stop == ' ' || *stop == '\t')) stop++;
  return list_covers(p, stop, code);
}

/* A directive on the line, or its end (m past the directive's name); NULL: none. */
static const char *directive(const char *text, size_t len, const char *name) {
  const char *m = find_in(text, len, name);
  if (!m) return NULL;
  m += strlen(name);
  /* `ignore` is not `ignore-next-line`, nor `disable-line` part of `disable-next-line` */
  return m < text + len && *m == '-' ? NULL : m;
}

/* A peer's suppression: the rule names in [p, stop) — separated by commas or spaces, up
 * to ESLint's `--` reason or Biome's `:` — include one that knowledge `peer_codes` maps
 * to codes covering code (`# noqa: ASYNC251` covers AL201, `// eslint-disable-next-line
 * no-await-in-loop` AL508). */
static bool peer_covers(al_lang lang, const char *p, const char *stop, const char *code) {
  const al_kb *kb = al_kb_for(lang);
  while (p < stop) {
    while (p < stop && (*p == ',' || *p == ' ' || *p == '\t')) p++;
    if (stop - p >= 2 && p[0] == '-' && p[1] == '-') break;
    const char *s = p;
    while (p < stop && *p != ',' && *p != ' ' && *p != '\t' && *p != ':' && !(p[0] == '*' && p + 1 < stop && p[1] == '/'))
      p++;
    char name[96];
    size_t n = (size_t)(p - s);
    if (!n) break;
    if (n < sizeof name) {
      memcpy(name, s, n);
      name[n] = 0;
      const al_kb_entry *e = al_kb_find(kb, "peer_codes", name);
      const char *codes = e ? al_kb_attr(e, "codes") : NULL;
      if (codes && list_covers(codes, codes + strlen(codes), code)) return true;
    }
    if (p < stop && *p == ':') break; /* `biome-ignore lint/a/b: why` */
  }
  return false;
}

/* The rules after an ESLint or Biome directive found at m on [.., end) (just past its
 * name: `eslint-disable-next-line` then ` rule, rule -- why`) cover code. */
static bool peer_directive_covers(al_lang lang, const char *m, const char *end, const char *code) {
  return m && m < end && (*m == ' ' || *m == '\t') && peer_covers(lang, m, end, code);
}

/* JavaScript: an ESLint region open at line: an `eslint-disable rule` block comment
 * naming a rule that covers code, before the line, with no `eslint-enable` after it
 * (one naming no rule, or that rule). */
static _Thread_local struct { /* where the last scan stopped: findings come in line order */
  uint64_t serial;
  char code[16];
  size_t at;
  bool off;
} eslint_memo;

static bool eslint_region(const al_source *src, uint32_t line, const char *code) {
  size_t len;
  const char *upto = al_source_line(src, line, &len);
  bool off = false;
  const char *t = src->text;
  if (src->serial && eslint_memo.serial == src->serial && !strcmp(eslint_memo.code, code) &&
      src->text + eslint_memo.at <= upto)
    t = src->text + eslint_memo.at, off = eslint_memo.off;
  while (t < upto) {
    const char *hit = memmem(t, (size_t)(upto - t), "eslint-", 7);
    if (!hit) break;
    const char *eol = memchr(hit, '\n', (size_t)(src->text + src->len - hit));
    if (!eol) eol = src->text + src->len;
    const char *m = hit + 7;
    if (!strncmp(m, "disable", 7) && (m[7] == ' ' || m[7] == '\t')) {
      if (peer_covers(src->lang, m + 7, eol, code)) off = true;
    } else if (!strncmp(m, "enable", 6)) {
      const char *r = m + 6;
      while (r < eol && (*r == ' ' || *r == '\t')) r++;
      if (r >= eol || (r[0] == '*' && r + 1 < eol && r[1] == '/') || peer_covers(src->lang, m + 6, eol, code))
        off = false;
    }
    t = hit + 7;
  }
  if (strlen(code) < sizeof eslint_memo.code) {
    /* resume at the line's start next time: a directive on the line itself is not yet seen */
    eslint_memo.serial = src->serial, eslint_memo.at = (size_t)(upto - src->text), eslint_memo.off = off;
    strcpy(eslint_memo.code, code);
  }
  return off;
}

/* Python: pylint's block-scoped disable — `# pylint: disable=lost-exception` on a line of
 * its own turns the message off from there to the end of the block it stands in (the
 * lines after it indented at least as deep; at the top level, the rest of the module),
 * until a `# pylint: enable=` of it on a line of its own. */
static _Thread_local struct { /* where the last scan stopped: findings come in line order */
  uint64_t serial;
  char code[16];
  uint32_t next;
  bool off;
  uint32_t indent;
} pylint_memo;

static bool pylint_block(const al_source *src, uint32_t line, const char *code) {
  if (!src->pylint_line || src->pylint_line >= line) return false;
  size_t len, ulen;
  const char *upto = al_source_line(src, line, &ulen);
  bool off = false;
  uint32_t indent = 0, l = src->pylint_line;
  if (src->serial && pylint_memo.serial == src->serial && !strcmp(pylint_memo.code, code) &&
      pylint_memo.next <= line && pylint_memo.next > l)
    l = pylint_memo.next, off = pylint_memo.off, indent = pylint_memo.indent;
  for (; l < line; l++) {
    const char *t = al_source_line(src, l, &len), *end = t + len;
    while (end > t && (end[-1] == '\n' || end[-1] == '\r')) end--;
    const char *p = t;
    while (p < end && (*p == ' ' || *p == '\t')) p++;
    if (p == end) continue; /* blank */
    uint32_t ind = (uint32_t)(p - t);
    if (*p != '#') {
      if (off && ind < indent) off = false; /* the block has ended */
      continue;
    }
    const char *m = find_in(p, (size_t)(end - p), "pylint:");
    if (!m) continue;
    m += 7;
    while (m < end && *m == ' ') m++;
    if (end - m > 8 && !strncmp(m, "disable=", 8) && peer_covers(src->lang, m + 8, end, code)) {
      off = true;
      indent = ind;
    } else if (end - m > 7 && !strncmp(m, "enable=", 7) && peer_covers(src->lang, m + 7, end, code)) {
      off = false;
    }
  }
  if (strlen(code) < sizeof pylint_memo.code) {
    pylint_memo.serial = src->serial, pylint_memo.next = line;
    pylint_memo.off = off, pylint_memo.indent = indent;
    strcpy(pylint_memo.code, code);
  }
  if (!off) return false;
  const char *p = upto; /* the finding's own line: still inside the block */
  while (p < upto + ulen && (*p == ' ' || *p == '\t')) p++;
  return (uint32_t)(p - upto) >= indent;
}

/* The whole file is exempt from code: `# asynclint: ignore-file[AL5]`, `// asynclint-disable-file
 * AL501`, Ruff's and flake8's `# ruff: noqa[: codes]` / `# flake8: noqa`. One scan of the file
 * per (source, rule), remembered per thread: findings of one rule come together, and a scan
 * per finding made a file with many findings quadratic. */
static bool file_exempt_scan(const al_source *src, const char *code) {
  const char *m;
  for (const char *t = src->text, *e = src->text + src->len; t < e;) {
    const char *hit = memmem(t, (size_t)(e - t), "asynclint", 9);
    if (!hit) break;
    const char *eol = memchr(hit, '\n', (size_t)(e - hit));
    if (!eol) eol = e;
    if ((m = directive(hit, (size_t)(eol - hit), "asynclint: ignore-file")) ||
        (m = directive(hit, (size_t)(eol - hit), "asynclint-disable-file"))) {
      if (directive_covers(m, eol, code)) return true;
    }
    t = hit + 9;
  }
  /* Ruff's and flake8's whole-file exemptions, on a line of their own: `# ruff: noqa`,
   * `# flake8: noqa` (every code), `# ruff: noqa: ASYNC251, AL1` (those) */
  for (const char *t = src->text, *e = src->text + src->len; src->lang == AL_LANG_PYTHON && t < e;) {
    const char *hit = memmem(t, (size_t)(e - t), ": noqa", 6);
    if (!hit) break;
    const char *bol = hit;
    while (bol > src->text && bol[-1] != '\n') bol--;
    const char *eol = memchr(hit, '\n', (size_t)(e - hit));
    if (!eol) eol = e;
    while (bol < hit && (*bol == ' ' || *bol == '\t')) bol++;
    size_t head = (size_t)(hit - bol);
    if ((head == 6 && !strncmp(bol, "# ruff", 6)) || (head == 8 && !strncmp(bol, "# flake8", 8))) {
      const char *p = hit + 6;
      while (p < eol && (*p == ' ' || *p == '\t' || *p == '\r')) p++;
      if (p == eol) return true;
      if (*p == ':' && (list_covers(p + 1, eol, code) || peer_covers(src->lang, p + 1, eol, code))) return true;
    }
    t = hit + 6;
  }
  return false;
}

static _Thread_local struct {
  uint64_t serial;
  char code[16];
  bool exempt;
} exempt_memo;

static bool file_exempt(const al_source *src, const char *code) {
  if (src->serial && exempt_memo.serial == src->serial && !strcmp(exempt_memo.code, code)) return exempt_memo.exempt;
  bool r = file_exempt_scan(src, code);
  if (strlen(code) < sizeof exempt_memo.code) {
    exempt_memo.serial = src->serial, exempt_memo.exempt = r;
    strcpy(exempt_memo.code, code);
  }
  return r;
}

bool al_suppressed(const al_source *src, uint32_t line, const char *code) {
  if (!src->has_markers) return false;
  size_t len;
  const char *text = al_source_line(src, line, &len);
  const char *end = text + len;
  const char *m;
  if ((m = directive(text, len, "asynclint: ignore")) || (m = directive(text, len, "asynclint-disable-line")))
    return directive_covers(m, end, code);
  if (src->lang == AL_LANG_PYTHON && (m = find_in(text, len, "# noqa"))) {
    m += strlen("# noqa");
    if (m >= end || *m != ':') return true;
    const char *stop = m + 1;
    while (stop < end && *stop != '#') stop++;
    return list_covers(m + 1, stop, code) || peer_covers(src->lang, m + 1, stop, code);
  }
  /* pylint's `# pylint: disable=lost-exception, W0702` on the line */
  if (src->lang == AL_LANG_PYTHON && (m = find_in(text, len, "pylint: disable=")) &&
      peer_covers(src->lang, m + strlen("pylint: disable="), end, code))
    return true;
  if (src->lang == AL_LANG_PYTHON && pylint_block(src, line, code)) return true;
  bool js = src->lang == AL_LANG_JS;
  if (js && peer_directive_covers(src->lang, directive(text, len, "eslint-disable-line"), end, code)) return true;
  if (line > 1) { /* on the line before: `// asynclint-disable-next-line AL101` */
    size_t plen;
    const char *prev = al_source_line(src, line - 1, &plen);
    if ((m = directive(prev, plen, "asynclint: ignore-next-line")) ||
        (m = directive(prev, plen, "asynclint-disable-next-line")))
      return directive_covers(m, prev + plen, code);
    if (js && (peer_directive_covers(src->lang, directive(prev, plen, "eslint-disable-next-line"), prev + plen, code) ||
               peer_directive_covers(src->lang, directive(prev, plen, "biome-ignore"), prev + plen, code)))
      return true;
  }
  if (js && eslint_region(src, line, code)) return true;
  return file_exempt(src, code);
}

static al_finding *report_v(al_sink *sink, const ir_node *at, al_fix *fix, const char *fmt, va_list ap) {
  if (al_suppressed(sink->file->src, at->span.line, sink->rule->code)) {
    al_fix_free(fix);
    return NULL;
  }
  al_finding *f = al_calloc(1, sizeof *f);
  f->fix = fix;
  f->path = sink->file->src->path;
  f->span = at->span;
  al_source_position(sink->file->src, at->span.end, &f->end_line, &f->end_col);
  f->code = sink->rule->code;
  f->name = sink->rule->name;
  f->severity = sink->rule->severity;
  if (vasprintf(&f->message, fmt, ap) < 0) f->message = al_strdup("(message too long)");
  al_vec_push(sink->out, f);
  return f;
}

void al_report(al_sink *sink, const ir_node *at, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  report_v(sink, at, NULL, fmt, ap);
  va_end(ap);
}

void al_report_fix(al_sink *sink, const ir_node *at, al_fix *fix, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  report_v(sink, at, fix, fmt, ap);
  va_end(ap);
}

void al_report_related(al_sink *sink, const ir_node *at, const ir_file *rel_file, const ir_node *rel,
                       const char *rel_msg, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  al_finding *f = report_v(sink, at, NULL, fmt, ap);
  va_end(ap);
  if (!f || !rel_file || !rel) return;
  f->rel_path = al_strdup(rel_file->src->path);
  f->rel_span = rel->span;
  f->rel_message = al_strdup(rel_msg ? rel_msg : "");
}

void al_finding_free(al_finding *f) {
  al_fix_free(f->fix);
  free(f->rel_path);
  free(f->rel_message);
  free(f->message);
  free(f);
}
