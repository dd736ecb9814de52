/* test_ir_python: the Python front end lowers snippets into the expected IR. */
#include <string.h>

#include "helpers.h"

START_TEST(imports_and_calls) {
  ck_assert_ir("/p/pkg/sub/mod.py", "pkg.sub.mod",
               "import asyncio as aio\n"
               "import os.path\n"
               "from .db import fetch as get_user\n"
               "from ..util import helper\n"
               "\n"
               "async def main(xs):\n"
               "    await aio.gather(*[get_user(x) for x in xs])\n"
               "    get_user(1)\n"
               "    os.path.exists(\"x\")\n"
               "    helper(None, cb, lambda: 0, k=2)\n",
               "FILE /p/pkg/sub/mod.py lang=python module=pkg.sub.mod\n"
               "  IMPORT 1:8 asyncio as=aio\n"
               "  IMPORT 2:8 os.path as=os\n"
               "  IMPORT 3:17 pkg.sub.db member=fetch as=get_user\n"
               "  IMPORT 4:20 pkg.util member=helper as=helper\n"
               "  FUNC 6:1 main [async] (xs)\n"
               "    AWAIT 7:5\n"
               "      CALL 7:11 asyncio.gather module=asyncio member=gather use=awaited (*:comp:[get_user(x) for x in xs] in:xs)\n"
               "        CALL 7:24 pkg.sub.db.fetch module=pkg.sub.db member=fetch use=other (x)\n"
               "    CALL 8:5 pkg.sub.db.fetch module=pkg.sub.db member=fetch use=discarded (lit:1)\n"
               "    CALL 9:5 os.path.exists module=os member=path.exists use=discarded (lit:\"x\")\n"
               "    CALL 10:5 pkg.util.helper module=pkg.util member=helper use=discarded (null:None, cb, lambda:lambda: 0, k=lit:2)\n"
               "      FUNC 10:22 <lambda> [lambda]\n");
}
END_TEST

START_TEST(package_init_relative_import) {
  ck_assert_ir("/p/pkg/__init__.py", "pkg", "from .core import run\nrun()\n",
               "FILE /p/pkg/__init__.py lang=python module=pkg\n"
               "  IMPORT 1:19 pkg.core member=run as=run\n"
               "  CALL 2:1 pkg.core.run module=pkg.core member=run use=discarded\n");
}
END_TEST

START_TEST(classes_try_loops_with) {
  ck_assert_ir("/p/svc.py", "svc",
               "class Svc:\n"
               "    async def one(self):\n"
               "        try:\n"
               "            await self.two()\n"
               "        except (aio.CancelledError, KeyError) as e:\n"
               "            raise\n"
               "        except:\n"
               "            pass\n"
               "        finally:\n"
               "            cleanup()\n"
               "\n"
               "    def two(self):\n"
               "        while True:\n"
               "            break\n"
               "        for x in items:\n"
               "            continue\n"
               "        with lock, open(p) as fh:\n"
               "            yield fh\n"
               "        return lambda: go()\n",
               "FILE /p/svc.py lang=python module=svc\n"
               "  CLASS 1:1 Svc\n"
               "    FUNC 2:5 Svc.one [async] [method] (self)\n"
               "      TRY 3:9\n"
               "        AWAIT 4:13\n"
               "          CALL 4:19 Svc.two use=awaited [self]\n"
               "        HANDLER 5:9 aio.CancelledError,KeyError as=e\n"
               "          RAISE 6:13 [bare]\n"
               "        HANDLER 7:9 [bare]\n"
               "        FINALLY 9:9\n"
               "          CALL 10:13 cleanup use=discarded\n"
               "    FUNC 12:5 Svc.two [generator] [method] (self)\n"
               "      LOOP 13:9 True [while]\n"
               "        BREAK 14:13\n"
               "      LOOP 15:9 items as=x\n"
               "        CONTINUE 16:13\n"
               "      WITH 17:9 lock,open as=,fh args=;p\n"
               "        CALL 17:20 open use=other (p)\n"
               "      RETURN 19:9\n"
               "        FUNC 19:16 <lambda> [lambda]\n"
               "          CALL 19:24 go use=returned\n");
}
END_TEST

START_TEST(uses_and_async_constructs) {
  ck_assert_ir("/p/u.py", "u",
               "import asyncio\n"
               "from asyncio import CancelledError\n"
               "async def f():\n"
               "    x = g()\n"
               "    return (h())\n"
               "    async with asyncio.timeout(1):\n"
               "        async for y in stream():\n"
               "            raise ValueError(y)\n"
               "    try:\n"
               "        pass\n"
               "    except CancelledError:\n"
               "        pass\n",
               "FILE /p/u.py lang=python module=u\n"
               "  IMPORT 1:8 asyncio\n"
               "  IMPORT 2:21 asyncio member=CancelledError as=CancelledError\n"
               "  FUNC 3:1 f [async]\n"
               "    ASSIGN 4:5 x\n"
               "      CALL 4:9 g var=x use=assigned\n"
               "    RETURN 5:5\n"
               "      CALL 5:13 h use=returned\n"
               "    WITH 6:5 asyncio.timeout [async] [one-statement] args=1\n"
               "      CALL 6:16 asyncio.timeout module=asyncio member=timeout use=other (lit:1)\n"
               "      LOOP 7:9 stream() as=y [async]\n"
               "        CALL 7:24 stream use=other\n"
               "        RAISE 8:13 ValueError(y)\n"
               "          CALL 8:19 ValueError use=other (y)\n"
               "    TRY 9:5\n"
               "      HANDLER 11:5 asyncio.CancelledError\n");
}
END_TEST

