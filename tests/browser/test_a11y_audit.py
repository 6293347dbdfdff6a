"""The accessibility audit the capture tests run can fail: it finds each kind of problem it checks."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Playwright

from tests.browser.capture_steps import accessibility_problems
from tests.browser.conftest import open_browser

pytestmark = pytest.mark.e2e

PAGE = """<!doctype html><html><body style="background:#fff">
<p id="fine" style="color:#222">Readable text</p>
<p id="faint" style="color:#bbb">Faint grey on white</p>
<h1 id="large" style="color:#888;font-size:32px">Large grey heading</h1>
<button id="unnamed"></button>
<button id="named" aria-label="Close"></button>
<img id="bare" src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">
<input id="untabbable" tabindex="-1" aria-label="Code">
<p aria-hidden="true" style="color:#eee">decorative</p>
</body></html>"""


def test_the_audit_reports_contrast_names_alt_text_and_focus(playwright_driver: Playwright, chromium: Path,
                                                             tmp_path: Path) -> None:
    with open_browser(playwright_driver, chromium, tmp_path / "profile") as context:
        page = context.new_page()
        page.set_content(PAGE)
        problems = accessibility_problems(page)
    assert [p.split(":")[0] for p in problems] == ["contrast 1.92 < 4.5", "no name", "no alt", "not focusable"]
    assert '#faint "Faint grey on white"' in problems[0]
    assert problems[1:] == ["no name: BUTTON#unnamed", "no alt: img#bare", "not focusable: untabbable"]
