/* fuzz_replay: a main() for the fuzz targets outside libFuzzer: runs the target once on
 * each file named (directories: each file inside). The regression corpus runs this way
 * in every ctest run, sanitizer builds included. */
#include <dirent.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz_common.h"
#include "util.h"

static int run_file(const char *path) {
  FILE *fh = fopen(path, "rb");
  if (!fh) {
    fprintf(stderr, "fuzz_replay: cannot read %s\n", path);
    return 1;
  }
  al_buf b = {0};
  char chunk[65536];
  size_t n;
  while ((n = fread(chunk, 1, sizeof chunk, fh)) > 0) al_buf_add(&b, chunk, n);
  fclose(fh);
  LLVMFuzzerTestOneInput((const uint8_t *)(b.data ? b.data : ""), b.len);
  al_buf_free(&b);
  return 0;
}

int main(int argc, char **argv) {
  int bad = 0, runs = 0;
  for (int i = 1; i < argc; i++) {
    struct stat st;
    if (stat(argv[i], &st) == 0 && S_ISDIR(st.st_mode)) {
      struct dirent **names;
      int k = scandir(argv[i], &names, NULL, alphasort);
      for (int j = 0; j < k; j++) {
        if (names[j]->d_name[0] != '.') {
          char *p = al_fmt("%s/%s", argv[i], names[j]->d_name);
          bad |= run_file(p);
          runs++;
          free(p);
        }
        free(names[j]);
      }
      if (k >= 0) free(names);
    } else {
      bad |= run_file(argv[i]);
      runs++;
    }
  }
  printf("%d inputs replayed\n", runs);
  al_kb_shutdown();
  return bad;
}
