"""The inbox's page shell: its own script and style sheet, the nav, CSRF-safe actions,
and the browser harness really running app.js in Chromium."""

from __future__ import annotations

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


def test_every_page_has_the_nav_with_the_current_entry_marked(api: Api) -> None:
    text = api.get("/inbox/bounces", token=None, headers={"Accept": "text/html"}).text
    for _key, label, path in layout.NAV:
        assert f'href="{path}"' in text and f">{label}</a>" in text
    assert '<a href="/inbox/bounces" aria-current="page">Bounces</a>' in text
    assert text.count("aria-current") == 1


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
