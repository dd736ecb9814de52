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
/* A further return of fn (whose returns so far make `known`) making (module, member):
 * the same class keeps it, another makes none (*mixed; fn's module/member cleared); one
 * that is not the receiver's class (`cls()`/`self`, `new this()`/`this`) ends
 * IR_F_RETURNS_RECEIVER. */
void al_return_again(ir_node *fn, const al_binding *known, bool *mixed, const char *module, const char *member,
                     bool receiver);

#endif
