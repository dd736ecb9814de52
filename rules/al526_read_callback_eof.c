/* AL526 read-callback-eof: a libuv read callback (a function with the parameters of a
 * `uv_read_cb`) that uses `nread` as a length and never tests it for end of stream or
 * an error. At EOF `nread` is UV_EOF and on an error another negative code: used as a
 * length it is a huge size_t (fwrite, memcpy, write past the buffer), and the stream is
 * never closed — libuv's docs: the callee "is responsible for stopping/closing the
 * stream when an error happens by calling uv_read_stop or uv_close"; reading again is
 * undefined. `nread` counts as tested when it is compared (`< 0`, `== UV_EOF`, `> 0`: the
 * length is then safe), switched on, named beside UV_EOF, or handed to a call other than one that
 * only uses it as a length (a project function, a test macro, uv_strerror). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common.h"

/* After/before the identifier at [at, at+len): a comparison or a switch on it. */
static bool compared_at(const char *t, uint32_t from, uint32_t at, uint32_t len, uint32_t to) {
  uint32_t e = at + len;
  while (e < to && (t[e] == ' ' || t[e] == '\t')) e++;
  if (e + 1 < to && ((t[e] == '<' || t[e] == '>') || ((t[e] == '=' || t[e] == '!') && t[e + 1] == '=')))
    return !(t[e] == '<' && t[e + 1] == '<') && !(t[e] == '>' && t[e + 1] == '>');
  uint32_t b = at;
  while (b > from && (t[b - 1] == ' ' || t[b - 1] == '\t')) b--;
  if (b > from && (t[b - 1] == '<' || t[b - 1] == '>')) return true;
  if (b > from + 1 && t[b - 1] == '=' && (t[b - 2] == '=' || t[b - 2] == '!')) return true;
  /* `switch (nread)` */
  if (b > from && t[b - 1] == '(') {
    uint32_t k = b - 1;
    while (k > from && (t[k - 1] == ' ' || t[k - 1] == '\t')) k--;
    if (k >= from + 6 && !memcmp(t + k - 6, "switch", 6)) return true;
  }
  return false;
}

/* nread is an argument of a call that is not just a use of it as a length (knowledge
 * `read_length_sinks`: fwrite, memcpy, uv_buf_init, a print): a function of the project,
 * a test macro (`ASSERT_GT(nread, 0)`), uv_strerror() — which tests or reports it. */
static bool passed_on(const ir_file *f, const ir_node *fn, const char *nread) {
  for (const ir_node *n = fn->child; n; n = ir_next(n, fn)) {
    if (n->kind != IR_CALL || !n->name) continue;
    bool has = false;
    for (uint32_t i = 0; i < n->nargs && !has; i++) has = n->args[i].text && al_text_mentions(n->args[i].text, nread);
    if (has && !al_kb_find(al_kb_for(f->lang), "read_length_sinks", n->name)) return true;
  }
  return false;
}

/* The identifier at [at, at+len) is an argument of a call or macro, written in the text,
 * that is not one of `read_length_sinks` (nor `if`/`while`/`switch`...): `ASSERT_LT(nread,
 * 0)`, `on_data(s, nread, buf)`. (Macros never reach the IR as calls of their own.) */
typedef enum { ARG_NONE, ARG_CHECK, ARG_LENGTH } arg_role;

static arg_role argument_role(const ir_file *f, uint32_t from, uint32_t at) {
  const char *t = f->src->text;
  int depth = 0;
  for (uint32_t i = at; i > from; i--) {
    char ch = t[i - 1];
    if (ch == ')' || ch == ']') depth++;
    else if ((ch == '(' || ch == '[') && depth) depth--;
    else if (ch == '[') return ARG_LENGTH; /* `buf->base[nread]` */
    else if (ch == ';' || ch == '{' || ch == '}') return ARG_NONE;
    else if (ch == '(') {
      uint32_t e = i - 1;
      while (e > from && (t[e - 1] == ' ' || t[e - 1] == '\t')) e--;
      uint32_t b = e;
      while (b > from && al_ident_char(t[b - 1])) b--;
      if (b == e) continue; /* a parenthesis of an expression: look further out */
      char name[64];
      if (e - b >= sizeof name) return ARG_CHECK;
      memcpy(name, t + b, e - b);
      name[e - b] = 0;
      static const char *const keywords[] = {"if", "while", "for", "switch", "return", "sizeof", NULL};
      for (int k = 0; keywords[k]; k++)
        if (!strcmp(name, keywords[k])) return ARG_NONE;
      return al_kb_find(al_kb_for(f->lang), "read_length_sinks", name) ? ARG_LENGTH : ARG_CHECK;
    }
  }
  return ARG_NONE;
}

static void check(const ir_file *f, const al_index *idx, al_sink *sink) {
  (void)idx;
  const char *t = f->src->text;
  for (ir_node *const *fn_at = ir_of_kind(f, IR_FUNC); *fn_at; fn_at++) {
    const ir_node *fn = *fn_at;
    if (!(fn->flags & IR_F_DEFINITION) || !fn->alias) continue;
    /* a read callback by its parameters (knowledge callback_signatures, read_callbacks) */
    const al_kb_entry *rc = al_kb_find(al_kb_for(f->lang), "read_callbacks", fn->alias);
    const char *la = rc ? al_kb_attr(rc, "length_arg") : NULL, *eof = rc ? al_kb_attr(rc, "eof") : NULL;
    uint32_t li = la ? (uint32_t)strtoul(la, NULL, 10) : UINT32_MAX;
    if (li >= fn->nargs || !fn->args[li].text) continue;
    const char *nread = fn->args[li].text;
    size_t nl = strlen(nread);
    if (!nl || !al_is_identifier(nread)) continue;
    uint32_t from = fn->body ? fn->body : fn->span.start, to = fn->span.end;
    bool as_length = false, tested = eof && al_code_contains(f, from, to, eof);
    for (uint32_t i = from; !tested && i + nl <= to; i++) {
      uint32_t past = al_skip_comment_or_literal(f, i, to); /* not in a comment or a string */
      if (past != i) {
        i = past - 1;
        continue;
      }
      if (memcmp(t + i, nread, nl) || (i > 0 && al_ident_char(t[i - 1])) || al_ident_char(t[i + nl])) continue;
      arg_role role = argument_role(f, from, i);
      tested = compared_at(t, from, i, (uint32_t)nl, to) || role == ARG_CHECK;
      as_length |= role == ARG_LENGTH;
    }
    /* reported where nread is used as a length: a stub that ignores it is left alone */
    if (tested || !as_length || passed_on(f, fn, nread)) continue;
    al_report(sink, fn, "read callback `%s` never tests `%s` for end of stream or an error: at EOF it is UV_EOF and "
              "on an error another negative code, used here as a length (a huge size_t), and the stream is never "
              "closed; on `%s < 0` call uv_close() (or uv_read_stop()) and return",
              fn->name ? fn->name : "?", nread, nread);
  }
}

const al_rule rule_al526 = {
    .code = "AL526",
    .name = "read-callback-eof",
    .family = AL_FAMILY_CANCELLATION,
    .langs = 1u << AL_LANG_C,
    .severity = AL_SEV_ERROR,
    .summary = "a libuv read callback that never tests nread for EOF or an error",
    .fix = AL_FIX_NONE,
    .check = check,
};
