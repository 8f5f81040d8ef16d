"""What the browser tests share about a page: a new page that records Content-Security-Policy
errors (`page.csp_errors`), and full-page screenshots into a folder to look at."""

from pathlib import Path

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}


def new_page(browser, viewport=PHONE):
    context = browser.new_context(locale="nl-NL", viewport=viewport)
    page = context.new_page()
    page.csp_errors = []
    page.on(
        "console",
        lambda msg: (
            page.csp_errors.append(msg.text) if "Content Security Policy" in msg.text else None
        ),
    )
    return page


def screenshot(page, folder, name):
    Path(folder).mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)