START_TEST(imports_bound_before_use) {
  /* A function above the import still resolves through it. */
  ck_assert_ir("/p/late.py", "late", "def f():\n    sleep(1)\nfrom time import sleep\n",
               "FILE /p/late.py lang=python module=late\n"
               "  FUNC 1:1 f\n"
               "    CALL 2:5 time.sleep module=time member=sleep use=discarded (lit:1)\n"
               "  IMPORT 3:18 time member=sleep as=sleep\n");
}
END_TEST

START_TEST(syntax_errors_still_lower) {
  char *got = lower_print("/p/bad.py", "bad", "async def f(:\n    g()\n");
  ck_assert_ptr_nonnull(strstr(got, "FILE /p/bad.py"));
  free(got);
}
END_TEST

START_TEST(typed_receivers_and_reads) {
  /* Locals and self attributes of a known class type their method calls (constructor
   * calls, annotations, knowledge `returns`), a constructor call heads a chain,
   * reads of a stored call result become USE, and with-items keep their arguments. */
  ck_assert_ir("/p/t.py", "t",
               "import asyncio\n"
               "import threading\n"
               "from pathlib import Path\n"
               "\n"
               "\n"
               "class Svc:\n"
               "    def __init__(self):\n"
               "        self._lock = threading.Lock()\n"
               "\n"
               "    async def run(self, p: Path):\n"
               "        with self._lock:\n"
               "            p.read_text()\n"
               "        loop = asyncio.get_running_loop()\n"
               "        t = loop.create_task(go())\n"
               "        Path(\"x\").exists()\n"
               "        t.cancel()\n"
               "        with suppress(asyncio.CancelledError):\n"
               "            pass\n"
               "        N = 3\n"
               "        xs = [go() for i in range(N)]\n"
               "        for a in xs:\n"
               "            pass\n",
               "FILE /p/t.py lang=python module=t\n"
               "  IMPORT 1:8 asyncio\n"
               "  IMPORT 2:8 threading\n"
               "  IMPORT 3:21 pathlib member=Path as=Path\n"
               "  CLASS 6:1 Svc\n"
               "    FUNC 7:5 Svc.__init__ [method] (self)\n"
               "      CALL 8:22 threading.Lock module=threading member=Lock var=self._lock use=assigned\n"
               "    FUNC 10:5 Svc.run [async] [method] (self, p)\n"
               "      WITH 11:9 threading.Lock\n"
               "        CALL 12:13 pathlib.Path.read_text module=pathlib member=Path.read_text use=discarded\n"
               "      ASSIGN 13:9 loop\n"
               "        CALL 13:16 asyncio.get_running_loop module=asyncio member=get_running_loop var=loop use=assigned\n"
               "      ASSIGN 14:9 t\n"
               "        CALL 14:13 asyncio.AbstractEventLoop.create_task var=t use=assigned (go())\n"
               "          USE 14:13 loop\n"
               "          CALL 14:30 go use=passed\n"
               "      CALL 15:9 pathlib.Path.exists module=pathlib member=Path.exists use=discarded\n"
               "        CALL 15:9 pathlib.Path module=pathlib member=Path use=accessed (lit:\"x\")\n"
               "      CALL 16:9 asyncio.Task.cancel use=discarded\n"
               "        USE 16:9 t\n"
               "      WITH 17:9 suppress args=asyncio.CancelledError\n"
               "        CALL 17:14 suppress use=other (asyncio.CancelledError)\n"
               "      ASSIGN 19:9 N [literal]\n"
               "      ASSIGN 20:9 xs member=range(N) [comprehension]\n"
               "        CALL 20:15 go use=other\n"
               "        CALL 20:29 range use=other (N)\n"
               "      LOOP 21:9 xs as=a\n"
               "        USE 21:18 xs\n"); /* a comprehension's target is read: USE */
}
END_TEST

int main(void) {
  Suite *s = suite_create("ir_python");
  TCase *tc = tcase_create("lower");
  tcase_add_test(tc, imports_and_calls);
  tcase_add_test(tc, package_init_relative_import);
  tcase_add_test(tc, classes_try_loops_with);
  tcase_add_test(tc, uses_and_async_constructs);
  tcase_add_test(tc, imports_bound_before_use);
  tcase_add_test(tc, syntax_errors_still_lower);
  tcase_add_test(tc, typed_receivers_and_reads);
  suite_add_tcase(s, tc);
  return run_suite(s);
}
