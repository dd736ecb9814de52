/* asynclint.h: annotations for C code linted by asynclint. Copy it into your tree (or
 * add this folder to the include path); with other compilers they expand to nothing.
 *
 *   ASYNCLINT_ON_LOOP    this function runs on the event loop (a callback registered in a
 *                        way asynclint cannot see): blocking calls in it are reported.
 *   ASYNCLINT_OFF_LOOP   this function runs on another thread: not loop context, even if
 *                        it is also reachable from a loop callback.
 *   ASYNCLINT_MAY_BLOCK  this function blocks by intent: its body is not checked, but a
 *                        call to it from loop context is (AL210).
 */
#ifndef ASYNCLINT_H
#define ASYNCLINT_H

#if defined(__clang__) || defined(__GNUC__)
#define ASYNCLINT_ANNOTATE_(what) __attribute__((annotate(what)))
#else
#define ASYNCLINT_ANNOTATE_(what)
#endif

#if defined(__clang__)
#define ASYNCLINT_ON_LOOP ASYNCLINT_ANNOTATE_("asynclint_on_loop")
#define ASYNCLINT_OFF_LOOP ASYNCLINT_ANNOTATE_("asynclint_off_loop")
#define ASYNCLINT_MAY_BLOCK ASYNCLINT_ANNOTATE_("asynclint_may_block")
#else /* GCC has no annotate attribute: nothing to expand to */
#define ASYNCLINT_ON_LOOP
#define ASYNCLINT_OFF_LOOP
#define ASYNCLINT_MAY_BLOCK
#endif

#endif
