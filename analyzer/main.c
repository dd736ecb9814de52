/* main: the command line. `asynclint check [PATH...]`, `dump-ir FILE`, `rules`,
 * `--version`, `--help`; exit codes 0 none / 1 findings / 2 usage / 3 internal. */
#include <errno.h>
#include <getopt.h>
#include <sys/stat.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "driver.h"
#include "staged.h"
#include "lsp.h"
#include "frontend.h"
#include "kb.h"

static const char usage_text[] =
    "usage: asynclint <command> [options]\n"
    "\n"
    "Finds async bugs in Python, JavaScript (and TypeScript) and C: missing awaits, blocking calls in\n"
    "async code, unbounded gathers and swallowed cancellation.\n"
    "\n"
    "commands:\n"
    "  check [PATH...]      lint files and folders (default: .)\n"
    "  dump-ir FILE         print the async IR of one file\n"
    "  dump-ast FILE        print the parser tree of one Python/JavaScript file\n"
    "  parse [-j N] PATH... parse only (tree-sitter, nothing else): the benchmark's floor\n"
    "  rules                list the rules\n"
    "  rule CODE            print the documentation of a rule (or of ours that cover a peer's:\n"
    "                       ASYNC251, no-floating-promises)\n"
    "  install-hook [--force]  write a git pre-commit hook running `check --staged`\n"
    "  lsp                  run the Language Server on stdin/stdout (editors)\n"
    "\n"
    "check options:\n"
    "  -f, --format FORMAT  text (default), concise (one line per finding), json, json-lines,\n"
    "                       sarif (2.1.0), github (workflow annotations), gitlab (Code Quality),\n"
    "                       junit (XML) or pylint (also --output-format, as Ruff spells it)\n"
    "  --select CODES       only these rules (comma separated codes or prefixes, ALL)\n"
    "  --extend-select CODES  these rules too, on top of the selection (opt-in rules: AL501, AL503,\n"
    "                       AL508, AL510, AL524)\n"
    "  --ignore CODES       skip these rules (codes or prefixes)\n"
    "  -j, --jobs N         worker threads (default: number of cores)\n"
    "  --color auto|always|never\n"
    "  -q, --quiet          no summary line\n"
    "  -o, --output-file FILE  write the report to FILE (replaced whole at the end; kept on errors)\n"
    "  --fix                apply safe fixes (atomic writes; files changed meanwhile are skipped)\n"
    "  --unsafe-fixes       with --fix or --diff: unsafe fixes too\n"
    "  --diff               print the fixes as a unified diff instead of writing\n"
    "  --exit-zero          exit 0 even when there are findings (errors still exit 2/3)\n"
    "  --baseline FILE      report only findings not recorded in FILE (robust to moved lines)\n"
    "  --write-baseline FILE  record the current findings in FILE and exit 0\n"
    "  --diff-base REV      report only findings on lines changed since git revision REV\n"
    "  --staged             lint what is staged for commit (the git index), not the working tree\n"
    "  --config FILE        use this configuration for every file (default: the nearest\n"
    "                       .asynclint.yaml upward from each file)\n"
    "  --shard K/N          report only on the K-th of N slices of the files (CI matrices);\n"
    "                       every shard still reads the whole project for the index\n"
    "  --statistics         print a count per rule (most frequent first) instead of the findings;\n"
    "                       with --format json, as JSON\n"
    "  --stats              print phase times and memory to stderr\n"
    "  --no-follow-imports  do not read the project files that the files named import\n"
    "                       (by default they feed the cross-file index, unreported)\n"
    "  --stdin-filename PATH  lint the text on stdin as the file PATH (editors; paths: none or\n"
    "                       '-'); with --fix the text goes to stdout, fixed, and findings to stderr\n"
    "  --no-cache           do not read or write the cache of per-file results\n"
    "  --cache-dir DIR      keep the cache in DIR (default: $ASYNCLINT_CACHE_DIR, else\n"
    "                       $XDG_CACHE_HOME/asynclint, else ~/.cache/asynclint)\n"
    "\n"
    "  --version            print the version\n"
    "  -h, --help           this help\n"
    "\n"
    "exit codes: 0 no findings, 1 findings, 2 usage or configuration error, 3 internal error\n";

