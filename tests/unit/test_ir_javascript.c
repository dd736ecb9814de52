/* test_ir_javascript: the JavaScript front end lowers ESM, CommonJS and JSX snippets
 * into the expected IR. */
#include <string.h>

#include "helpers.h"

START_TEST(esm_imports_and_uses) {
  ck_assert_ir("/p/src/app.mjs", "/p/src/app",
               "import main, { fetchUser, delayed as sleep } from './lib/db.js';\n"
               "import * as db from '../db';\n"
               "import fs from 'node:fs';\n"
               "class Api {\n"
               "  async run() {\n"
               "    this.get();\n"
               "    fetchUser(1).then(() => {});\n"
               "    void sleep(2);\n"
               "    const p = db.load(3);\n"
               "    await fs.promises.readFile('x');\n"
               "    return main();\n"
               "  }\n"
               "}\n",
               "FILE /p/src/app.mjs lang=javascript module=/p/src/app\n"
               "  IMPORT 1:8 /p/src/lib/db as=main\n"
               "  IMPORT 1:16 /p/src/lib/db member=fetchUser as=fetchUser\n"
               "  IMPORT 1:27 /p/src/lib/db member=delayed as=sleep\n"
               "  IMPORT 2:8 /p/db as=db\n"
               "  IMPORT 3:8 fs\n"
               "  CLASS 4:1 Api\n"
               "    FUNC 5:3 Api.run [async] [method]\n"
               "      CALL 6:5 Api.get use=discarded [self]\n"
               "      CALL 7:5 ().then use=discarded (lambda:() => {})\n"
               "        CALL 7:5 /p/src/lib/db.fetchUser module=/p/src/lib/db member=fetchUser use=chained (lit:1)\n"
               "        FUNC 7:23 <anonymous> [lambda]\n"
               "      CALL 8:10 /p/src/lib/db.delayed module=/p/src/lib/db member=delayed use=voided (lit:2)\n"
               "      ASSIGN 9:11 p\n"
               "        CALL 9:15 /p/db.load module=/p/db member=load var=p use=assigned (lit:3)\n"
               "      AWAIT 10:5\n"
               "        CALL 10:11 fs.promises.readFile module=fs member=promises.readFile use=awaited (lit:'x')\n"
               "      RETURN 11:5\n"
               "        CALL 11:12 /p/src/lib/db module=/p/src/lib/db use=returned\n");
}
END_TEST

START_TEST(commonjs_and_function_names) {
  ck_assert_ir("/p/lib.cjs", "/p/lib",
               "const { readFile: rf } = require('fs/promises');\n"
               "exports.load = async function (p) { return rf(p); };\n"
               "module.exports.save = async (p) => {};\n"
               "const api = { async get() {}, put: async () => {} };\n"
               "export default async function () {}\n"
               "function delay(ms) { return new Promise((r) => setTimeout(r, ms)); }\n",
               "FILE /p/lib.cjs lang=javascript module=/p/lib\n"
               "  IMPORT 1:9 fs/promises member=readFile as=rf\n"
               "  CALL 1:26 require use=accessed (lit:'fs/promises')\n"
               "  FUNC 2:16 load [async] (p)\n"
               "    RETURN 2:37\n"
               "      CALL 2:44 fs/promises.readFile module=fs/promises member=readFile use=returned (p)\n"
               "  FUNC 3:23 save [async] (p)\n"
               "  ASSIGN 4:7 api [literal]\n"
               "    FUNC 4:15 api.get [async] [method]\n"
               "    FUNC 4:36 api.put [async]\n"
               "  FUNC 5:16 default [async] [exported]\n"
               "  FUNC 6:1 delay [returns-promise] (ms)\n"
               "    RETURN 6:22\n"
               "      CALL 6:29 Promise use=returned [new] (lambda:(r) => setTimeout(r, ms))\n"
               "        FUNC 6:41 <anonymous> [lambda] (r)\n"
               "          CALL 6:48 setTimeout use=returned (r, ms)\n");
}
END_TEST

