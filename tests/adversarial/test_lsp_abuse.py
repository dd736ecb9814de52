#!/usr/bin/env python3
"""`asynclint lsp` under abuse: thousands of rapid edits, versions out of order, a huge
document, invalid JSON and bad framing in the middle of a session, a request for a
document never opened, and stdin closed mid-message. The server answers or errors
correctly, never crashes, its memory stays bounded, and it exits cleanly on EOF."""
import json
import os
import sys
import shutil
import tempfile
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import test_lsp  # noqa: E402  (the client is shared)

BIN = None
ASAN = "ASAN_OPTIONS" in os.environ
BUG = "import asyncio\nimport time\n\n\nasync def f():\n    time.sleep(1)\n"


def frame(msg):
    body = json.dumps(msg).encode()
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


class Server(test_lsp.Client):
    """The JSON-RPC client of tests/test_lsp.py; here notifications are the default and
    a reply may come after thousands of other messages."""

    def send(self, method, params=None, request=False):
        return super().send(method, params, request)

    def request(self, method, params=None):
        i = self.send(method, params, request=True)
        return self.until(lambda m: m.get("id") == i)

    def until(self, pred, limit=10000):
        for _ in range(limit):
            m = self.read()
            if pred(m):
                return m
        raise AssertionError("not received")

    def peak_rss_mb(self):
        with open(f"/proc/{self.p.pid}/status") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) // 1024
        return 0