static int usage_error(const char *fmt, const char *arg) {
  fprintf(stderr, "asynclint: ");
  fprintf(stderr, fmt, arg);
  fprintf(stderr, "\nTry 'asynclint --help'.\n");
  return 2;
}

static void split_codes(al_vec *v, const char *arg) {
  char *copy = al_strdup(arg);
  for (char *save = NULL, *t = strtok_r(copy, ", ", &save); t; t = strtok_r(NULL, ", ", &save))
    al_vec_push(v, al_strdup(t));
  free(copy);
}

static void free_opts(al_options *o) {
  for (size_t i = 0; i < o->select.len; i++) free(o->select.items[i]);
  for (size_t i = 0; i < o->ignore.len; i++) free(o->ignore.items[i]);
  for (size_t i = 0; i < o->extend_select.len; i++) free(o->extend_select.items[i]);
  al_vec_free(&o->extend_select);
  al_vec_free(&o->select);
  al_vec_free(&o->ignore);
}

/* Reads all of stdin into the source overlay of path (at most AL_MAX_FILE_SIZE). */
static int read_stdin(const char *path, char **why) {
  size_t cap = 1 << 16, len = 0;
  char *buf = al_malloc(cap);
  for (;;) {
    if (len > AL_MAX_FILE_SIZE) {
      *why = al_fmt("larger than the %zu MB limit", AL_MAX_FILE_SIZE >> 20);
      free(buf);
      return -1;
    }
    if (len == cap) {
      cap *= 2;
      buf = al_realloc(buf, cap);
    }
    size_t r = fread(buf + len, 1, cap - len, stdin);
    len += r;
    if (r == 0) {
      if (ferror(stdin)) {
        *why = al_fmt("cannot read");
        free(buf);
        return -1;
      }
      break;
    }
  }
  al_source_set_overlay(path, buf, len);
  free(buf);
  return 0;
}

static mode_t current_umask(void) {
  mode_t m = umask(022);
  umask(m);
  return m;
}

