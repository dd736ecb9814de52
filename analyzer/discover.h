/* discover: from the paths a user gives to the list of files to lint: recursion with
 * the usual skips (VCS, dependencies, virtualenvs, build trees) and .gitignore rules. */
#ifndef AL_DISCOVER_H
#define AL_DISCOVER_H

#include "util.h"

typedef struct al_discovery {
  al_vec files;   /* char*: paths to lint, sorted, unique */
  al_vec errors;  /* char*: "path: reason" one-line messages */
  int missing;    /* explicit paths that do not exist (a usage error) */
} al_discovery;

void al_discover(const char *const *paths, int n, al_discovery *out);
void al_discovery_free(al_discovery *d);
/* gitignore-style glob: `*` and `?` stop at '/', `**` crosses it, [a-z] and [!x] classes. */
bool al_glob_match(const char *pat, const char *str);

#endif
