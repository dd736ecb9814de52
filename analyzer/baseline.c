/* baseline: accepted findings. A finding's fingerprint is its code, path and the text
 * of its source line with blanks collapsed, so it survives lines moving; identical
 * fingerprints are counted, so a second copy of an accepted bug is still new. */
#include "baseline.h"

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>

char *al_finding_fingerprint(const al_file *f, const al_finding *fd) {
  size_t len;
  const char *line = al_source_line(&f->src, fd->span.line, &len);
  al_buf b = {0};
  al_buf_printf(&b, "%s\x1f%s\x1f", fd->code, fd->path);
  bool blank = true;
  for (size_t i = 0; line && i < len && i < 400; i++) {
    char c = line[i];
    if (c == ' ' || c == '\t' || c == '\r') {
      if (!blank) al_buf_puts(&b, " ");
      blank = true;
    } else {
      al_buf_add(&b, &c, 1);
      blank = false;
    }
  }
  char *r = al_fmt("%016llx", (unsigned long long)al_hash(b.data, b.len));
  al_buf_free(&b);
  return r;
}

int al_baseline_write(const al_run *run, const char *path, char **err) {
  json_t *arr = json_array();
  for (size_t i = 0; i < run->nfiles; i++)
    for (size_t k = 0; k < run->files[i].findings.len; k++) {
      const al_finding *fd = run->files[i].findings.items[k];
      char *fp = al_finding_fingerprint(&run->files[i], fd);
      json_t *o = json_object();
      json_object_set_new(o, "code", json_string(fd->code));
      json_t *pj = json_string(fd->path); /* NULL when the path is not UTF-8 */
      json_object_set_new(o, "path", pj ? pj : json_string("?"));
      json_object_set_new(o, "line", json_integer(fd->span.line)); /* informative only */
      json_object_set_new(o, "fingerprint", json_string(fp));
      free(fp);
      json_array_append_new(arr, o);
    }
  json_t *top = json_object();
  json_object_set_new(top, "asynclint_baseline", json_integer(1));
  json_object_set_new(top, "findings", arr);
  char *tmp = al_fmt("%s.tmp", path);
  int rc = json_dump_file(top, tmp, JSON_INDENT(1) | JSON_PRESERVE_ORDER);
  json_decref(top);
  if (rc == 0 && rename(tmp, path) != 0) rc = -1;
  if (rc != 0) {
    *err = al_fmt("cannot write baseline %s: %s", path, strerror(errno));
    remove(tmp);
  }
  free(tmp);
  return rc == 0 ? 0 : -1;
}

int al_baseline_apply(al_run *run, const char *path, size_t *accepted, char **err) {
  json_error_t je;
  json_t *top = json_load_file(path, 0, &je);
  json_t *arr = top ? json_object_get(top, "findings") : NULL;
  if (!top || !json_is_integer(json_object_get(top, "asynclint_baseline")) || !json_is_array(arr)) {
    *err = top ? al_fmt("%s: not an asynclint baseline (write one with --write-baseline)", path)
               : al_fmt("%s:%d: cannot read baseline: %s", path, je.line, je.text);
    json_decref(top);
    return -1;
  }
  al_map counts = {0}; /* fingerprint -> remaining count (as a pointer-sized int) */
  size_t n = json_array_size(arr);
  for (size_t i = 0; i < n; i++) {
    const char *fp = json_string_value(json_object_get(json_array_get(arr, i), "fingerprint"));
    if (!fp) continue;
    uintptr_t c = (uintptr_t)al_map_get(&counts, fp);
    al_map_put(&counts, fp, (void *)(c + 1));
  }
  *accepted = 0;
  for (size_t i = 0; i < run->nfiles; i++) {
    al_file *f = &run->files[i];
    size_t keep = 0;
    for (size_t k = 0; k < f->findings.len; k++) {
      al_finding *fd = f->findings.items[k];
      char *fp = al_finding_fingerprint(f, fd);
      uintptr_t c = (uintptr_t)al_map_get(&counts, fp);
      if (c) {
        al_map_put(&counts, fp, (void *)(c - 1));
        al_finding_free(fd);
        (*accepted)++;
      } else {
        f->findings.items[keep++] = fd;
      }
      free(fp);
    }
    run->nfindings -= f->findings.len - keep;
    f->findings.len = keep;
  }
  al_map_free(&counts);
  json_decref(top);
  return 0;
}
