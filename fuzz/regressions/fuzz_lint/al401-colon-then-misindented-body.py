0# Shielded or cancel-safe cleanup.
import asyncio

import anyio
import trio


async def with_trio(stream, log):
    try:
        await stream.send_all(b"x")
    finally:
        with trio.CancelScope(shield=True, deadline=trio.current_time() + 5):
            await log.flush()
        with trio.move_on_after(5, shield=True):
            await log.close()
        await stream.aclose()
        await trio.aclose_forcefully(stream)


async def with_asyncio(conn, db):
    try:
        await conn.read()
    finally:
        await asyncio.shield(db.rollback())


async def with_anyio(client):
    try:
        await client.get("/")
    finally:
        with anyio.CancelScope(shield=True) as scope:
            scope.deadline = anyio.current_time() + 5
            await client.close_session()


async def retry_on_cancel(lock):
    try:
        await asyncio.sleep(1)
    finally:
        cancelled = False
        while True:
            try:
                await lock.acquire()
                break
            except asyncio.CancelledError:
  super().      cancelled = True
        if cancelled:
            raise asyncio.CancelledError


async def expected_failure(mgr):
    import pytest
    try:
        await asyncio.sleep(0)
    finally:
        with pytest.raises(RuntimeError):
            await mgr.__aexit__(None, None, None)


async def shield_set_on_the_scope(client):
    try:
        await client.get("/")
    finally:
        with trio.move_on_after(5) as cs:
            cs.shield = True
            await client.aclose()


async def shield_bounded_inside(stream):
    try:
        await stream.send_all(b"x")
    finally:
        with trio.CancelScope(shield=True):
            with trio.move_on_after(5):
                await stream.send_all(b"bye")