static int cmd_check(int argc, char **argv) {
  al_options o = {.jobs = 0, .format = AL_FMT_TEXT};
  const char *color = "auto";
  bool staged = false;
  const char *output_file = NULL;
  char *output_tmp = NULL;
  static const struct option longopts[] = {
      {"format", required_argument, 0, 'f'}, {"output-format", required_argument, 0, 'f'},
      {"select", required_argument, 0, 's'},
      {"extend-select", required_argument, 0, 'E'},
      {"ignore", required_argument, 0, 'i'}, {"jobs", required_argument, 0, 'j'},
      {"color", required_argument, 0, 'c'},  {"quiet", no_argument, 0, 'q'},
      {"help", no_argument, 0, 'h'},         {"fix", no_argument, 0, 'F'},
      {"diff", no_argument, 0, 'D'},         {"unsafe-fixes", no_argument, 0, 'U'},
      {"exit-zero", no_argument, 0, 'Z'},    {"baseline", required_argument, 0, 'B'},
      {"write-baseline", required_argument, 0, 'W'}, {"diff-base", required_argument, 0, 'R'},
      {"config", required_argument, 0, 'C'},   {"staged", no_argument, 0, 'S'},
      {"shard", required_argument, 0, 'K'},    {"stats", no_argument, 0, 'T'},
      {"no-cache", no_argument, 0, 'N'},       {"cache-dir", required_argument, 0, 'd'},
      {"statistics", no_argument, 0, 'A'},   {"no-follow-imports", no_argument, 0, 'O'},
      {"stdin-filename", required_argument, 0, 'I'}, {"output-file", required_argument, 0, 'o'},
      {0, 0, 0, 0}};
  int ch, rc = 0;
  optind = 1;
  opterr = 0;
  while ((ch = getopt_long(argc, argv, "f:j:qho:", longopts, NULL)) != -1) {
    switch (ch) {
    case 'f':
      if (!strcmp(optarg, "text")) o.format = AL_FMT_TEXT;
      else if (!strcmp(optarg, "json")) o.format = AL_FMT_JSON;
      else if (!strcmp(optarg, "sarif")) o.format = AL_FMT_SARIF;
      else if (!strcmp(optarg, "github")) o.format = AL_FMT_GITHUB;
      else if (!strcmp(optarg, "concise")) o.format = AL_FMT_CONCISE;
      else if (!strcmp(optarg, "json-lines")) o.format = AL_FMT_JSON_LINES;
      else if (!strcmp(optarg, "gitlab")) o.format = AL_FMT_GITLAB;
      else if (!strcmp(optarg, "junit")) o.format = AL_FMT_JUNIT;
      else if (!strcmp(optarg, "pylint")) o.format = AL_FMT_PYLINT;
      else {
        rc = usage_error("unknown format '%s' (text, concise, json, json-lines, sarif, github, gitlab, junit, pylint)",
                         optarg);
        goto out;
      }
      break;
    case 's': split_codes(&o.select, optarg); break;
    case 'E': split_codes(&o.extend_select, optarg); break;
    case 'i': split_codes(&o.ignore, optarg); break;
    case 'j': {
      char *end;
      long n = strtol(optarg, &end, 10);
      if (*end || n < 1 || n > 256) { rc = usage_error("-j wants a number from 1 to 256, not '%s'", optarg); goto out; }
      o.jobs = (int)n;
      break;
    }
    case 'c':
      if (strcmp(optarg, "auto") && strcmp(optarg, "always") && strcmp(optarg, "never")) {
        rc = usage_error("--color is auto, always or never, not '%s'", optarg);
        goto out;
      }
      color = optarg;
      break;
    case 'q': o.quiet = true; break;
    case 'F': o.fix = true; break;
    case 'D': o.diff = true; break;
    case 'U': o.unsafe_fixes = true; break;
    case 'Z': o.exit_zero = true; break;
    case 'B': o.baseline = optarg; break;
    case 'W': o.write_baseline = optarg; break;
    case 'R': o.diff_base = optarg; break;
    case 'C': o.config_path = optarg; break;
    case 'S': staged = true; break;
    case 'K': {
      int k = 0, n = 0;
      char tail;
      if (sscanf(optarg, "%d/%d%c", &k, &n, &tail) != 2 || n < 1 || k < 1 || k > n) {
        rc = usage_error("--shard wants K/N with 1 <= K <= N, not '%s'", optarg);
        goto out;
      }
      o.shard_k = k;
      o.shard_n = n;
      break;
    }
    case 'T': o.stats = true; break;
    case 'A': o.statistics = true; break;
    case 'N': o.no_cache = true; break;
    case 'O': o.no_follow = true; break;
    case 'd': o.cache_dir = optarg; break;
    case 'o':
      if (!*optarg) { rc = usage_error("%s", "--output-file wants a path"); goto out; }
      output_file = optarg;
      break;
    case 'I':
      if (!*optarg) { rc = usage_error("%s", "--stdin-filename wants the path the text on stdin stands for"); goto out; }
      o.stdin_path = optarg;
      break;
    case 'h': fputs(usage_text, stdout); goto out;
    default:
      rc = usage_error("unknown or incomplete option '%s'", argv[optind - 1]);
      goto out;
    }
  }
  const char *bad = al_options_bad_code(&o);
  if (bad) { rc = usage_error("unknown rule code or prefix '%s' (see 'asynclint rules')", bad); goto out; }
  if (!strcmp(color, "always")) o.color = 1;
  else if (!strcmp(color, "never")) o.color = 0;
  else o.color = isatty(STDOUT_FILENO) && !getenv("NO_COLOR");
  if (output_file) {
    /* written beside the target and renamed over it at the end: never a half-written report */
    output_tmp = al_fmt("%s.asynclint-XXXXXX", output_file);
    int fd = mkstemp(output_tmp);
    if (fd < 0 || !(o.report = fdopen(fd, "w"))) {
      fprintf(stderr, "asynclint: %s: cannot write: %s\n", output_file, strerror(errno));
      if (fd >= 0) close(fd), unlink(output_tmp);
      free(output_tmp);
      output_tmp = NULL;
      rc = 2;
      goto out;
    }
    fchmod(fd, 0644 & ~current_umask());
    if (!strcmp(color, "auto") && (!o.stdin_path || !o.fix)) o.color = 0; /* a file, not a terminal */
  }
  const char *dot[] = {"."};
  int npaths = argc - optind;
  if (o.stdin_path) {
    if (staged || o.diff_base || o.shard_n > 1 || npaths > 1 || (npaths == 1 && strcmp(argv[optind], "-"))) {
      rc = usage_error("%s", "--stdin-filename lints stdin as one file: no other paths (only '-'), --staged, "
                             "--diff-base or --shard with it");
      goto out;
    }
    char *why = NULL;
    if (read_stdin(o.stdin_path, &why) < 0) {
      fprintf(stderr, "asynclint: stdin: %s\n", why);
      free(why);
      rc = 2;
      goto out;
    }
    rc = al_check(&o, NULL, 0, stdout, stderr);
    al_source_set_overlay(NULL, NULL, 0);
    goto out;
  }
  if (npaths == 1 && !strcmp(argv[optind], "-")) {
    rc = usage_error("%s", "'-' reads stdin: say which file it is with --stdin-filename PATH");
    goto out;
  }
  if (staged) {
    if (npaths || o.fix || o.diff) {
      rc = usage_error("%s", "--staged lints the staged files: no paths, --fix or --diff with it");
      goto out;
    }
    rc = al_check_staged(&o, stdout, stderr);
    goto out;
  }
  rc = al_check(&o, npaths ? (const char *const *)argv + optind : dot, npaths ? npaths : 1, stdout, stderr);
out:
  if (o.report) {
    bool ok = !ferror(o.report) && fflush(o.report) == 0 && fsync(fileno(o.report)) == 0;
    ok = fclose(o.report) == 0 && ok;
    if (rc >= 2) { /* a usage, configuration or internal error: the last report stays as it was */
      unlink(output_tmp);
    } else if (!ok || rename(output_tmp, output_file) < 0) {
      fprintf(stderr, "asynclint: %s: cannot write: %s\n", output_file, strerror(errno));
      unlink(output_tmp);
      rc = 2;
    }
  }
  free(output_tmp);
  free_opts(&o);
  return rc;
}

