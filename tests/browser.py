"""What the browser tests share: a real `actionplan serve` on 127.0.0.1, Debian's Chromium driven by Playwright,
and axe-core run on a page with every WCAG 2.0/2.1/2.2 A and AA rule.

Playwright cannot download its own browsers here, so Chromium is Debian's (`apt-get install chromium`), launched
by path. The app's Content-Security-Policy forbids inline script, which is how axe is injected: the browser
context bypasses CSP for the test's own script only (`bypass_csp`), never for the app's pages in use.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from tests.conftest import _missing

AXE = Path(__file__).parent / "vendor" / "axe.min.js"
WCAG_TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa")
CHROMIUM_ARGS = (
    "--no-sandbox",  # root in a container
    "--disable-gpu",
    "--disable-background-networking",  # this machine's network is closed: no calls home
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
)
SERVING = re.compile(r"serving on (http://127\.0\.0\.1:\d+/)")
START_SECONDS = 60


def chromium_path() -> str:
    """Debian's Chromium, or skip (fail under ACTIONPLAN_REQUIRE_ALL=1)."""
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if not found:
        _missing("chromium is not installed (apt-get install chromium)")
    return found


@contextmanager
def live_server(store: Path, *extra: str) -> Iterator[str]:
    """Run `actionplan serve` on a free port of 127.0.0.1 over `store`; yield its URL; stop it after."""
    command = [sys.executable, "-m", "pipeline", "serve", "--store", str(store), "--port", "0", "--no-browser", *extra]
    proc = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, start_new_session=True
    )
    said: list[str] = []
    url: list[str] = []
    found = threading.Event()

    def read() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            said.append(line)
            m = SERVING.search(line)
            if m and not url:
                url.append(m.group(1))
                found.set()
        found.set()

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        if not found.wait(START_SECONDS) or not url:
            raise AssertionError("actionplan serve did not start:\n" + "".join(said))
        yield url[0]
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
        reader.join(timeout=10)
        if proc.stdout is not None:
            proc.stdout.close()


def axe_violations(page: Any) -> list[dict[str, Any]]:
    """Run axe-core on the page with every WCAG A and AA rule (none disabled); return its violations."""
    page.add_script_tag(path=str(AXE))
    found: list[dict[str, Any]] = page.evaluate(
        """async (tags) => (await axe.run(document, {runOnly: {type: 'tag', values: tags}})).violations.map(
            v => ({id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}))""",
        list(WCAG_TAGS),
    )
    return found


def assert_accessible(page: Any) -> None:
    """Fail with axe's findings, one line each, when the page breaks a WCAG 2.2 A or AA rule."""
    found = axe_violations(page)
    assert not found, f"{page.url}: " + "; ".join(f"{v['id']} ({v['help']}): {v['nodes']}" for v in found)
