/* output: findings as text (path:line:col, code, message, source line with carets,
 * colour on a TTY) or as stable JSON (jansson). */
#include <jansson.h>
#include <string.h>

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
  size_t end = fd->span.end_line == fd->span.line && fd->span.end_col > fd->span.col ? fd->span.end_col - 1 : len;
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

void al_output_text(const al_run *run, const al_options *opts, FILE *out) {
  int color = opts->color;
  size_t files_with = 0;
  for (size_t i = 0; i < run->nfiles; i++) {
    const al_file *f = &run->files[i];
    if (f->findings.len) files_with++;
    for (size_t k = 0; k < f->findings.len; k++) {
      const al_finding *fd = f->findings.items[k];
      fprintf(out, "%s%s:%u:%u:%s %s%s%s [%s] %s\n", color ? C_BOLD : "", fd->path, fd->span.line, fd->span.col,
              color ? C_RESET : "", color ? C_RED : "", fd->code, color ? C_RESET : "", fd->name, fd->message);
      print_snippet(&f->src, fd, color, out);
      if (fd->fix)
        fprintf(out, "  %sfix%s: %s (%s)\n", color ? C_CYAN : "", color ? C_RESET : "", fd->fix->title,
                fd->fix->safety == AL_FIX_APPLY_SAFE ? "safe: --fix" : "unsafe: --fix --unsafe-fixes");
      fputc('\n', out);
    }
  }
  if (opts->quiet) return;
  if (run->nfindings)
    fprintf(out, "Found %zu finding%s in %zu file%s (%zu checked).\n", run->nfindings, run->nfindings == 1 ? "" : "s",
            files_with, files_with == 1 ? "" : "s", run->nfiles);
  else
    fprintf(out, "No findings (%zu file%s checked).\n", run->nfiles, run->nfiles == 1 ? "" : "s");
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

void al_output_json(const al_run *run, FILE *out) {
  json_t *arr = json_array();
  for (size_t i = 0; i < run->nfiles; i++) {
    const al_file *f = &run->files[i];
    for (size_t k = 0; k < f->findings.len; k++) {
      const al_finding *fd = f->findings.items[k];
      json_t *o = json_object();
      json_object_set_new(o, "path", json_str_lossy(fd->path));
      json_object_set_new(o, "line", json_integer(fd->span.line));
      json_object_set_new(o, "column", json_integer(fd->span.col));
      json_object_set_new(o, "end_line", json_integer(fd->span.end_line));
      json_object_set_new(o, "end_column", json_integer(fd->span.end_col));
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
      json_array_append_new(arr, o);
    }
  }
  char *s = json_dumps(arr, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
  if (s) {
    fputs(s, out);
    fputc('\n', out);
    free(s);
  }
  json_decref(arr);
}
