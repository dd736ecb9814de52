/* Linked into a C fixture by tests/validate.py when the fixture names the environment its
 * defect needs, which this machine does not have:
 *   SLOW_DNS           getaddrinfo() answers after 100 ms, as a DNS server across a
 *                      network does (here names resolve from /etc/hosts at once);
 *   ENTROPY_NOT_READY  getrandom() without GRND_NONBLOCK waits 100 ms, as it does before
 *                      the kernel's entropy pool is initialised (early boot, fresh VMs).
 * Each wrapper then calls the real function (dlsym RTLD_NEXT): results stay real. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <netdb.h>
#include <sys/random.h>
#include <unistd.h>

#define STAGED_DELAY_US (100 * 1000)

#ifdef STAGE_SLOW_DNS
int getaddrinfo(const char *node, const char *service, const struct addrinfo *hints, struct addrinfo **res) {
  int (*real)(const char *, const char *, const struct addrinfo *, struct addrinfo **) =
      (int (*)(const char *, const char *, const struct addrinfo *, struct addrinfo **))dlsym(RTLD_NEXT,
                                                                                              "getaddrinfo");
  usleep(STAGED_DELAY_US);
  return real ? real(node, service, hints, res) : EAI_FAIL;
}
#endif

#ifdef STAGE_ENTROPY_NOT_READY
ssize_t getrandom(void *buf, size_t len, unsigned flags) {
  ssize_t (*real)(void *, size_t, unsigned) = (ssize_t(*)(void *, size_t, unsigned))dlsym(RTLD_NEXT, "getrandom");
  if (!(flags & GRND_NONBLOCK)) usleep(STAGED_DELAY_US);
  return real ? real(buf, len, flags) : -1;
}
#endif
