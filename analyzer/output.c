/* output: findings as text (path:line:col, code, message, source line with carets, or one
 * line each with --format concise, colour on a TTY), as stable JSON (an array, or JSON
 * lines), as SARIF 2.1.0 (jansson), as GitHub Actions workflow commands, as a GitLab Code
 * Quality report, as JUnit XML or in pylint's parseable format. */
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "baseline.h"
#include "driver.h"

#define C_RESET "\033[0m"
#define C_BOLD "\033[1m"
#define C_RED "\033[1;31m"
#define C_BLUE "\033[1;34m"
#define C_CYAN "\033[36m"

static void print_snippet(const al_source *src, const al_finding *fd, int color, FILE *out) {
  size_t len;
  const char *line = al_source_line(src, fd->span.line, &len);
  if (len > 400) return; /* minified code: the location is enough */
  char num[16];
  int w = snprintf(num, sizeof num, "%u", fd->span.line);
  fprintf(out, "%s%*s |%s\n", color ? C_BLUE : "", w, "", color ? C_RESET : "");
  fprintf(out, "%s%s |%s %.*s\n", color ? C_BLUE : "", num, color ? C_RESET : "", (int)len, line);
  size_t start = fd->span.col ? fd->span.col - 1 : 0;
  size_t end = fd->end_line == fd->span.line && fd->end_col > fd->span.col ? fd->end_col - 1 : len;
  if (start > len) start = len;
  if (end > len) end = len;
  if (end <= start) end = start + 1;
  fprintf(out, "%s%*s |%s ", color ? C_BLUE : "", w, "", color ? C_RESET : "");
  for (size_t i = 0; i < start; i++) fputc(line[i] == '\t' ? '\t' : ' ', out);
  if (color) fputs(C_RED, out);
  for (size_t i = start; i < end; i++) fputc('^', out);
  if (color) fputs(C_RESET, out);
  fputc('\n', out);
}

/* The last line of the text and concise formats. */
static void print_summary(const al_run *run, size_t files_with, FILE *out) {
  /* files that could not be read (binary, unreadable: each said so on stderr) were not checked */
  size_t checked = run->nchecked > run->nunread ? run->nchecked - run->nunread : 0;
  char unread[48] = "";
  if (run->nunread) snprintf(unread, sizeof unread, ", %zu not read", run->nunread);
  if (run->nfindings)
    fprintf(out, "Found %zu finding%s in %zu file%s (%zu checked%s).\n", run->nfindings, run->nfindings == 1 ? "" : "s",
            files_with, files_with == 1 ? "" : "s", checked, unread);
  else
    fprintf(out, "No findings (%zu file%s checked%s).\n", checked, checked == 1 ? "" : "s", unread);
}

void al_output_text(const al_run *run, const al_options *opts, FILE *out) {
  int color = opts->color;
  size_t files_with = 0;
  for (size_t i = 0; i < run->nfiles; i++) {
    const al_file *f = &run->files[i];
    if (f->findings.len) files_with++;
    for (size_t k = 0; k < f->findings.len; k++) {
      const al_finding *fd = f->findings.items[k];
      if (opts->format == AL_FMT_CONCISE) { /* one line per finding: grep, editors' error formats, CI logs */
        fprintf(out, "%s%s:%u:%u:%s %s%s%s%s %s\n", color ? C_BOLD : "", fd->path, fd->span.line, fd->span.col,
                color ? C_RESET : "", color ? C_RED : "", fd->code, color ? C_RESET : "",
                fd->fix ? (fd->fix->safety == AL_FIX_APPLY_SAFE ? " [*]" : " [-]") : "", fd->message);
        continue;
      }
      fprintf(out, "%s%s:%u:%u:%s %s%s%s [%s] %s\n", color ? C_BOLD : "", fd->path, fd->span.line, fd->span.col,
              color ? C_RESET : "", color ? C_RED : "", fd->code, color ? C_RESET : "", fd->name, fd->message);
      print_snippet(&f->src, fd, color, out);
      if (fd->rel_path)
        fprintf(out, "  %snote%s: %s:%u:%u: %s\n", color ? C_CYAN : "", color ? C_RESET : "", fd->rel_path,
                fd->rel_span.line, fd->rel_span.col, fd->rel_message);
      if (fd->fix)
        fprintf(out, "  %sfix%s: %s (%s)\n", color ? C_CYAN : "", color ? C_RESET : "", fd->fix->title,
                fd->fix->safety == AL_FIX_APPLY_SAFE ? "safe: --fix" : "unsafe: --fix --unsafe-fixes");
      fputc('\n', out);
    }
  }
  if (!opts->quiet) print_summary(run, files_with, out);
}

