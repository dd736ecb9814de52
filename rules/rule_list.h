/* The one registry of rules (an X-macro): AL_RULE(code, symbol).
 * Registration, `asynclint rules` and the docs/fixtures check all read this list. */
AL_RULE(AL101, rule_al101)
