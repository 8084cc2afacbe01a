"""The dashboard in headless Chromium: it loads cleanly and shows the seeded figures."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

import pytest

from tandem_service.auth import Role, mint_token

from .cdp import CHROMIUM, chromium_page
from .conftest import Analytics

ARTIFACTS = Path(os.environ.get("TANDEM_TEST_ARTIFACTS", Path(__file__).parents[4] / "build"))
pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="no /usr/bin/chromium: run deploy/tools/install-browser.sh"
)


def test_the_dashboard_renders_the_figures_without_console_errors(
    in_order: Analytics, tmp_path: Path
) -> None:
    token = mint_token(in_order.keys.private_pem, "admin-1", [Role.PROGRAM_ADMIN])
    api = in_order.as_("admin-1", Role.PROGRAM_ADMIN)
    engagement = api.get("/api/v1/programs/program-0/figures").json()["figures"]["engagement"]
    screenshot = ARTIFACTS / "analytics-dashboard.png"

    async def visit() -> dict[str, object]:
        async with chromium_page(tmp_path / "profile") as page:
            await page.send(
                "Network.setExtraHTTPHeaders", headers={"Authorization": f"Bearer {token}"}
            )
            await page.send("Page.navigate", url=f"{in_order.url}/dashboard/programs/program-0")
            await asyncio.wait_for(page.loaded.wait(), 30)
            for _ in range(100):
                if await page.evaluate("document.body.dataset.charts") == "drawn":
                    break
                await asyncio.sleep(0.1)
            seen = await page.evaluate(
                """({
                  charts: document.body.dataset.charts,
                  pairs: document.getElementById('tile-pairs').textContent,
                  months: document.querySelectorAll('#table-engagement tbody tr').length,
                  drawn: [...document.querySelectorAll('canvas')].every(c => c.width > 0),
                  labelled: [...document.querySelectorAll('canvas')]
                    .every(c => c.getAttribute('aria-label')),
                  captions: [...document.querySelectorAll('table')].every(t => t.caption),
                  lang: document.documentElement.lang,
                  legal: [...document.querySelectorAll('#table-matrix tbody tr')]
                    .filter(r => r.cells[0].textContent === 'Legal')
                    .map(r => [...r.cells].slice(1).map(c => c.textContent)),
                })"""
            )
            for kind in ("keyDown", "keyUp"):
                await page.send(
                    "Input.dispatchKeyEvent", type=kind, key="Tab", code="Tab",
                    windowsVirtualKeyCode=9,
                )  # fmt: skip
            seen["focus"] = await page.evaluate("document.activeElement.className")
            seen["png"] = await page.screenshot()
            seen["errors"] = page.errors
            return seen

    seen = asyncio.run(visit())
    screenshot.parent.mkdir(parents=True, exist_ok=True)
    screenshot.write_bytes(seen.pop("png"))  # type: ignore[arg-type]  # bytes from the page
    assert seen["errors"] == []
    assert seen["charts"] == "drawn"
    assert seen["drawn"]
    assert seen["labelled"]
    assert seen["captions"]
    assert seen["lang"] == "en"
    assert seen["focus"] == "skip"
    assert seen["pairs"] == str(engagement[-1]["pairs_active"])
    assert seen["months"] == len(engagement)
    assert seen["legal"]
    assert all(cell == "hidden" for row in seen["legal"] for cell in row)  # type: ignore[attr-defined]
    assert screenshot.stat().st_size > 10_000