static int cmd_parse(int argc, char **argv) {
  al_options o = {.jobs = 0};
  int i = 1;
  for (; i < argc && argv[i][0] == '-'; i++) {
    if (!strcmp(argv[i], "-j") && i + 1 < argc) o.jobs = atoi(argv[++i]);
    else if (!strncmp(argv[i], "-j", 2) && argv[i][2]) o.jobs = atoi(argv[i] + 2);
    else return usage_error("parse: unknown option '%s'", argv[i]);
  }
  if (i >= argc) return usage_error("%s", "parse takes one or more PATHs");
  return al_parse_files(&o, (const char *const *)argv + i, argc - i, stdout, stderr);
}

static int cmd_dump(int argc, char **argv, bool ast) {
  if (argc != 2) return usage_error("%s", "dump-ir takes exactly one FILE");
  const char *path = argv[1];
  al_lang lang = al_lang_from_path(path);
  if (lang == AL_LANG_NONE) return usage_error("%s: not a Python, JavaScript or C file", path);
  al_source src;
  char *err = NULL;
  if (al_source_load(&src, path, lang, &err) < 0) {
    fprintf(stderr, "asynclint: %s: %s\n", path, err);
    free(err);
    return 2;
  }
  if (ast) {
    char *s = al_dump_ast(&src);
    fputs(s, stdout);
    free(s);
    al_source_free(&src);
    return 0;
  }
  char *abs = realpath(path, NULL);
  char *module = al_module_id(abs ? abs : path, lang);
  al_lower_ctx ctx = {.abs_path = abs ? abs : path, .module = module};
  ir_file *f = al_lower(&src, &ctx, &err);
  int rc = 0;
  if (!f) {
    fprintf(stderr, "asynclint: %s: %s\n", path, err);
    free(err);
    rc = 3;
  } else {
    al_buf b = {0};
    ir_print(f, &b);
    fwrite(b.data, 1, b.len, stdout);
    al_buf_free(&b);
    ir_file_free(f);
  }
  free(module);
  free(abs);
  al_source_free(&src);
  return rc;
}