/* A JSON string even for bytes that are not UTF-8 (they become U+FFFD). */
static json_t *json_str_lossy(const char *s) {
  json_t *j = json_string(s);
  if (j) return j;
  al_buf b = {0};
  size_t n = strlen(s);
  for (size_t i = 0; i < n;) {
    long bad = al_utf8_invalid_at(s + i, n - i);
    size_t good = bad < 0 ? n - i : (size_t)bad;
    al_buf_add(&b, s + i, good);
    i += good;
    if (bad >= 0) {
      al_buf_puts(&b, "\xEF\xBF\xBD");
      i++;
    }
  }
  j = json_string(b.data ? b.data : "");
  al_buf_free(&b);
  return j ? j : json_string("?");
}

static json_t *finding_json(const al_finding *fd) {
  json_t *o = json_object();
  json_object_set_new(o, "path", json_str_lossy(fd->path));
  json_object_set_new(o, "line", json_integer(fd->span.line));
  json_object_set_new(o, "column", json_integer(fd->span.col));
  json_object_set_new(o, "end_line", json_integer(fd->end_line));
  json_object_set_new(o, "end_column", json_integer(fd->end_col));
  json_object_set_new(o, "code", json_string(fd->code));
  json_object_set_new(o, "name", json_string(fd->name));
  json_object_set_new(o, "severity", json_string(al_severity_name(fd->severity)));
  json_object_set_new(o, "message", json_str_lossy(fd->message)); /* may quote source bytes */
  if (fd->fix) {
    json_t *fx = json_object();
    json_object_set_new(fx, "title", json_str_lossy(fd->fix->title));
    json_object_set_new(fx, "safety", json_string(fd->fix->safety == AL_FIX_APPLY_SAFE ? "safe" : "unsafe"));
    json_t *edits = json_array();
    for (size_t e = 0; e < fd->fix->nedits; e++) {
      json_t *ed = json_object();
      json_object_set_new(ed, "start", json_integer(fd->fix->edits[e].start));
      json_object_set_new(ed, "end", json_integer(fd->fix->edits[e].end));
      json_object_set_new(ed, "text", json_str_lossy(fd->fix->edits[e].text));
      json_array_append_new(edits, ed);
    }
    json_object_set_new(fx, "edits", edits);
    json_object_set_new(o, "fix", fx);
  } else {
    json_object_set_new(o, "fix", json_null());
  }
  if (fd->rel_path) {
    json_t *rel = json_object();
    json_object_set_new(rel, "path", json_str_lossy(fd->rel_path));
    json_object_set_new(rel, "line", json_integer(fd->rel_span.line));
    json_object_set_new(rel, "column", json_integer(fd->rel_span.col));
    json_object_set_new(rel, "message", json_str_lossy(fd->rel_message));
    json_object_set_new(o, "related", rel);
  } else {
    json_object_set_new(o, "related", json_null());
  }
  return o;
}

static void dump_json(json_t *j, size_t flags, FILE *out) {
  char *s = json_dumps(j, flags | JSON_PRESERVE_ORDER);
  if (s) {
    fputs(s, out);
    fputc('\n', out);
    free(s);
  }
  json_decref(j);
}

void al_output_json(const al_run *run, FILE *out) {
  json_t *arr = json_array();
  for (size_t i = 0; i < run->nfiles; i++)
    for (size_t k = 0; k < run->files[i].findings.len; k++)
      json_array_append_new(arr, finding_json(run->files[i].findings.items[k]));
  dump_json(arr, JSON_INDENT(2), out);
}

/* --format json-lines: the same objects, one per line (streams, jq -c, log pipelines). */
static void output_json_lines(const al_run *run, FILE *out) {
  for (size_t i = 0; i < run->nfiles; i++)
    for (size_t k = 0; k < run->files[i].findings.len; k++)
      dump_json(finding_json(run->files[i].findings.items[k]), JSON_COMPACT, out);
}

/* --format gitlab: GitLab's Code Quality report (a subset of Code Climate's issue
 * format). Fingerprints are the baseline's (code, path, source line), with a count for
 * repeats, so an issue keeps its identity across commits that move it. */
