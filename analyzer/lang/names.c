/* names: import bindings and dotted-name resolution for the tree-sitter front ends. */
#include "names.h"

#include <string.h>

void al_names_bind(al_names *n, const char *local, const char *module, const char *member) {
  al_binding *b = al_arena_alloc(&n->f->arena, sizeof *b);
  b->module = module;
  b->member = member;
  al_map_put(&n->map, local, b);
}

void al_names_free(al_names *n) { al_map_free(&n->map); }

void al_names_resolve(al_names *n, const char *dotted, const char **name, const char **module,
                      const char **member) {
  const char *dot = strchr(dotted, '.');
  size_t hl = dot ? (size_t)(dot - dotted) : strlen(dotted);
  char head[256];
  al_binding *b = NULL;
  if (hl < sizeof head) {
    memcpy(head, dotted, hl);
    head[hl] = 0;
    b = al_map_get(&n->map, head);
  }
  if (!b) {
    *module = NULL;
    *member = dotted;
    *name = dotted;
    return;
  }
  const char *rest = dot ? dot + 1 : NULL;
  const char *mem;
  if (b->member && rest) mem = al_arena_fmt(&n->f->arena, "%s.%s", b->member, rest);
  else if (b->member) mem = b->member;
  else mem = rest; /* may be NULL: the module object itself is called */
  *module = b->module;
  *member = mem ? mem : "";
  *name = mem ? al_arena_fmt(&n->f->arena, "%s.%s", b->module, mem) : b->module;
}

bool al_binding_is(const al_binding *b, const char *module, const char *member) {
  if ((b->module == NULL) != (module == NULL) || (module && strcmp(b->module, module))) return false;
  return b->member && member && !strcmp(b->member, member);
}

void al_return_again(ir_node *fn, const al_binding *known, bool *mixed, const char *module, const char *member,
                     bool receiver) {
  if (!al_binding_is(known, module, member)) {
    *mixed = true;
    fn->module = fn->member = NULL;
  }
  if (!receiver) fn->flags &= ~IR_F_RETURNS_RECEIVER;
}
