/* kb: knowledge about APIs as data. rules/knowledge/<lang>.yaml is compiled into the
 * binary at build time (tools/kb_compile.c) and loaded on a language's first use; rules
 * ask it by section and resolved name. */
#ifndef AL_KB_H
#define AL_KB_H

#include "source.h"
#include "util.h"

/* One entry of a section: a name plus optional key/value attributes. */
typedef struct al_kb_entry {
  const char *name;
  size_t nattrs;
  const char **keys;
  const char **vals;
  bool borrowed; /* name, keys and values point into the compiled knowledge (not freed); the
                  * keys and vals arrays are in the entry's own allocation */
} al_kb_entry;

typedef struct al_kb {
  al_map sections; /* section name -> al_kb_section* */
} al_kb;

typedef struct al_kb_section {
  al_vec entries;  /* al_kb_entry*, in file order */
  al_map by_name;  /* name -> al_kb_entry* */
  al_map heads;    /* the first dotted part of every name but `*.m` ones: a name whose
                    * head is not here matches no exact or `a.*` entry */
  /* Bloom filters (512 bits, two probes) over the heads above and over the last
   * components of the `*.m` entries: most names a rule asks about (a project's own
   * calls, `self.x`, `append`) are ruled out without hashing them for the maps. */
  uint64_t head_bits[8], tail_bits[8];
  bool prefix_wild; /* has `a.*` entries */
  bool suffix_wild; /* has `*.m` entries */
  bool suffix2_wild; /* has `*.a.m` entries (Django's `*.objects.get`) */
  bool mid_wild;    /* has `a.b.*.m` or `a.b.*.*.m` entries (components before the last, any) */
  const char *last_head; /* while loading: the head of the last entry indexed (neighbours share */
  size_t last_head_len;  /* one: `heads` is not asked again) */
} al_kb_section;

/* Parses YAML text of the form `section: [name | {name: ..., key: value}, ...]` into kb.
 * Returns 0, or -1 with *err a malloc'd "origin:line: reason" message. */
int al_kb_load(al_kb *kb, const char *text, size_t len, const char *origin, char **err);
/* Loads knowledge in the flat form tools/kb_compile.c makes of the YAML at build time
 * (the built-in knowledge: no YAML parse at start-up). Same results as al_kb_load of the
 * YAML; -1 with *err on a malformed blob. The entries' strings point into p, which must
 * outlive kb (the built-in blobs are static). */
int al_kb_load_flat(al_kb *kb, const unsigned char *p, size_t len, const char *origin, char **err);
void al_kb_free(al_kb *kb);
/* Adds the sections of a parsed YAML mapping node (libyaml) to kb; entries with an
 * existing name replace it. For configuration files' knowledge extensions. */
struct yaml_document_s;
struct yaml_node_s;
int al_kb_load_node(al_kb *kb, struct yaml_document_s *doc, struct yaml_node_s *root, const char *origin,
                    char **err);

/* Loads the embedded knowledge of all languages now (idempotent): tests and fuzzers check
 * it this way. Without it, al_kb_for / al_kb_mutable load a language on first use
 * (thread-safe), so a run that meets only Python never parses the C knowledge. */
int al_kb_init(char **err);
void al_kb_shutdown(void);
const al_kb *al_kb_for(al_lang lang);
/* The built-in knowledge of a language, for merging configuration extensions before any
 * lint thread starts. */
al_kb *al_kb_mutable(al_lang lang);

/* section: a string literal (or any string that stays unchanged at its address): the
 * lookups below remember a built-in kb's sections by the address of their name. */
const al_kb_section *al_kb_section_get(const al_kb *kb, const char *section);
const al_kb_entry *al_kb_find(const al_kb *kb, const char *section, const char *name);
const char *al_kb_attr(const al_kb_entry *e, const char *key);
/* e (may be NULL) has attribute key with exactly this value (`kind: future`). */
bool al_kb_attr_is(const al_kb_entry *e, const char *key, const char *value);
/* Like al_kb_find, with wildcards: an entry `a.b.*` matches every name under a.b,
 * `a.b.*.m` any name a.b.X.m (X one component: a model of an ORM client), `a.b.*.*.m`
 * any a.b.X.Y.m (a collection of a database of a MongoDB client), `*.a.m` any name
 * ending in a.m (a Django model's manager: `*.objects.get`), and `*.m` any
 * name whose last component is m (a method on an unknown receiver). Exact entries win
 * over `a.b.*.m`, which wins over prefix wildcards, which win over `*.a.m`, which wins over `*.m`. */
const al_kb_entry *al_kb_match(const al_kb *kb, const char *section, const char *name);
/* s[0, n) is one of the comma-separated words of list (a list attribute's value). */
bool al_kb_word_in(const char *list, const char *s, size_t n);
/* The query_chains entry a chain call's name (`X.objects.filter().count`) is on, or NULL;
 * *kind 't' when the chain ends in a call that runs the query, 'l' when it makes a lazy
 * queryset (only `through` calls), which runs where it is iterated or read. */
const al_kb_entry *al_kb_query_chain(al_lang lang, const char *name, char *kind);
/* The query_chains entry when name (`app.models.Book.objects.filter`) makes a lazy
 * queryset, else NULL. */
const al_kb_entry *al_lazy_query_chain(al_lang lang, const char *name);

#endif
