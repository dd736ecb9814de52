/* registry: the rule table built from rule_list.h, and lookups over it. */
#include <string.h>

#include "rule.h"

#define AL_RULE(code, sym) extern const al_rule sym;
#include "rule_list.h"
#undef AL_RULE

const al_rule *const al_rules[] = {
#define AL_RULE(code, sym) &sym,
#include "rule_list.h"
#undef AL_RULE
};
const size_t al_rule_count = sizeof al_rules / sizeof al_rules[0];

const al_rule *al_rule_find(const char *code) {
  for (size_t i = 0; i < al_rule_count; i++)
    if (!strcmp(al_rules[i]->code, code)) return al_rules[i];
  return NULL;
}

struct al_rule_doc {
  const char *code;
  const char *text;
};
extern const struct al_rule_doc al_rule_docs[];
extern const size_t al_rule_docs_count;

const char *al_rule_doc(const char *code) {
  for (size_t i = 0; i < al_rule_docs_count; i++)
    if (!strcmp(al_rule_docs[i].code, code)) return al_rule_docs[i].text;
  return NULL;
}