START_TEST(control_flow_and_jsx) {
  ck_assert_ir("/p/ui.jsx", "/p/ui",
               "async function f(items) {\n"
               "  for await (const x of items) { g(x); }\n"
               "  while (ok) { break; }\n"
               "  try { await h(); } catch (e) { throw e; } finally { done(); }\n"
               "  return <div onClick={() => go()}>{items.length}</div>;\n"
               "}\n",
               "FILE /p/ui.jsx lang=javascript module=/p/ui\n"
               "  FUNC 1:1 f [async] (items)\n"
               "    LOOP 2:3 items as=x [async]\n"
               "      CALL 2:34 g use=discarded (x)\n"
               "    LOOP 3:3 (ok) [while]\n"
               "      BREAK 3:16\n"
               "    TRY 4:3\n"
               "      AWAIT 4:9\n"
               "        CALL 4:15 h use=awaited\n"
               "      HANDLER 4:22 as=e [bare]\n"
               "        RAISE 4:34 e\n"
               "      FINALLY 4:45\n"
               "        CALL 4:55 done use=discarded\n"
               "    RETURN 5:3\n"
               "      CALL 5:15 jsx.onClick use=other (lambda:() => go())\n"
               "        FUNC 5:24 <anonymous> [lambda]\n"
               "          CALL 5:30 go use=returned\n");
}
END_TEST

START_TEST(script_await_reads_and_maps) {
  /* `await (0, f)(x)` in a script is an await of f; reads of a stored promise become
   * USE (also in shorthand properties); xs.map(...) records what it iterates; loop
   * targets, parameters and assignments are kept. */
  ck_assert_ir("/p/t2.cjs", "/p/t2",
               "const fs = require('fs');\n"
               "async function f(ids, signal) {\n"
               "  const r = await (0, utils_1.get)(ids);\n"
               "  const p = load(ids);\n"
               "  const all = Promise.all(ids.map((i) => load(i)));\n"
               "  for (const id of ids) { cursor = await next(cursor); }\n"
               "  return { p, all };\n"
               "}\n",
               "FILE /p/t2.cjs lang=javascript module=/p/t2\n"
               "  IMPORT 1:7 fs\n"
               "  ASSIGN 1:7 fs\n"
               "    CALL 1:12 require var=fs use=assigned (lit:'fs')\n"
               "  FUNC 2:1 f [async] (ids, signal)\n"
               "    ASSIGN 3:9 r\n"
               "      AWAIT 3:13\n"
               "        CALL 3:13 utils_1.get use=awaited (ids)\n"
               "    ASSIGN 4:9 p\n"
               "      CALL 4:13 load var=p use=assigned (ids)\n"
               "    ASSIGN 5:9 all\n"
               "      CALL 5:15 Promise.all var=all use=assigned (comp:ids.map((i) => load(i)) in:ids)\n"
               "        CALL 5:27 ids.map use=passed (lambda:(i) => load(i))\n"
               "          FUNC 5:35 <anonymous> [lambda] (i)\n"
               "            CALL 5:42 load use=returned (i)\n"
               "    LOOP 6:3 ids as=id\n"
               "      ASSIGN 6:27 cursor\n"
               "        AWAIT 6:36\n"
               "          CALL 6:42 next use=awaited (cursor)\n"
               "    RETURN 7:3\n"
               "      USE 7:12 p\n"
               "      USE 7:15 all\n");
}
END_TEST

START_TEST(callee_names) {
  /* a member chain whose head is longer than dotted()'s stack buffer keeps its head; a
   * string subscript, an indirect call through a sequence, an optional chain and a
   * comment inside the chain all name the member */
  char head[261], src[700], want[900];
  memset(head, 'h', 260);
  head[260] = 0;
  snprintf(src, sizeof src,
           "export function f(o) {\n  %s.b.c();\n  o['run']();\n  (0, o.stop)();\n  o?.go();\n"
           "  o /* c */ .x();\n}\n", head);
  snprintf(want, sizeof want,
           "FILE /p/t3.mjs lang=javascript module=/p/t3\n"
           "  FUNC 1:8 f [exported] (o)\n"
           "    CALL 2:3 %s.b.c use=discarded\n"
           "    CALL 3:3 o.run use=discarded\n"
           "    CALL 4:3 o.stop use=discarded\n"
           "    CALL 5:3 o.go use=discarded\n"
           "    CALL 6:3 o.x use=discarded\n", head);
  ck_assert_ir("/p/t3.mjs", "/p/t3", src, want);
}
END_TEST