static int cmd_rule(int argc, char **argv) {
  if (argc != 3) return usage_error("%s", "rule wants one rule code, e.g. 'asynclint rule AL101'");
  const al_rule *r = al_rule_find(argv[2]);
  const char *doc = r ? al_rule_doc(r->code) : NULL;
  if (!r) { /* a peer's rule (`asynclint rule ASYNC251`, `... no-floating-promises`): the pages of ours */
    const al_kb_entry *e = NULL;
    const al_lang langs[] = {AL_LANG_PYTHON, AL_LANG_JS};
    for (size_t i = 0; !e && i < sizeof langs / sizeof *langs; i++) e = al_kb_find(al_kb_for(langs[i]), "peer_codes", argv[2]);
    const char *codes = e ? al_kb_attr(e, "codes") : NULL;
    if (codes) {
      printf("%s is covered by %s (docs/peers.md).\n", argv[2], codes);
      for (size_t i = 0; i < al_rule_count; i++) { /* every rule a listed code or prefix covers */
        const char *c = al_rules[i]->code;
        bool listed = false;
        for (const char *p = codes; *p && !listed;) {
          size_t n = strcspn(p, ",");
          listed = n && n <= strlen(c) && !strncmp(p, c, n);
          p += n + (p[n] == ',');
        }
        const char *page = listed ? al_rule_doc(c) : NULL;
        if (page) printf("\n%s", page);
      }
      return 0;
    }
  }
  if (!r || !doc) return usage_error("unknown rule code '%s' (see 'asynclint rules')", argv[2]);
  fputs(doc, stdout);
  return 0;
}

static int cmd_rules(void) {
  for (size_t i = 0; i < al_rule_count; i++) {
    const al_rule *r = al_rules[i];
    printf("%s  %-28s %-22s %s%s\n", r->code, r->name, al_family_name(r->family), r->summary,
           r->opt_in ? " (opt-in)" : "");
  }
  return 0;
}

int main(int argc, char **argv) {
  /* the knowledge of a language is loaded when first used (kb.c): `parse`, the
   * benchmark's floor, loads none, and a Python-only run only python.yaml */
  int rc;
  if (argc < 2) {
    fputs(usage_text, stderr);
    rc = 2;
  } else if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "-V")) {
    extern const char al_build_id[]; /* a hash of the sources: tells two builds of one version apart */
    printf("asynclint %s (build %s)\n", AL_VERSION, al_build_id);
    rc = 0;
  } else if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
    fputs(usage_text, stdout);
    rc = 0;
  } else if (!strcmp(argv[1], "check")) {
    rc = cmd_check(argc - 1, argv + 1);
  } else if (!strcmp(argv[1], "dump-ir")) {
    rc = cmd_dump(argc - 1, argv + 1, false);
  } else if (!strcmp(argv[1], "dump-ast")) {
    rc = cmd_dump(argc - 1, argv + 1, true);
  } else if (!strcmp(argv[1], "parse")) {
    rc = cmd_parse(argc - 1, argv + 1);
  } else if (!strcmp(argv[1], "rules")) {
    rc = cmd_rules();
  } else if (!strcmp(argv[1], "rule")) {
    rc = cmd_rule(argc, argv);
  } else if (!strcmp(argv[1], "lsp")) {
    rc = argc == 2 ? al_lsp_serve(stdin, stdout) : usage_error("%s", "lsp takes no arguments");
  } else if (!strcmp(argv[1], "install-hook")) {
    bool force = argc == 3 && !strcmp(argv[2], "--force");
    rc = argc > 3 || (argc == 3 && !force) ? usage_error("%s", "install-hook takes only --force")
                                           : al_install_hook(force, stdout, stderr);
  } else {
    rc = usage_error("unknown command '%s' (check, dump-ir, dump-ast, rules, rule)", argv[1]);
  }
  al_kb_shutdown();
  return rc;
}
