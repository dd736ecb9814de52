#!/usr/bin/env python3
"""Runs a Python fixture's `async def main()` under asyncio in debug mode and prints
what it did, as JSON: coroutines never awaited, slow callbacks (loop stalls), peak
concurrent tasks, task exceptions never retrieved, and whether a cancelled main
finished within a deadline (when the fixture sets CANCEL_AFTER).

A fixture that sets SLOW_DNS (seconds) gets a resolver that answers that late, as a DNS
server across a network does: this machine resolves from /etc/hosts at once (or fails at
once without a network), which would hide a lookup made on the loop. The names still
resolve for real, after the delay, on whichever thread asked."""
import asyncio
import gc
import importlib.util
import json
import logging
import socket
import sys
import time
import warnings

SLOW = 0.05  # seconds: a callback running longer stalls the loop


class Capture(logging.Handler):
    def __init__(self):
        super().__init__()
        self.records = []

    def emit(self, record):
        self.records.append(record.getMessage())


def stage_slow_dns(delay):
    """The resolver functions of the socket module answer after `delay` seconds."""
    def slow(real):
        def lookup(*args, **kwargs):
            time.sleep(delay)
            return real(*args, **kwargs)
        return lookup
    for name in ("getaddrinfo", "gethostbyname", "gethostbyname_ex", "gethostbyaddr", "getnameinfo"):
        setattr(socket, name, slow(getattr(socket, name)))


def main():
    path = sys.argv[1]
    spec = importlib.util.spec_from_file_location("fixture", path)
    mod = importlib.util.module_from_spec(spec)
    report = {"never_awaited": 0, "slow_callbacks": 0, "longest_stall_ms": 0.0, "peak_tasks": 0,
              "unretrieved_exceptions": 0, "cancel_honoured": None, "error": None}
    cap = Capture()
    logging.getLogger("asyncio").addHandler(cap)
    logging.getLogger("asyncio").setLevel(logging.DEBUG)

    async def sampler(stop):
        while not stop.is_set():
            report["peak_tasks"] = max(report["peak_tasks"], len(asyncio.all_tasks()) - 2)
            await asyncio.sleep(0.0005)

    async def runner():
        loop = asyncio.get_running_loop()
        loop.slow_callback_duration = SLOW
        stop = asyncio.Event()
        samp = asyncio.create_task(sampler(stop))
        task = asyncio.create_task(mod.main())
        cancel_after = getattr(mod, "CANCEL_AFTER", None)
        try:
            if cancel_after is not None:
                await asyncio.sleep(cancel_after)
                task.cancel()
                t0 = time.monotonic()
                try:
                    await asyncio.wait_for(asyncio.shield(task), timeout=1.0)
                    report["cancel_honoured"] = False  # it finished normally: swallowed
                except asyncio.CancelledError:
                    report["cancel_honoured"] = time.monotonic() - t0 < 1.0
                except asyncio.TimeoutError:
                    report["cancel_honoured"] = False
            else:
                await task
        except Exception as exc:  # the fixture's own failure is data, not a probe error
            report["error"] = f"{type(exc).__name__}: {exc}"
            for sub in getattr(exc, "exceptions", ()):  # a TaskGroup's ExceptionGroup: what its tasks raised
                report["error"] += f"; {type(sub).__name__}: {sub}"
        finally:
            stop.set()
            await samp  # asynclint: ignore[AL404] -- the sampler ends as soon as stop is set

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            spec.loader.exec_module(mod)
        except SyntaxError as exc:  # the fixture does not even compile (AL511): data too
            report["error"] = f"SyntaxError: {exc.msg}"
            print(json.dumps(report))
            return
        slow_dns = getattr(mod, "SLOW_DNS", None)
        if slow_dns:
            stage_slow_dns(slow_dns)
        asyncio.run(runner(), debug=True)
        gc.collect()
    report["never_awaited"] = sum("was never awaited" in str(w.message) for w in caught)
    for msg in cap.records:
        if msg.startswith("Executing") and " took " in msg:
            report["slow_callbacks"] += 1
            secs = float(msg.rsplit(" took ", 1)[1].split(" ")[0])
            report["longest_stall_ms"] = max(report["longest_stall_ms"], secs * 1000)
        if "exception was never retrieved" in msg:
            report["unretrieved_exceptions"] += 1
    print(json.dumps(report))


if __name__ == "__main__":
    main()
