/* toml: the one table of a TOML file that asynclint reads (`[tool.asynclint]` of a
 * pyproject.toml), turned into a libyaml document so that the YAML configuration's
 * validation reads it unchanged (nodes carry their TOML line in start_mark). The rest of
 * the file is scanned (strings, brackets, comments) but not interpreted. */
#ifndef AL_TOML_H
#define AL_TOML_H

#include <stdbool.h>
#include <stddef.h>
#include <yaml.h>

/* Reads text (len bytes) and builds in doc (initialized here, deleted by the caller on
 * 0) a mapping node (the document's root) holding what the file puts under the table
 * whose dotted path is table[0..ntable). *found: the file has that table (or keys under it).
 * Returns 0, or -1 with *line (1-based) and *msg (malloc'd, one line); doc is then freed. */
int al_toml_table(const char *text, size_t len, const char *const *table, size_t ntable, yaml_document_t *doc,
                  bool *found, size_t *line, char **msg);

#endif
