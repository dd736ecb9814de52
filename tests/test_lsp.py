#!/usr/bin/env python3
"""`asynclint lsp` driven by a JSON-RPC client: lifecycle, diagnostics on open and on
incremental/full changes, code actions (the fix and "ignore on this line"), closing,
configuration, and malformed input answered with the right JSON-RPC errors."""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

BIN = None
BUG = "import asyncio\nimport time\n\n\nasync def f():\n    time.sleep(1)\n"


class Client:
    def __init__(self):
        self.p = subprocess.Popen([BIN, "lsp"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE)
        self.next_id = 0

    def raw(self, data):
        self.p.stdin.write(data)
        self.p.stdin.flush()

    def send(self, method, params=None, request=True):
        msg = {"jsonrpc": "2.0", "method": method}
        if params is not None:
            msg["params"] = params
        if request:
            self.next_id += 1
            msg["id"] = self.next_id
        body = json.dumps(msg).encode()
        self.raw(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        return msg.get("id")

    def read(self):
        headers = {}
        while True:
            line = self.p.stdout.readline()
            if not line:
                raise EOFError("server closed its output")
            if line in (b"\r\n", b"\n"):
                break
            k, v = line.decode().split(":", 1)
            headers[k.strip().lower()] = v.strip()
        return json.loads(self.p.stdout.read(int(headers["content-length"])))

    def until(self, pred):
        for _ in range(50):
            m = self.read()
            if pred(m):
                return m
        raise AssertionError("message not received")

    def request(self, method, params=None):
        i = self.send(method, params)
        return self.until(lambda m: m.get("id") == i)

    def close(self):
        try:
            self.p.stdin.close()
        except BrokenPipeError:
            pass
        return self.p.wait(timeout=10)


class Lsp(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="asynclint-lsp-")
        self.path = os.path.join(self.dir, "a.py")
        self.uri = "file://" + self.path
        self.c = Client()

    def tearDown(self):
        if self.c.p.poll() is None:
            self.c.p.kill()
        self.c.p.wait()
        for f in (self.c.p.stdin, self.c.p.stdout, self.c.p.stderr):
            try:
                f.close()
            except BrokenPipeError:
                pass
        shutil.rmtree(self.dir)

    def init(self):
        r = self.c.request("initialize", {"processId": None, "rootUri": "file://" + self.dir, "capabilities": {}})
        self.assertEqual(r["result"]["capabilities"]["textDocumentSync"]["change"], 2)
        self.c.send("initialized", {}, request=False)

    def diags(self):
        m = self.c.until(lambda m: m.get("method") == "textDocument/publishDiagnostics")
        self.assertEqual(m["params"]["uri"], self.uri)
        return m["params"]["diagnostics"]

    def test_diagnostics_changes_actions(self):
        self.init()
        self.c.send("textDocument/didOpen", {"textDocument": {"uri": self.uri, "languageId": "python", "version": 1,
                                                              "text": BUG}}, request=False)
        d = self.diags()
        self.assertEqual([(x["code"], x["range"]["start"]["line"], x["source"]) for x in d], [("AL201", 5, "asynclint")])
        # incremental: `time.sleep(1)` -> `await asyncio.sleep(1)` on line 5 (0-based)
        self.c.send("textDocument/didChange", {
            "textDocument": {"uri": self.uri, "version": 2},
            "contentChanges": [{"range": {"start": {"line": 5, "character": 4}, "end": {"line": 5, "character": 14}},
                                "text": "await asyncio.sleep"}]}, request=False)
        self.assertEqual(self.diags(), [])
        # full sync back to the bug, then the code actions for it
        self.c.send("textDocument/didChange", {"textDocument": {"uri": self.uri, "version": 3},
                                               "contentChanges": [{"text": BUG}]}, request=False)
        self.assertEqual(len(self.diags()), 1)
        r = self.c.request("textDocument/codeAction", {
            "textDocument": {"uri": self.uri},
            "range": {"start": {"line": 5, "character": 0}, "end": {"line": 5, "character": 0}},
            "context": {"diagnostics": []}})
        titles = [a["title"] for a in r["result"]]
        self.assertTrue(any("await asyncio.sleep" in t for t in titles), titles)
        self.assertIn("AL201: ignore on this line", titles)
        ignore = [a for a in r["result"] if a["title"].endswith("ignore on this line")][0]
        edit = ignore["edit"]["changes"][self.uri][0]
        self.assertEqual(edit["range"]["start"], {"line": 5, "character": 17})
        self.assertEqual(edit["newText"], "  # asynclint: ignore[AL201]")
        # an out-of-order (older) version is ignored
        self.c.send("textDocument/didChange", {"textDocument": {"uri": self.uri, "version": 1},
                                               "contentChanges": [{"text": "x = 1\n"}]}, request=False)
        self.c.send("textDocument/didClose", {"textDocument": {"uri": self.uri}}, request=False)
        self.assertEqual(self.diags(), [])
        self.assertIsNone(self.c.request("shutdown")["result"])
        self.c.send("exit", request=False)
        self.assertEqual(self.c.p.wait(timeout=10), 0)

    def test_hover_explains_the_finding(self):
        """Hover over a finding: its code, name and message, the fix on offer, and the rule
        page's why and example; nothing elsewhere."""
        caps = self.c.request("initialize", {"processId": None, "capabilities": {}})["result"]["capabilities"]
        self.assertTrue(caps.get("hoverProvider"))
        self.c.send("initialized", {}, request=False)
        self.c.send("textDocument/didOpen", {"textDocument": {"uri": self.uri, "languageId": "python", "version": 1,
                                                              "text": BUG}}, request=False)
        self.assertEqual(len(self.diags()), 1)
        r = self.c.request("textDocument/hover", {"textDocument": {"uri": self.uri},
                                                  "position": {"line": 5, "character": 9}})["result"]
        self.assertEqual(r["contents"]["kind"], "markdown")
        text = r["contents"]["value"]
        self.assertTrue(text.startswith("**AL201 blocking-sleep**: `time.sleep()` blocks the event loop"), text)
        self.assertIn("Fix (unsafe): ", text)
        self.assertIn("## Why is this bad?", text)
        self.assertIn("## Example", text)
        self.assertNotIn("## What it does", text)
        self.assertEqual(r["range"]["start"], {"line": 5, "character": 4})
        self.assertEqual(r["range"]["end"], {"line": 5, "character": 17})
        # a position with no finding, and a document that is not open
        self.assertIsNone(self.c.request("textDocument/hover", {"textDocument": {"uri": self.uri},
                                                                "position": {"line": 0, "character": 3}})["result"])
        self.assertIsNone(self.c.request("textDocument/hover", {"textDocument": {"uri": self.uri + "x"},
                                                                "position": {"line": 5, "character": 9}})["result"])
        # a malformed position is an empty answer, not a crash
        self.assertIsNone(self.c.request("textDocument/hover", {"textDocument": {"uri": self.uri},
                                                                "position": "x"})["result"])

    def test_fix_all_source_action(self):
        """`source.fixAll.asynclint` (editors' fix-on-save): every safe fix at once, as one
        edit of the whole text; `only` filters the kinds."""
        r = self.c.request("initialize", {"processId": None, "rootUri": "file://" + self.dir, "capabilities": {}})
        self.assertEqual(r["result"]["capabilities"]["codeActionProvider"]["codeActionKinds"],
                         ["quickfix", "source.fixAll.asynclint"])
        self.c.send("initialized", {}, request=False)
        text = "import asyncio\n\n\nasync def f():\n    asyncio.sleep(1)\n    asyncio.sleep(2)\n"
        self.c.send("textDocument/didOpen", {"textDocument": {"uri": self.uri, "languageId": "python", "version": 1,
                                                              "text": text}}, request=False)
        self.assertEqual(len(self.diags()), 2)
        whole = {"start": {"line": 0, "character": 0}, "end": {"line": 6, "character": 0}}
        r = self.c.request("textDocument/codeAction", {"textDocument": {"uri": self.uri}, "range": whole,
                                                       "context": {"diagnostics": [], "only": ["source.fixAll"]}})
        self.assertEqual([a["kind"] for a in r["result"]], ["source.fixAll.asynclint"])
        edit = r["result"][0]["edit"]["changes"][self.uri]
        self.assertEqual(len(edit), 1)
        self.assertEqual(edit[0]["range"], whole)
        self.assertEqual(edit[0]["newText"], text.replace("    asyncio.sleep", "    await asyncio.sleep"))
        r = self.c.request("textDocument/codeAction", {"textDocument": {"uri": self.uri}, "range": whole,
                                                       "context": {"diagnostics": [], "only": ["quickfix"]}})
        self.assertEqual({a["kind"] for a in r["result"]}, {"quickfix"})
        self.assertEqual(len(r["result"]), 4)  # a fix and an ignore per finding

    def test_typescript_document(self):
        """A .ts document goes through the TypeScript grammar: annotations and a declared
        Promise return type are understood."""
        self.init()
        uri = "file://" + os.path.join(self.dir, "svc.ts")
        text = ("interface Repo { load(id: string): Promise<number>; }\n"
                "export function go(r: Repo): void {\n  r.load('a');\n}\n")
        self.c.send("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "typescript", "version": 1,
                                                              "text": text}}, request=False)
        d = self.diags_for(uri)
        self.assertEqual([(x["code"], x["range"]["start"]["line"]) for x in d], [("AL101", 2)])

    def test_burst_is_debounced(self):
        """40 edits sent at once are linted once (or a few times), on the final text."""
        self.init()
        self.c.send("textDocument/didOpen", {"textDocument": {"uri": self.uri, "languageId": "python", "version": 1,
                                                              "text": "import time\n"}}, request=False)
        self.diags()
        burst = b""
        text = "import time\n"
        for v in range(2, 42):
            text = "import asyncio\nimport time\n\n\nasync def f():\n    time.sleep(%d)\n" % v
            body = json.dumps({"jsonrpc": "2.0", "method": "textDocument/didChange",
                               "params": {"textDocument": {"uri": self.uri, "version": v},
                                          "contentChanges": [{"text": text}]}}).encode()
            burst += b"Content-Length: %d\r\n\r\n" % len(body) + body
        self.c.raw(burst)
        first = self.c.until(lambda m: m.get("method") == "textDocument/publishDiagnostics")
        published = [first]
        i = self.c.send("shutdown")
        while True:
            m = self.c.read()
            if m.get("id") == i:
                break
            published.append(m)
        self.assertLessEqual(len(published), 3)
        self.assertEqual(published[-1]["params"]["version"], 41)
        self.assertEqual([d["code"] for d in published[-1]["params"]["diagnostics"]], ["AL201"])

    def test_related_information(self):
        self.init()
        text = "import time\n\n\ndef helper():\n    time.sleep(1)\n\n\nasync def f():\n    helper()\n"
        self.c.send("textDocument/didOpen", {"textDocument": {"uri": self.uri, "languageId": "python", "version": 1,
                                                              "text": text}}, request=False)
        d = self.diags()
        self.assertEqual([x["code"] for x in d], ["AL210"])
        ri = d[0]["relatedInformation"][0]
        self.assertEqual(ri["location"]["uri"], self.uri)
        self.assertEqual(ri["location"]["range"]["start"], {"line": 4, "character": 4})

    def open_doc(self, uri, text, version=1, lang="python"):
        self.c.send("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": lang, "version": version,
                                                              "text": text}}, request=False)

    def diags_for(self, uri):
        m = self.c.until(lambda m: m.get("method") == "textDocument/publishDiagnostics" and m["params"]["uri"] == uri)
        return m["params"]["diagnostics"]

    def publishes(self, uris):
        got = {}
        while set(got) != set(uris):
            m = self.c.until(lambda m: m.get("method") == "textDocument/publishDiagnostics")
            got[m["params"]["uri"]] = m["params"]["diagnostics"]
        return got

    def test_cross_file_index(self):
        """Findings that depend on another file follow it: on disk (imported, not open),
        open and edited in memory, closed again, and changed on disk."""
        helper = os.path.join(self.dir, "helper.py")
        helper_uri = "file://" + helper
        slow = "import time\n\n\ndef slow():\n    time.sleep(1)\n"
        fast = "def slow():\n    return 1\n"
        with open(helper, "w") as fh:
            fh.write(slow)
        self.init()
        self.open_doc(self.uri, "import asyncio\nfrom helper import slow\n\n\nasync def f():\n    slow()\n"
                                "    await asyncio.sleep(0)\n")
        d = self.diags()
        self.assertEqual([x["code"] for x in d], ["AL210"])
        ri = d[0]["relatedInformation"][0]["location"]
        self.assertEqual(ri["uri"], helper_uri)  # the blocking call, in the other file
        self.assertEqual(ri["range"]["start"], {"line": 4, "character": 4})
        # the helper opened and fixed in the editor (unsaved): the importer is re-linted
        self.open_doc(helper_uri, slow)  # both published: the helper, and its importer again
        got = self.publishes({helper_uri, self.uri})
        self.assertEqual(got[helper_uri], [])
        self.assertEqual([x["code"] for x in got[self.uri]], ["AL210"])
        self.c.send("textDocument/didChange", {"textDocument": {"uri": helper_uri, "version": 2},
                                               "contentChanges": [{"text": fast}]}, request=False)
        self.assertEqual(self.diags_for(self.uri), [])
        # closed without saving: the file on disk (still blocking) counts again
        self.c.send("textDocument/didClose", {"textDocument": {"uri": helper_uri}}, request=False)
        self.assertEqual([x["code"] for x in self.diags_for(self.uri)], ["AL210"])
        # changed on disk by another tool: seen on the next event
        with open(helper, "w") as fh:
            fh.write(fast + "\n# changed\n")
        self.c.send("workspace/didChangeWatchedFiles", {"changes": [{"uri": helper_uri, "type": 2}]}, request=False)
        self.assertEqual(self.diags_for(self.uri), [])

    def test_cross_file_javascript(self):
        lib = os.path.join(self.dir, "lib.mjs")
        with open(lib, "w") as fh:
            fh.write("export async function fetchIt() {\n  return await 1;\n}\n")
        uri = "file://" + os.path.join(self.dir, "main.mjs")
        self.init()
        self.open_doc(uri, 'import {fetchIt} from "./lib.mjs";\n\nexport async function g() {\n  fetchIt();\n}\n',
                      lang="javascript")
        d = self.diags_for(uri)
        self.assertEqual([(x["code"], x["range"]["start"]["line"]) for x in d], [("AL101", 3)])

    def test_incremental_edits_match_a_fresh_parse(self):
        """Hundreds of random incremental edits (multi-byte text included), linted along the
        way through the edited tree-sitter tree, end with the diagnostics a fresh open of
        the final text gives."""
        import random
        rnd = random.Random(7)
        lines = ["import asyncio", "import time", ""]
        for i in range(40):
            lines += ["async def f%d(x):" % i, "    time.sleep(%d)  # é€😀" % i, "    asyncio.sleep(1)", ""]
        text = "\n".join(lines) + "\n"
        self.init()
        self.open_doc(self.uri, text)
        self.diags()
        pieces = ["", "x", "\n    ", "é", "😀", "(1)", "await ", "\n    time.sleep(2)", "\nasync def g():\n    pass"]
        version = 1
        for step in range(300):
            tl = text.split("\n")
            l0 = rnd.randrange(len(tl))
            c0 = rnd.randrange(len(tl[l0]) + 1)
            l1, c1 = l0, min(len(tl[l0]), c0 + rnd.choice([0, 0, 1, 2]))
            if rnd.random() < 0.1 and l0 + 1 < len(tl):  # now and then, across a line break
                l1, c1 = l0 + 1, min(len(tl[l0 + 1]), 2)
            new = rnd.choice(pieces)

            def u16(s):
                return len(s.encode("utf-16-le")) // 2

            def off(l, c):
                return sum(len(x) + 1 for x in tl[:l]) + c
            rng = {"start": {"line": l0, "character": u16(tl[l0][:c0])},
                   "end": {"line": l1, "character": u16(tl[l1][:c1])}}
            text = text[:off(l0, c0)] + new + text[off(l1, c1):]
            version += 1
            self.c.send("textDocument/didChange", {"textDocument": {"uri": self.uri, "version": version},
                                                   "contentChanges": [{"range": rng, "text": new}]}, request=False)
            if step % 25 == 24 and step < 299:  # let it lint mid-way, so later parses reuse edited trees
                self.c.until(lambda m: m.get("method") == "textDocument/publishDiagnostics"
                             and m["params"].get("version") == version)
        got = self.c.until(lambda m: m.get("method") == "textDocument/publishDiagnostics"
                           and m["params"].get("version") == version)["params"]["diagnostics"]
        fresh = Client()
        try:
            r = fresh.request("initialize", {"processId": None, "rootUri": "file://" + self.dir, "capabilities": {}})
            self.assertIn("capabilities", r["result"])
            body = {"textDocument": {"uri": self.uri, "languageId": "python", "version": 1, "text": text}}
            fresh.send("textDocument/didOpen", body, request=False)
            want = fresh.until(lambda m: m.get("method") == "textDocument/publishDiagnostics")["params"]["diagnostics"]
        finally:
            fresh.close()
        key = lambda ds: sorted((x["code"], x["range"]["start"]["line"], x["range"]["start"]["character"]) for x in ds)
        self.assertGreater(len(want), 10)
        self.assertEqual(key(got), key(want))

    def test_configuration_applies(self):
        with open(os.path.join(self.dir, ".asynclint.yaml"), "w") as fh:
            fh.write("ignore: [AL201]\n")
        self.init()
        self.c.send("textDocument/didOpen", {"textDocument": {"uri": self.uri, "languageId": "python", "version": 1,
                                                              "text": BUG}}, request=False)
        self.assertEqual(self.diags(), [])

    def test_pyproject_configuration_reloads_on_save(self):
        path = os.path.join(self.dir, "pyproject.toml")
        with open(path, "w") as fh:
            fh.write('[project]\nname = "x"\n\n[tool.asynclint]\nignore = ["AL201"]\n')
        self.init()
        self.c.send("textDocument/didOpen", {"textDocument": {"uri": self.uri, "languageId": "python", "version": 1,
                                                              "text": BUG}}, request=False)
        self.assertEqual(self.diags(), [])
        with open(path, "w") as fh:
            fh.write('[project]\nname = "x"\n\n[tool.asynclint]\n')
        self.c.send("textDocument/didSave", {"textDocument": {"uri": "file://" + path}}, request=False)
        self.assertEqual([d["code"] for d in self.diags()], ["AL201"])

    def test_pytest_settings_are_read_at_each_lint(self):
        """AL515 on a pytest file: its conftest is read as it is when the file is linted."""
        test_uri = "file://" + os.path.join(self.dir, "test_orders.py")
        text = "import asyncio\n\nimport pytest\n\n\nasync def test_total():\n    await asyncio.sleep(0)\n"
        self.init()
        self.open_doc(test_uri, text)
        self.assertEqual([d["code"] for d in self.diags_for(test_uri)], ["AL515"])
        with open(os.path.join(self.dir, "conftest.py"), "w") as fh:
            fh.write("def pytest_pyfunc_call(pyfuncitem):\n    return None\n")
        self.c.send("textDocument/didChange", {"textDocument": {"uri": test_uri, "version": 2},
                                               "contentChanges": [{"text": text + "\n"}]}, request=False)
        self.assertEqual(self.diags_for(test_uri), [])

    def test_pull_diagnostics(self):
        """A client that pulls diagnostics (LSP 3.17 textDocument/diagnostic) gets
        diagnosticProvider, no publishDiagnostics, full reports with a resultId and
        `unchanged` while it is current; an edit of another file that changes a document's
        findings sends workspace/diagnostic/refresh, whose answer the server takes quietly."""
        caps = {"textDocument": {"diagnostic": {"dynamicRegistration": False}},
                "workspace": {"diagnostics": {"refreshSupport": True}}}
        r = self.c.request("initialize", {"processId": None, "rootUri": "file://" + self.dir, "capabilities": caps})
        dp = r["result"]["capabilities"]["diagnosticProvider"]
        self.assertEqual((dp["interFileDependencies"], dp["workspaceDiagnostics"]), (True, False))
        self.c.send("initialized", {}, request=False)
        helper = os.path.join(self.dir, "helper.py")
        helper_uri = "file://" + helper
        slow = "import time\n\n\ndef slow():\n    time.sleep(1)\n"
        with open(helper, "w") as fh:
            fh.write(slow)
        self.open_doc(self.uri, BUG + "\n\nfrom helper import slow\n\n\nasync def g():\n    slow()\n"
                                      "    await asyncio.sleep(0)\n")
        i = self.c.send("textDocument/diagnostic", {"textDocument": {"uri": self.uri}})
        m = self.c.read()  # the answer comes first: nothing was pushed
        self.assertEqual(m.get("id"), i, m)
        rep = m["result"]
        self.assertEqual(rep["kind"], "full")
        self.assertEqual(sorted(x["code"] for x in rep["items"]), ["AL201", "AL210"])
        rid = rep["resultId"]
        rep = self.c.request("textDocument/diagnostic", {"textDocument": {"uri": self.uri}, "previousResultId": rid})
        self.assertEqual(rep["result"], {"kind": "unchanged", "resultId": rid})
        # the document's own edit: a new report (the client pulls after its change)
        self.c.send("textDocument/didChange", {
            "textDocument": {"uri": self.uri, "version": 2},
            "contentChanges": [{"range": {"start": {"line": 5, "character": 4}, "end": {"line": 5, "character": 14}},
                                "text": "await asyncio.sleep"}]}, request=False)
        rep = self.c.request("textDocument/diagnostic", {"textDocument": {"uri": self.uri}, "previousResultId": rid})
        self.assertEqual(rep["result"]["kind"], "full")
        self.assertEqual([x["code"] for x in rep["result"]["items"]], ["AL210"])
        rid = rep["result"]["resultId"]
        # another document's edit changes this one's findings: the server asks for a refresh
        self.open_doc(helper_uri, slow)
        self.c.send("textDocument/didChange", {"textDocument": {"uri": helper_uri, "version": 2},
                                               "contentChanges": [{"text": "def slow():\n    return 1\n"}]},
                    request=False)
        i = self.c.send("textDocument/diagnostic", {"textDocument": {"uri": self.uri}, "previousResultId": rid})
        refresh = self.c.until(lambda m: m.get("method") == "workspace/diagnostic/refresh")
        self.assertIn("id", refresh)
        body = json.dumps({"jsonrpc": "2.0", "id": refresh["id"], "result": None}).encode()
        self.c.raw(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        rep = self.c.until(lambda m: m.get("id") == i)["result"]
        self.assertEqual((rep["kind"], rep["items"]), ("full", []))
        # the answer to the refresh made no error reply, and a document not open is empty
        rep = self.c.request("textDocument/diagnostic", {"textDocument": {"uri": self.uri + "x"}})
        self.assertEqual(rep["result"], {"kind": "full", "items": []})
        self.assertIsNone(self.c.request("shutdown")["result"])

    def test_malformed_input(self):
        r = self.c.request("textDocument/codeAction", {})
        self.assertEqual(r["error"]["code"], -32002)  # before initialize
        self.init()
        self.c.raw(b"Content-Length: nope\r\n\r\n")
        self.assertEqual(self.c.read()["error"]["code"], -32700)
        self.c.raw(b"Content-Length: 9\r\n\r\n{not json")
        self.assertEqual(self.c.read()["error"]["code"], -32700)
        self.c.raw(b"Content-Length: 2\r\n\r\n[]")
        self.assertEqual(self.c.read()["error"]["code"], -32600)
        self.assertEqual(self.c.request("workspace/noSuchThing", {})["error"]["code"], -32601)
        # still serving
        self.assertIsNone(self.c.request("shutdown")["result"])
        self.assertEqual(self.c.request("shutdown")["error"]["code"], -32600)
        self.assertEqual(self.c.close(), 0)  # end of input after shutdown: clean exit

    def test_eof_without_shutdown(self):
        self.init()
        self.assertEqual(self.c.close(), 1)


if __name__ == "__main__":
    BIN = os.path.abspath(sys.argv.pop(1))
    unittest.main(verbosity=1)
