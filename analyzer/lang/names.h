/* names: the per-file import table the tree-sitter front ends share: a local name maps
 * to the module it came from and the member inside it; callees resolve through it. */
#ifndef AL_NAMES_H
#define AL_NAMES_H

#include "ir.h"
#include "util.h"

typedef struct al_binding {
  const char *module; /* module spec (Python dotted / JS normalized spec) */
  const char *member; /* imported member (dotted), NULL for the whole module */
} al_binding;

typedef struct al_names {
  ir_file *f;
  al_map map; /* local name -> al_binding* (arena) */
} al_names;

void al_names_bind(al_names *n, const char *local, const char *module, const char *member);
void al_names_free(al_names *n);
/* Resolves dotted text "head.rest" through the bindings into call->name/module/member.
 * Unbound heads stay local: module NULL, member = the text. */
void al_names_resolve(al_names *n, const char *dotted, const char **name, const char **module,
                      const char **member);
/* Whether b names the class (module, member): the same member in the same module (NULL
 * modules: this file). Two returns of a function inferring its result type must agree. */
bool al_binding_is(const al_binding *b, const char *module, const char *member);

#endif