class LspAbuse(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="asynclint-lsp-abuse-")
        self.uri = "file://" + os.path.join(self.dir, "a.py")
        self.s = Server()
        r = self.s.request("initialize", {"processId": None, "rootUri": "file://" + self.dir, "capabilities": {}})
        self.assertIn("capabilities", r["result"])
        self.s.send("initialized", {})

    def tearDown(self):
        if self.s.p.poll() is None:
            self.s.p.kill()
        self.s.p.wait()
        for f in (self.s.p.stdin, self.s.p.stdout, self.s.p.stderr):
            try:
                f.close()
            except BrokenPipeError:
                pass
        shutil.rmtree(self.dir, ignore_errors=True)

    def diags(self, version=None):
        m = self.s.until(lambda m: m.get("method") == "textDocument/publishDiagnostics"
                         and (version is None or m["params"].get("version") == version))
        return m["params"]["diagnostics"]

    def finish(self):
        self.assertIsNone(self.s.request("shutdown")["result"])
        self.s.send("exit")
        self.assertEqual(self.s.p.wait(timeout=30), 0)

    def test_thousands_of_rapid_edits(self):
        """5,000 incremental edits in one burst (typing and deleting a character), then the
        last version's diagnostics; peak RSS under 200 MB."""
        self.s.send("textDocument/didOpen", {"textDocument": {"uri": self.uri, "languageId": "python",
                                                              "version": 1, "text": BUG}})
        self.diags(1)
        burst = []
        for v in range(2, 5002):
            pos = {"line": 2, "character": 0}
            if v % 2 == 0:
                change = {"range": {"start": pos, "end": pos}, "text": "x"}
            else:
                change = {"range": {"start": pos, "end": {"line": 2, "character": 1}}, "text": ""}
            burst.append(frame({"jsonrpc": "2.0", "method": "textDocument/didChange",
                                "params": {"textDocument": {"uri": self.uri, "version": v},
                                           "contentChanges": [change]}}))
        self.s.raw(b"".join(burst))
        d = self.diags(5001)
        self.assertEqual([(x["code"], x["range"]["start"]["line"]) for x in d], [("AL201", 5)])
        if not ASAN:
            self.assertLess(self.s.peak_rss_mb(), 200)
        self.finish()

    def test_out_of_order_versions(self):
        self.s.send("textDocument/didOpen", {"textDocument": {"uri": self.uri, "languageId": "python",
                                                              "version": 10, "text": BUG}})
        self.diags(10)
        for v in (3, 9, 1):  # older than what the server has: ignored
            self.s.send("textDocument/didChange", {"textDocument": {"uri": self.uri, "version": v},
                                                   "contentChanges": [{"text": "x = 1\n"}]})
        self.s.send("textDocument/didChange", {"textDocument": {"uri": self.uri, "version": 11},
                                               "contentChanges": [{"text": BUG + "\n"}]})
        self.assertEqual([x["code"] for x in self.diags(11)], ["AL201"])
        self.finish()

    def test_huge_documents(self):
        """A 2 MB document is linted; a 20 MB one is not linted as you type (the client is
        told why, once) and costs no parse; shrunk again it is linted. Peak RSS under
        600 MB."""
        mid = "x = 1\n" * (2 * 1024 * 1024 // 6) + BUG
        self.s.send("textDocument/didOpen", {"textDocument": {"uri": self.uri, "languageId": "python",
                                                              "version": 1, "text": mid}})
        self.assertEqual([x["code"] for x in self.diags(1)], ["AL201"])
        huge = "x = 1\n" * (20 * 1024 * 1024 // 6) + BUG
        self.s.send("textDocument/didChange", {"textDocument": {"uri": self.uri, "version": 2},
                                               "contentChanges": [{"text": huge}]})
        told = self.s.until(lambda m: m.get("method") == "window/showMessage")
        self.assertIn("over the 8 MB limit", told["params"]["message"])
        self.assertEqual(self.diags(2), [])
        self.s.send("textDocument/didChange", {"textDocument": {"uri": self.uri, "version": 3},
                                               "contentChanges": [{"text": BUG}]})
        self.assertEqual([x["code"] for x in self.diags(3)], ["AL201"])
        if not ASAN:
            self.assertLess(self.s.peak_rss_mb(), 600)
        self.finish()

    def test_garbage_between_good_messages(self):
        s = self.s
        s.raw(b"Content-Length: 9\r\n\r\n{not json")
        self.assertEqual(s.until(lambda m: "error" in m)["error"]["code"], -32700)
        s.raw(b"Content-Length: abc\r\n\r\n")
        self.assertEqual(s.until(lambda m: "error" in m)["error"]["code"], -32700)
        s.raw(b"Content-Length: 4\r\n\r\nnull")
        self.assertEqual(s.until(lambda m: "error" in m)["error"]["code"], -32600)
        s.raw(b"X-Nothing: 1\r\n\r\n")  # no Content-Length at all
        self.assertEqual(s.until(lambda m: "error" in m)["error"]["code"], -32700)
        s.raw(b"Content-Length: 999999999999\r\n\r\n")  # larger than the server accepts
        self.assertEqual(s.until(lambda m: "error" in m)["error"]["code"], -32700)
        r = s.request("no/such/method")
        self.assertEqual(r["error"]["code"], -32601)
        # requests about documents never opened, and with broken params, still get answers
        r = s.request("textDocument/codeAction", {"textDocument": {"uri": "file:///nowhere.py"},
                                                  "range": {"start": {"line": 0, "character": 0},
                                                            "end": {"line": 0, "character": 0}}})
        self.assertEqual(r["result"], [])
        r = s.request("textDocument/codeAction", {"textDocument": 5, "range": "x"})
        self.assertEqual(r["result"], [])
        s.send("textDocument/didChange", {"textDocument": {"uri": 7}, "contentChanges": "no"})
        s.send("textDocument/didOpen", {"textDocument": {"uri": "not-a-uri", "text": BUG}})
        s.send("textDocument/didOpen", {"textDocument": {"uri": self.uri, "text": BUG, "version": 1}})
        self.assertEqual([x["code"] for x in self.diags(1)], ["AL201"])
        # an edit whose range is past the end of the document is clamped, not a crash
        s.send("textDocument/didChange", {"textDocument": {"uri": self.uri, "version": 2}, "contentChanges": [
            {"range": {"start": {"line": 999, "character": 5}, "end": {"line": -4, "character": -1}}, "text": "y"}]})
        self.diags(2)
        self.finish()

    def test_stdin_closed_mid_message(self):
        self.s.raw(b"Content-Length: 500\r\n\r\n{\"jsonrpc\": \"2.0\", \"method\": \"textDoc")
        self.s.p.stdin.close()
        self.assertEqual(self.s.p.wait(timeout=30), 1)  # EOF without shutdown: exit code 1, no crash


if __name__ == "__main__":
    BIN = test_lsp.BIN = os.path.abspath(sys.argv.pop(1))
    unittest.main(verbosity=2)
