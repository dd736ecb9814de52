/* AL522 except-star-attribute: an attribute read on what an `except*` handler caught
 * that an exception group does not have — `except* OSError as e: if e.errno == ...`.
 * `except*` binds the *group* of matching exceptions, not one of them: the read raises
 * AttributeError inside the handler, and the failures it was handling are replaced by
 * it (flake8-async ASYNC400). Knowledge `exception_group_attributes` lists what a group
 * has (exceptions, message, split, subgroup, derive, add_note, ...); dunder names pass;
 * assignments (`e.handled = True`) pass — a group takes new attributes. */
#include <string.h>

#include "common.h"

static void check(const ir_file *f, const al_index *idx, al_sink *sink) {
  (void)idx;
  const char *t = f->src->text;
  const al_kb *kb = al_kb_for(f->lang);
  for (ir_node *const *h_at = ir_of_kind(f, IR_HANDLER); *h_at; h_at++) {
    const ir_node *h = *h_at;
    if (!h->alias || !*h->alias || !al_py_star_handler(f, h)) continue;
    const char *al = h->alias;
    size_t an = strlen(al);
    /* the handler's block: after the `:` of its header */
    uint32_t i = h->span.start;
    while (i < h->span.end && t[i] != ':') i++;
    const ir_node *fn_inside = NULL; /* a function defined in the block has its own names */
    for (uint32_t k = i; k + an + 1 < h->span.end; k++) {
      if (t[k] == '#') { /* a comment: to the end of the line */
        while (k < h->span.end && t[k] != '\n') k++;
        continue;
      }
      if (t[k] == '"' || t[k] == '\'') { /* a string: skip it (one line) */
        char q = t[k];
        for (k++; k < h->span.end && t[k] != q && t[k] != '\n'; k++)
          if (t[k] == '\\') k++;
        continue;
      }
      if (memcmp(t + k, al, an) || t[k + an] != '.' || (k > 0 && (al_ident_char(t[k - 1]) || t[k - 1] == '.')))
        continue;
      uint32_t s = k + (uint32_t)an + 1, e = s;
      while (e < h->span.end && al_ident_char(t[e])) e++;
      if (e == s || e - s >= 64) continue;
      char attr[64];
      memcpy(attr, t + s, e - s);
      attr[e - s] = 0;
      uint32_t j = e;
      while (j < h->span.end && t[j] == ' ') j++;
      bool assigned = j < h->span.end && t[j] == '=' && t[j + 1] != '=';
      if (assigned || al_starts_with(attr, "__") || al_kb_find(kb, "exception_group_attributes", attr)) continue;
      fn_inside = NULL;
      for (const ir_node *x = h->child; x && !fn_inside; x = x->kind == IR_FUNC ? ir_next_skip(x, h) : ir_next(x, h))
        if (x->kind == IR_FUNC && x->span.start <= k && k < x->span.end) fn_inside = x;
      if (fn_inside) continue;
      ir_span sp = al_span_at(f, k, (uint32_t)(e - k));
      ir_node at = {.kind = IR_USE, .span = sp, .parent = (ir_node *)h};
      al_report(sink, &at, "`%s.%s`: `except*` binds the group of caught exceptions, not one of them, and an "
                "exception group has no `%s` — AttributeError in the handler, which replaces the failures it "
                "handles; read it from each exception (`for exc in %s.exceptions: exc.%s`)",
                al, attr, attr, al, attr);
      k = e;
    }
  }
}

const al_rule rule_al522 = {
    .code = "AL522",
    .name = "except-star-attribute",
    .family = AL_FAMILY_HYGIENE,
    .langs = 1u << AL_LANG_PYTHON,
    .severity = AL_SEV_ERROR,
    .summary = "an attribute an exception group does not have, read on what except* caught",
    .fix = AL_FIX_NONE,
    .check = check,
};
