"""The Content-Security-Policy in a real browser, and the collector that guards the browser tests.

tests/conftest.py (`csp_violations`) fails any browser test whose pages break the
policy. These tests break it on purpose, check that the browser refused and that the
collector saw it, then clear the list so that the test itself passes.
"""

import pytest

pytestmark = pytest.mark.django_db


def wait_for_violations(page, violations, count=1):
    """Console messages arrive asynchronously: give them a moment."""
    for _ in range(50):
        if len(violations) >= count:
            return
        page.wait_for_timeout(100)


def test_an_injected_inline_script_is_refused_and_collected(page, live_server, csp_violations):
    page.goto(f"{live_server.url}/accounts/login/")
    assert csp_violations == []
    page.evaluate(
        """() => {
          const script = document.createElement("script");
          script.textContent = "window.inlineScriptRan = true;";
          document.body.appendChild(script);
        }"""
    )
    wait_for_violations(page, csp_violations, 2)
    assert page.evaluate("() => window.inlineScriptRan === undefined"), "the inline script ran"
    # Both channels: the securitypolicyviolation event and Chromium's own console message.
    assert any("CSP violation: script-src-elem blocked inline" in text for text in csp_violations), (
        csp_violations
    )
    assert any(
        "inline script" in text and "Content Security Policy" in text and "CSP violation" not in text
        for text in csp_violations
    ), csp_violations
    csp_violations.clear()


def test_an_inline_event_handler_and_style_are_refused_and_collected(page, live_server, csp_violations):
    page.goto(f"{live_server.url}/accounts/login/")
    page.evaluate(
        """() => {
          const box = document.createElement("div");
          box.id = "injected";
          box.innerHTML = '<img src="data:," onerror="window.handlerRan = true">'
            + '<p style="color: red">styled</p>';
          document.body.appendChild(box);
        }"""
    )
    wait_for_violations(page, csp_violations, 2)
    assert page.evaluate("() => window.handlerRan === undefined"), "the inline event handler ran"
    color = page.locator("#injected p").evaluate("p => getComputedStyle(p).color")
    assert color != "rgb(255, 0, 0)", "the inline style applied"
    assert any("script-src-attr" in text for text in csp_violations), csp_violations
    assert any("style-src-attr" in text for text in csp_violations), csp_violations
    csp_violations.clear()


def test_a_context_made_by_the_test_itself_is_watched_too(browser, live_server, csp_violations):
    page = browser.new_context().new_page()
    page.goto(f"{live_server.url}/accounts/login/")
    page.evaluate(
        "() => { document.body.setAttribute('onclick', 'window.clicked = true'); document.body.click(); }"
    )
    wait_for_violations(page, csp_violations)
    assert page.evaluate("() => window.clicked === undefined")
    assert csp_violations, "a violation in a context made with browser.new_context() was not collected"
    csp_violations.clear()
    page.context.close()
