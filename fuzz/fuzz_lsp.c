/* fuzz_lsp: bytes as the client's side of the stdio stream -> framing (Content-Length
 * headers), JSON parsing and the dispatcher (lifecycle, documents, changes, code
 * actions). Properties: no crash, no hang, no sanitizer report; the server returns when
 * its input ends. */
#include <sys/mman.h>
#include <unistd.h>

#include "fuzz_common.h"
#include "lsp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static FILE *out;
  fuzz_init_kb();
  if (!out) out = fopen("/dev/null", "w");
  int fd = memfd_create("lsp-input", 0);
  if (fd < 0) abort();
  for (size_t off = 0; off < size;) {
    ssize_t w = write(fd, data + off, size - off);
    if (w <= 0) abort();
    off += (size_t)w;
  }
  lseek(fd, 0, SEEK_SET);
  FILE *in = fdopen(fd, "rb");
  int rc = al_lsp_serve(in, out);
  FUZZ_CHECK(rc == 0 || rc == 1, "the server returned an unexpected code");
  fclose(in);
  return 0;
}
