"""The inbox's page shell: its own script and style sheet, the nav, CSRF-safe actions,
and the browser harness really running app.js in Chromium."""

from __future__ import annotations

import pytest
from browser import Browser
from sandbox_helpers import Api

from postmark.sandbox import Sandbox
from postmark.sandbox.ui import layout, static


def test_static_files_are_served_from_the_package(api: Api) -> None:
    for name, kind in (("app.js", "text/javascript"), ("app.css", "text/css")):
        result = api.get(f"/inbox/static/{name}", token=None, headers={"Accept": "*/*"})
        assert result.status == 200
        assert result.headers["content-type"].startswith(kind)
        assert result.headers["x-content-type-options"] == "nosniff"
        assert result.body == static.read(name) and len(result.body) > 200
    missing = api.get("/inbox/static/..%2Fformat.py", token=None, headers={"Accept": "*/*"})
    assert missing.status == 404


@pytest.mark.parametrize(("key", "path"), [(key, path) for key, _label, path in layout.NAV])
def test_every_nav_page_is_drawn_in_the_shell_with_its_entry_marked(
    api: Api, key: str, path: str
) -> None:
    result = api.get(path, token=None, headers={"Accept": "text/html"})
    assert result.status == 200, (path, result.status)
    text = result.text
    for _key, label, link in layout.NAV:
        mark = ' aria-current="page"' if _key == key else ""
        assert f'<a href="{link}"{mark}>{label}</a>' in text
    assert text.count("aria-current") == 1
    assert text.count("<h1>") == 1 and text.count("<h1") == 1
    assert f'href="/inbox/static/app.css?v={layout.STATIC_VERSION}"' in text
    assert f'src="/inbox/static/app.js?v={layout.STATIC_VERSION}"' in text
    assert result.headers["content-security-policy"] == layout.PAGE_CSP


def test_app_js_runs_in_chromium_and_localises_times(
    browser: Browser, sandbox: Sandbox, api: Api
) -> None:
    api.send(Subject="Shell check")
    browser.open(sandbox.url + "/")
    # app.css applied (the CSP lets 'self' style sheets in) ...
    assert browser.js("return getComputedStyle(document.querySelector('header')).display") == "flex"
    # ... and app.js ran: the UTC text became the reader's local time, UTC kept as the title.
    stamp = browser.find("td time")
    iso = stamp.get_attribute("datetime")
    browser.wait(lambda: stamp.get_attribute("title") == iso, "a localised time")
    assert not stamp.text.endswith("UTC") and stamp.text
    browser.click("td.subject a")
    browser.wait_text("h1", "Shell check")