START_TEST(typescript_generic_await) {
  /* `await load<T>(x)`: the grammar parses a call of `await load` with type arguments;
   * it is lowered as the await of the call of load, once */
  ck_assert_ir("/p/t4.ts", "/p/t4",
               "export async function f(id: string) {\n"
               "  const u = await load<User>(id);\n"
               "  return await api.get<Item[]>(id);\n"
               "}\n",
               "FILE /p/t4.ts lang=javascript module=/p/t4\n"
               "  FUNC 1:8 f [async] [exported] (id)\n"
               "    ASSIGN 2:9 u\n"
               "      AWAIT 2:13\n"
               "        CALL 2:13 load use=awaited (id)\n"
               "    RETURN 3:3\n"
               "      AWAIT 3:10\n"
               "        CALL 3:10 api.get use=awaited (id)\n");
}
END_TEST

START_TEST(typescript_overloads) {
  /* overloads that differ in returning a promise: which argument counts get one (the
   * first signature that fits); overloads that all agree carry nothing */
  ck_assert_ir("/p/t5.ts", "/p/t5",
               "export class Conn {\n"
               "  close(): Promise<void>;\n"
               "  close(cb: () => void): void;\n"
               "  close(cb?: () => void): Promise<void> | void { return cb ? cb() : Promise.resolve(); }\n"
               "}\n"
               "function q(sql: string, cb: (e: Error) => void): void;\n"
               "function q(sql: string, ...rest: string[]): Promise<number>;\n"
               "function q(sql: string, cb?: any): any { return cb; }\n"
               "function all(): Promise<void>;\n"
               "function all(n: number): Promise<void>;\n"
               "function all(n?: number): Promise<void> { return Promise.resolve(); }\n",
               "FILE /p/t5.ts lang=javascript module=/p/t5\n"
               "  CLASS 1:8 Conn [exported]\n"
               "    FUNC 2:3 Conn.close [method] [returns-promise] [exported] promise-overloads=0\n"
               "    FUNC 3:3 Conn.close [method] [exported] promise-overloads=0 (cb)\n"
               "    FUNC 4:3 Conn.close [method] [returns-promise] [exported] [maybe-promise] promise-overloads=0 (cb)\n"
               "      RETURN 4:50\n"
               "        CALL 4:62 cb use=other\n"
               "        CALL 4:69 Promise.resolve use=other\n"
               "  FUNC 6:1 q promise-overloads=1,3,4,5,6+ (sql, cb)\n"
               "  FUNC 7:1 q [returns-promise] promise-overloads=1,3,4,5,6+ (sql, *:...rest)\n"
               "  FUNC 8:1 q promise-overloads=1,3,4,5,6+ (sql, cb)\n"
               "    RETURN 8:42\n"
               "  FUNC 9:1 all [returns-promise]\n"
               "  FUNC 10:1 all [returns-promise] (n)\n"
               "  FUNC 11:1 all [returns-promise] (n)\n"
               "    RETURN 11:43\n"
               "      CALL 11:50 Promise.resolve use=returned\n");
}
END_TEST

int main(void) {
  Suite *s = suite_create("ir_javascript");
  TCase *tc = tcase_create("lower");
  tcase_add_test(tc, esm_imports_and_uses);
  tcase_add_test(tc, commonjs_and_function_names);
  tcase_add_test(tc, control_flow_and_jsx);
  tcase_add_test(tc, script_await_reads_and_maps);
  tcase_add_test(tc, callee_names);
  tcase_add_test(tc, typescript_generic_await);
  tcase_add_test(tc, typescript_overloads);
  suite_add_tcase(s, tc);
  return run_suite(s);
}