static void output_gitlab(const al_run *run, FILE *out) {
  json_t *arr = json_array();
  for (size_t i = 0; i < run->nfiles; i++) {
    const al_file *f = &run->files[i];
    al_map seen = {0};
    for (size_t k = 0; k < f->findings.len; k++) {
      const al_finding *fd = f->findings.items[k];
      char *fp = al_finding_fingerprint(f, fd);
      size_t n = (size_t)(uintptr_t)al_map_get(&seen, fp);
      al_map_put(&seen, fp, (void *)(uintptr_t)(n + 1));
      char *id = n ? al_fmt("%s-%zu", fp, n) : al_strdup(fp);
      free(fp);
      json_t *o = json_object();
      char *desc = al_fmt("%s %s", fd->code, fd->message);
      json_object_set_new(o, "description", json_str_lossy(desc));
      free(desc);
      json_object_set_new(o, "check_name", json_string(fd->code));
      json_object_set_new(o, "fingerprint", json_string(id));
      free(id);
      json_object_set_new(o, "severity", json_string(fd->severity == AL_SEV_ERROR     ? "major"
                                                     : fd->severity == AL_SEV_WARNING ? "minor"
                                                                                      : "info"));
      json_t *loc = json_object(), *pos = json_object(), *b = json_object(), *e = json_object();
      json_object_set_new(loc, "path", json_str_lossy(fd->path));
      json_object_set_new(b, "line", json_integer(fd->span.line));
      json_object_set_new(b, "column", json_integer(fd->span.col));
      json_object_set_new(e, "line", json_integer(fd->end_line ? fd->end_line : fd->span.line));
      json_object_set_new(e, "column", json_integer(fd->end_col));
      json_object_set_new(pos, "begin", b);
      json_object_set_new(pos, "end", e);
      json_object_set_new(loc, "positions", pos);
      json_object_set_new(o, "location", loc);
      json_array_append_new(arr, o);
    }
    al_map_free(&seen);
  }
  dump_json(arr, JSON_INDENT(2), out);
}

/* XML 1.0 text or attribute: the five entities, other control characters (not allowed
 * in XML 1.0) as '?', bytes that are not UTF-8 as U+FFFD. */
static void xml_escape(FILE *out, const char *s) {
  size_t n = strlen(s);
  for (size_t i = 0; i < n;) {
    unsigned char c = (unsigned char)s[i];
    if (c >= 0x80) {
      long bad = al_utf8_invalid_at(s + i, n - i);
      size_t good = bad < 0 ? n - i : (size_t)bad;
      size_t run = 0; /* the valid multi-byte sequence(s) from here */
      while (run < good && (unsigned char)s[i + run] >= 0x80) run++;
      if (run) {
        fwrite(s + i, 1, run, out);
        i += run;
      } else {
        fputs("\xEF\xBF\xBD", out);
        i++;
      }
      continue;
    }
    switch (c) {
    case '&': fputs("&amp;", out); break;
    case '<': fputs("&lt;", out); break;
    case '>': fputs("&gt;", out); break;
    case '"': fputs("&quot;", out); break;
    case '\'': fputs("&apos;", out); break;
    case '\n': case '\t': case '\r': fputc(c, out); break;
    default: fputc(c < 0x20 || c == 0x7f ? '?' : c, out);
    }
    i++;
  }
}

/* --format junit: a test suite per file checked; a failed test case per finding, or one
 * passing case for a clean file (CI servers show the files that passed too). */
