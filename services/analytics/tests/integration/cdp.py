"""A small Chrome DevTools Protocol driver for Debian's headless Chromium (no browser download).

Enough for one page: extra headers, console errors, navigation, evaluation, screenshots.
"""

from __future__ import annotations

import asyncio
import base64
import itertools
import json
import re
import subprocess
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from websockets.asyncio.client import ClientConnection, connect

CHROMIUM = Path("/usr/bin/chromium")
LISTENING = re.compile(r"DevTools listening on (ws://\S+)")


class Page:
    """One tab, attached through a flat session."""

    def __init__(self, ws: ClientConnection, session: str) -> None:
        self._ws = ws
        self._session = session
        self._ids = itertools.count(1)
        self._waiting: dict[int, asyncio.Future[dict[str, Any]]] = {}
        self.errors: list[str] = []
        self.loaded = asyncio.Event()
        self._reader = asyncio.create_task(self._read())

    async def send(self, method: str, **params: Any) -> dict[str, Any]:
        """Call ``method`` on the page and wait for its result."""
        call_id = next(self._ids) + 1000
        future: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self._waiting[call_id] = future
        message = {"id": call_id, "method": method, "params": params, "sessionId": self._session}
        await self._ws.send(json.dumps(message))
        return await asyncio.wait_for(future, 30)

    async def evaluate(self, expression: str) -> Any:
        """The value of a JavaScript expression in the page."""
        reply = await self.send("Runtime.evaluate", expression=expression, returnByValue=True)
        return reply["result"].get("value")

    async def screenshot(self) -> bytes:
        """The whole page as a PNG."""
        shot = await self.send("Page.captureScreenshot", format="png", captureBeyondViewport=True)
        return base64.b64decode(shot["data"])

    async def _read(self) -> None:
        async for raw in self._ws:
            message = json.loads(raw)
            if "id" in message and message["id"] in self._waiting:
                future = self._waiting.pop(message["id"])
                if "error" in message:
                    future.set_exception(RuntimeError(str(message["error"])))
                else:
                    future.set_result(message.get("result", {}))
                continue
            self._event(message.get("method", ""), message.get("params", {}))

    def _event(self, method: str, params: dict[str, Any]) -> None:
        if method == "Page.loadEventFired":
            self.loaded.set()
        elif method == "Runtime.exceptionThrown":
            self.errors.append(params["exceptionDetails"].get("text", "exception"))
        elif method == "Runtime.consoleAPICalled" and params.get("type") == "error":
            self.errors.append(" ".join(str(a.get("value")) for a in params.get("args", [])))
        elif method == "Log.entryAdded" and params["entry"].get("level") == "error":
            self.errors.append(params["entry"].get("text", "log error"))


@asynccontextmanager
async def chromium_page(profile: Path) -> AsyncIterator[Page]:
    """A headless Chromium with one blank page, closed afterwards."""
    process = subprocess.Popen(  # noqa: ASYNC220 - started once, read line by line below
        [str(CHROMIUM), "--headless=new", "--no-sandbox", "--disable-gpu",
         "--remote-debugging-port=0", f"--user-data-dir={profile}",
         "--window-size=1280,900", "--no-first-run", "about:blank"],
        stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        url = await asyncio.to_thread(_devtools_url, process)
        async with connect(url, max_size=None) as ws:
            await ws.send(_call(1, "Target.createTarget", url="about:blank"))
            target = json.loads(await ws.recv())["result"]["targetId"]
            await ws.send(_call(2, "Target.attachToTarget", targetId=target, flatten=True))
            session = await _session_id(ws)
            page = Page(ws, session)
            for domain in ("Page", "Runtime", "Log", "Network"):
                await page.send(f"{domain}.enable")
            yield page
    finally:
        process.terminate()
        process.wait(10)


def _call(call_id: int, method: str, **params: Any) -> str:
    return json.dumps({"id": call_id, "method": method, "params": params})


def _devtools_url(process: subprocess.Popen[str]) -> str:
    assert process.stderr is not None
    for line in process.stderr:
        found = LISTENING.search(line)
        if found:
            return found.group(1)
    raise RuntimeError("chromium exited before opening its DevTools port")


async def _session_id(ws: ClientConnection) -> str:
    while True:
        message = json.loads(await ws.recv())
        if message.get("id") == 2:
            return str(message["result"]["sessionId"])
