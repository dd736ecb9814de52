/* lsp: the Language Server (`asynclint lsp`), JSON-RPC over in/out. */
#ifndef AL_LSP_H
#define AL_LSP_H

#include <stdio.h>

/* Serves until end of input or `exit`. Returns 0 after a clean shutdown, else 1. */
int al_lsp_serve(FILE *in, FILE *out);

#endif
