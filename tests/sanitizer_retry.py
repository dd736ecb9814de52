"""subprocess.run for the tests that lint the fixtures (C ones load libclang), retried
once when LeakSanitizer's own tracer thread crashed at exit ("Tracer caught signal 11
... LeakSanitizer has encountered a fatal error"). Seen twice in the sanitizer build,
both times under load and in a run that loaded libclang (validate.py, session 8;
test_streaming.py, session 9); never reproduced in hundreds of reruns. That is the
sanitizer failing, not asynclint: such a run is retried, once; any other failure
stands, and a second crash fails the test."""
import subprocess

LSAN_CRASH = "LeakSanitizer has encountered a fatal error"


def run(cmd, **kw):
    proc = subprocess.run(cmd, **kw)
    err = proc.stderr or ""
    if isinstance(err, bytes):
        err = err.decode("utf-8", "replace")
    if proc.returncode not in (0, 1) and LSAN_CRASH in err:
        proc = subprocess.run(cmd, **kw)
    return proc