static void output_junit(const al_run *run, FILE *out) {
  size_t cases = 0;
  for (size_t i = 0; i < run->nfiles; i++) {
    const al_file *f = &run->files[i];
    if (f->in_shard && !f->index_only && !f->error) cases += f->findings.len ? f->findings.len : 1;
  }
  fprintf(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
  fprintf(out, "<testsuites name=\"asynclint\" tests=\"%zu\" failures=\"%zu\" errors=\"0\">\n", cases,
          run->nfindings);
  for (size_t i = 0; i < run->nfiles; i++) {
    const al_file *f = &run->files[i];
    if (!f->in_shard || f->index_only || f->error) continue;
    fputs("  <testsuite name=\"", out);
    xml_escape(out, f->path);
    fprintf(out, "\" tests=\"%zu\" failures=\"%zu\" errors=\"0\">\n", f->findings.len ? f->findings.len : 1,
            f->findings.len);
    if (!f->findings.len) {
      fputs("    <testcase name=\"asynclint\" classname=\"", out);
      xml_escape(out, f->path);
      fputs("\"/>\n", out);
    }
    for (size_t k = 0; k < f->findings.len; k++) {
      const al_finding *fd = f->findings.items[k];
      fprintf(out, "    <testcase name=\"%s %s (line %u)\" classname=\"", fd->code, fd->name, fd->span.line);
      xml_escape(out, f->path);
      fprintf(out, "\" file=\"");
      xml_escape(out, fd->path);
      fprintf(out, "\" line=\"%u\">\n      <failure type=\"%s\" message=\"", fd->span.line, fd->code);
      xml_escape(out, fd->message);
      fputs("\">", out);
      fprintf(out, "%u:%u: ", fd->span.line, fd->span.col);
      xml_escape(out, fd->message);
      fputs("</failure>\n    </testcase>\n", out);
    }
    fputs("  </testsuite>\n", out);
  }
  fputs("</testsuites>\n", out);
}

/* --format pylint: `path:line: [CODE] message`, as pylint's parseable format and ruff's
 * pylint format (editors' and CI tools' error parsers). */
static void output_pylint(const al_run *run, FILE *out) {
  for (size_t i = 0; i < run->nfiles; i++)
    for (size_t k = 0; k < run->files[i].findings.len; k++) {
      const al_finding *fd = run->files[i].findings.items[k];
      fprintf(out, "%s:%u: [%s] %s\n", fd->path, fd->span.line, fd->code, fd->message);
    }
}

static const char *sarif_level(al_severity s) {
  return s == AL_SEV_ERROR ? "error" : s == AL_SEV_WARNING ? "warning" : "note";
}

static json_t *sarif_location(const al_finding *fd) {
  json_t *region = json_object();
  json_object_set_new(region, "startLine", json_integer(fd->span.line));
  json_object_set_new(region, "startColumn", json_integer(fd->span.col));
  if (fd->end_line) { /* (not known for a related place in another file) */
    json_object_set_new(region, "endLine", json_integer(fd->end_line));
    json_object_set_new(region, "endColumn", json_integer(fd->end_col));
  }
  json_t *artifact = json_object();
  json_object_set_new(artifact, "uri", json_str_lossy(fd->path));
  json_t *phys = json_object();
  json_object_set_new(phys, "artifactLocation", artifact);
  json_object_set_new(phys, "region", region);
  json_t *loc = json_object();
  json_object_set_new(loc, "physicalLocation", phys);
  return loc;
}

static json_t *sarif_fix(const al_finding *fd) {
  json_t *repls = json_array();
  for (size_t e = 0; e < fd->fix->nedits; e++) {
    const al_edit *ed = &fd->fix->edits[e];
    json_t *del = json_object();
    json_object_set_new(del, "byteOffset", json_integer(ed->start));
    json_object_set_new(del, "byteLength", json_integer(ed->end - ed->start));
    json_t *ins = json_object();
    json_object_set_new(ins, "text", json_str_lossy(ed->text));
    json_t *r = json_object();
    json_object_set_new(r, "deletedRegion", del);
    json_object_set_new(r, "insertedContent", ins);
    json_array_append_new(repls, r);
  }
  json_t *artifact = json_object();
  json_object_set_new(artifact, "uri", json_str_lossy(fd->path));
  json_t *change = json_object();
  json_object_set_new(change, "artifactLocation", artifact);
  json_object_set_new(change, "replacements", repls);
  json_t *changes = json_array();
  json_array_append_new(changes, change);
  json_t *desc = json_object();
  char *title = al_fmt("%s (%s)", fd->fix->title, fd->fix->safety == AL_FIX_APPLY_SAFE ? "safe" : "unsafe");
  json_object_set_new(desc, "text", json_str_lossy(title));
  free(title);
  json_t *fix = json_object();
  json_object_set_new(fix, "description", desc);
  json_object_set_new(fix, "artifactChanges", changes);
  json_t *fixes = json_array();
  json_array_append_new(fixes, fix);
  return fixes;
}

void al_output_sarif(const al_run *run, const al_options *opts, FILE *out) {
  json_t *rules = json_array();
  for (size_t i = 0; i < al_rule_count; i++) {
    const al_rule *r = al_rules[i];
    if (!al_rule_enabled(opts, r)) continue;
    json_t *o = json_object();
    json_object_set_new(o, "id", json_string(r->code));
    json_object_set_new(o, "name", json_string(r->name));
    json_t *sd = json_object();
    json_object_set_new(sd, "text", json_string(r->summary));
    json_object_set_new(o, "shortDescription", sd);
    const char *doc = al_rule_doc(r->code);
    if (doc) {
      json_t *help = json_object();
      json_object_set_new(help, "text", json_str_lossy(r->summary));
      json_object_set_new(help, "markdown", json_str_lossy(doc));
      json_object_set_new(o, "help", help);
    }
    json_t *cfg = json_object();
    json_object_set_new(cfg, "level", json_string(sarif_level(r->severity)));
    json_object_set_new(o, "defaultConfiguration", cfg);
    json_t *props = json_object();
    json_object_set_new(props, "family", json_string(al_family_name(r->family)));
    json_object_set_new(o, "properties", props);
    json_array_append_new(rules, o);
  }
  json_t *results = json_array();
  for (size_t i = 0; i < run->nfiles; i++) {
    const al_file *f = &run->files[i];
    for (size_t k = 0; k < f->findings.len; k++) {
      const al_finding *fd = f->findings.items[k];
      json_t *res = json_object();
      json_object_set_new(res, "ruleId", json_string(fd->code));
      size_t idx = 0;
      for (size_t r = 0, n = 0; r < al_rule_count; r++) {
        if (!al_rule_enabled(opts, al_rules[r])) continue;
        if (!strcmp(al_rules[r]->code, fd->code)) idx = n;
        n++;
      }
      json_object_set_new(res, "ruleIndex", json_integer((json_int_t)idx));
      json_object_set_new(res, "level", json_string(sarif_level(fd->severity)));
      json_t *msg = json_object();
      json_object_set_new(msg, "text", json_str_lossy(fd->message));
      json_object_set_new(res, "message", msg);
      json_t *locs = json_array();
      json_array_append_new(locs, sarif_location(fd));
      json_object_set_new(res, "locations", locs);
      if (fd->fix) json_object_set_new(res, "fixes", sarif_fix(fd));
      if (fd->rel_path) {
        al_finding rel = {.path = fd->rel_path, .span = fd->rel_span};
        json_t *loc = sarif_location(&rel);
        json_object_set_new(loc, "id", json_integer(1));
        json_t *m = json_object();
        json_object_set_new(m, "text", json_str_lossy(fd->rel_message));
        json_object_set_new(loc, "message", m);
        json_t *rels = json_array();
        json_array_append_new(rels, loc);
        json_object_set_new(res, "relatedLocations", rels);
      }
      json_array_append_new(results, res);
    }
  }
  json_t *driver = json_object();
  json_object_set_new(driver, "name", json_string("asynclint"));
  json_object_set_new(driver, "version", json_string(AL_VERSION));
  json_object_set_new(driver, "semanticVersion", json_string(AL_VERSION));
  json_object_set_new(driver, "rules", rules);
  json_t *tool = json_object();
  json_object_set_new(tool, "driver", driver);
  json_t *runo = json_object();
  json_object_set_new(runo, "tool", tool);
  json_object_set_new(runo, "columnKind", json_string("utf16CodeUnits"));
  json_object_set_new(runo, "results", results);
  json_t *runs = json_array();
  json_array_append_new(runs, runo);
  json_t *top = json_object();
  json_object_set_new(top, "$schema", json_string("https://json.schemastore.org/sarif-2.1.0.json"));
  json_object_set_new(top, "version", json_string("2.1.0"));
  json_object_set_new(top, "runs", runs);
  char *s = json_dumps(top, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
  if (s) {
    fputs(s, out);
    fputc('\n', out);
    free(s);
  }
  json_decref(top);
}

/* Workflow-command escaping: data (%, CR, LF) and, in properties, also ':' and ','. */
static void gh_escape(FILE *out, const char *s, bool property) {
  for (; *s; s++) {
    if (*s == '%') fputs("%25", out);
    else if (*s == '\r') fputs("%0D", out);
    else if (*s == '\n') fputs("%0A", out);
    else if (property && *s == ':') fputs("%3A", out);
    else if (property && *s == ',') fputs("%2C", out);
    else fputc(*s, out);
  }
}

void al_output_github(const al_run *run, FILE *out) {
  for (size_t i = 0; i < run->nfiles; i++) {
    const al_file *f = &run->files[i];
    for (size_t k = 0; k < f->findings.len; k++) {
      const al_finding *fd = f->findings.items[k];
      const char *level = fd->severity == AL_SEV_ERROR ? "error" : fd->severity == AL_SEV_WARNING ? "warning" : "notice";
      fprintf(out, "::%s file=", level);
      gh_escape(out, fd->path, true);
      fprintf(out, ",line=%u,col=%u,endLine=%u,endColumn=%u,title=", fd->span.line, fd->span.col,
              fd->end_line ? fd->end_line : fd->span.line, fd->end_col);
      char *title = al_fmt("%s %s", fd->code, fd->name);
      gh_escape(out, title, true);
      free(title);
      fputs("::", out);
      gh_escape(out, fd->message, false);
      fputc('\n', out);
    }
  }
}

/* --statistics: per rule, how many findings and how many have a safe / unsafe fix;
 * most frequent first (then by code). Text, or JSON with --format json. */
typedef struct stat_row {
  const char *code, *name;
  size_t count, safe, unsafe;
} stat_row;

static int cmp_stat(const void *a, const void *b) {
  const stat_row *x = a, *y = b;
  if (x->count != y->count) return x->count < y->count ? 1 : -1;
  return strcmp(x->code, y->code);
}

static void output_statistics(const al_run *run, const al_options *opts, FILE *out) {
  stat_row *rows = NULL;
  size_t n = 0, cap = 0;
  for (size_t i = 0; i < run->nfiles; i++) {
    const al_file *f = &run->files[i];
    for (size_t k = 0; k < f->findings.len; k++) {
      const al_finding *fd = f->findings.items[k];
      size_t r = 0;
      while (r < n && strcmp(rows[r].code, fd->code)) r++;
      if (r == n) {
        if (n == cap) {
          cap = cap ? cap * 2 : 16;
          rows = al_realloc(rows, cap * sizeof *rows);
        }
        rows[n++] = (stat_row){fd->code, fd->name, 0, 0, 0};
      }
      rows[r].count++;
      if (fd->fix && fd->fix->safety == AL_FIX_APPLY_SAFE) rows[r].safe++;
      else if (fd->fix) rows[r].unsafe++;
    }
  }
  if (n > 1) qsort(rows, n, sizeof *rows, cmp_stat);
  if (opts->format == AL_FMT_JSON) {
    json_t *arr = json_array();
    for (size_t r = 0; r < n; r++) {
      json_t *o = json_object();
      json_object_set_new(o, "code", json_string(rows[r].code));
      json_object_set_new(o, "name", json_string(rows[r].name));
      json_object_set_new(o, "count", json_integer((json_int_t)rows[r].count));
      json_object_set_new(o, "fixable", json_integer((json_int_t)rows[r].safe));
      json_object_set_new(o, "unsafe_fixable", json_integer((json_int_t)rows[r].unsafe));
      json_array_append_new(arr, o);
    }
    json_dumpf(arr, out, JSON_INDENT(2));
    fputc('\n', out);
    json_decref(arr);
  } else {
    for (size_t r = 0; r < n; r++)
      fprintf(out, "%6zu  %s  %s %s\n", rows[r].count, rows[r].code,
              rows[r].safe ? "[*]" : rows[r].unsafe ? "[-]" : "   ", rows[r].name);
    if (!opts->quiet)
      fprintf(out, "Found %zu finding%s (%zu checked); [*] safe fix (--fix), [-] unsafe fix (--unsafe-fixes).\n",
              run->nfindings, run->nfindings == 1 ? "" : "s", run->nchecked);
  }
  free(rows);
}

void al_output(const al_run *run, const al_options *opts, FILE *out) {
  if (opts->statistics) {
    output_statistics(run, opts, out);
    return;
  }
  switch (opts->format) {
  case AL_FMT_JSON: al_output_json(run, out); break;
  case AL_FMT_SARIF: al_output_sarif(run, opts, out); break;
  case AL_FMT_GITHUB: al_output_github(run, out); break;
  case AL_FMT_JSON_LINES: output_json_lines(run, out); break;
  case AL_FMT_GITLAB: output_gitlab(run, out); break;
  case AL_FMT_JUNIT: output_junit(run, out); break;
  case AL_FMT_PYLINT: output_pylint(run, out); break;
  default: al_output_text(run, opts, out); break;
  }
}
