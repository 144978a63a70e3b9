"""Shared fixtures of the browser suite: build the default site once, serve it, drive Debian's Chromium.

Every test file in this folder gets, by naming them as arguments:

- ``site``      the built site (``site.root`` folder, ``site.providers`` / ``site.cases`` from its open data,
                ``site.pages()`` every HTML file);
- ``server``    the base URL the site is served under, e.g. ``http://127.0.0.1:41234/dx/``;
- ``browser``   one headless Chromium for the session (skips on a developer machine without it, fails in CI);
- ``page``      ``page.go("industries/auto-parts/")`` opens a page at desktop width and returns the driver;
                ``page.phone()`` switches to 390 CSS px; ``page.errors()`` returns console errors;
- ``axe``       ``axe(driver)`` runs axe-core on the open page and returns the WCAG 2.1 A/AA violations.

A later feature (search) adds ``test_search.py`` here and uses the same fixtures. The server answers with the
site's production Content-Security-Policy, so an inline script or style attribute shows up as a console error.
Run alone with ``python3 -m pytest Tests/browser``; ``scripts/test.sh`` runs it after ``swift test``.
"""

import functools
import http.server
import importlib.util
import json
import os
import pathlib
import shutil
import subprocess
import tempfile
import threading

import pytest

REPO = pathlib.Path(__file__).resolve().parents[2]
BASE_PATH = "/dx/"
NOW = "2024-02-10"
CSP = "default-src 'self'; img-src 'self' data:"
CHROMIUM = os.environ.get("ROSTER_CHROMIUM", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("ROSTER_CHROMEDRIVER", "/usr/bin/chromedriver")
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def unavailable(reason):
    """Skip on a developer's machine; in CI (``CI`` set) a missing tool is a failure, never a skip."""
    if os.environ.get("CI"):
        pytest.fail(f"{reason} — CI must run the browser suite: run scripts/install.sh", pytrace=False)
    pytest.skip(f"{reason} (install with scripts/install.sh; in CI this fails instead of skipping)")


class BuiltSite:
    def __init__(self, root):
        self.root = pathlib.Path(root)
        self.providers = json.loads((self.root / "data/providers.json").read_text(encoding="utf-8"))
        self.cases = json.loads((self.root / "data/cases.json").read_text(encoding="utf-8"))

    def pages(self):
        """Every HTML page, as paths relative to the site root (``providers/x/index.html``)."""
        return sorted(str(p.relative_to(self.root)) for p in self.root.rglob("*.html"))

    def listed(self, industry):
        """Providers an industry's directory lists: all of that industry but withdrawn ones."""
        return [p for p in self.providers if industry in p["industries"] and p["status"] != "withdrawn"]


def roster_binary():
    given = os.environ.get("ROSTER_BIN")
    if given:
        return os.path.abspath(given)
    # Build (a no-op when up to date) so the suite never tests a stale binary.
    result = subprocess.run(["swift", "build", "-c", "release", "--product", "roster"], cwd=REPO,
                            capture_output=True, text=True)
    if result.returncode != 0:
        pytest.fail("swift build -c release failed:\n" + result.stdout[-4000:] + result.stderr[-4000:], pytrace=False)
    return str(REPO / ".build/release/roster")


@pytest.fixture(scope="session")
def site(tmp_path_factory):
    serve_root = tmp_path_factory.mktemp("serve")
    output = serve_root / BASE_PATH.strip("/")
    result = subprocess.run([roster_binary(), "build", "--output", str(output), "--now", NOW], cwd=REPO,
                            capture_output=True, text=True)
    if result.returncode != 0:
        pytest.fail("roster build failed:\n" + result.stdout + result.stderr, pytrace=False)
    return BuiltSite(output)


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def end_headers(self):
        self.send_header("Content-Security-Policy", CSP)
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture(scope="session")
def server(site):
    handler = functools.partial(QuietHandler, directory=str(site.root.parent))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}{BASE_PATH}"
    httpd.shutdown()
    httpd.server_close()


def make_driver(javascript=True):
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        unavailable("Python package selenium is not installed")
    for path, what in [(CHROMIUM, "Chromium"), (CHROMEDRIVER, "chromedriver")]:
        if not (os.path.isfile(path) and os.access(path, os.X_OK)) and not shutil.which(path):
            unavailable(f"{what} not found at {path} (Debian packages chromium and chromium-driver)")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     "--window-size=1280,1000", "--lang=zh-CN", "--hide-scrollbars"]:
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    if not javascript:
        options.add_experimental_option("prefs", {"profile.managed_default_content_settings.javascript": 2})
    # An explicit driver path: Selenium's own manager would try to download a browser, which cannot work here.
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_script_timeout(60)
    freeze_clock(driver, NOW)
    return driver


def freeze_clock(driver, day):
    """Let pages see `day` 10:00 Beijing time as now, so live timeline states agree with the build's --now."""
    target = f"Date.UTC({int(day[:4])}, {int(day[5:7]) - 1}, {int(day[8:10])}, 2, 0, 0)"
    driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": (
        "(() => { const Real = Date; const offset = " + target + " - Real.now();"
        " class Shifted extends Real { constructor(...a) { if (a.length === 0) super(Real.now() + offset); else super(...a); }"
        " static now() { return Real.now() + offset; } }"
        " globalThis.Date = Shifted; })();")})


@pytest.fixture(scope="session")
def browser():
    driver = make_driver()
    yield driver
    driver.quit()


@pytest.fixture(scope="session")
def browser_without_js():
    driver = make_driver(javascript=False)
    yield driver
    driver.quit()


class Page:
    """A thin helper over the driver: open site paths at a chosen width, read console errors."""

    def __init__(self, driver, base):
        self.driver = driver
        self.base = base

    def width(self, width, height=1000):
        # Emulation sets the CSS viewport exactly (a window cannot be narrower than Chromium's minimum).
        self.driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                                    {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 600})
        return self

    def phone(self):
        return self.width(390, 844)

    def go(self, path=""):
        self.driver.get(self.base + path)
        self.errors()  # drop messages of earlier pages
        return self.driver

    def url(self, path=""):
        return self.base + path

    def errors(self):
        """Console errors since the last call (CSP violations and script errors among them)."""
        return [entry for entry in self.driver.get_log("browser") if entry["level"] == "SEVERE"]


@pytest.fixture
def page(browser, server):
    helper = Page(browser, server)
    helper.width(1280)
    yield helper
    browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})


def axe_source():
    """axe-core's axe.min.js as shipped inside the axe-playwright-python package (axe 4.x, knows WCAG 2.1)."""
    # Located, not imported: only its bundled axe.min.js is used (Selenium drives the browser, not Playwright).
    spec = importlib.util.find_spec("axe_playwright_python")
    if spec is None or not spec.origin:
        unavailable("Python package axe-playwright-python (which ships axe-core) is not installed")
    folder = pathlib.Path(spec.origin).parent
    found = sorted(folder.rglob("axe.min.js"))
    if not found:
        pytest.fail(f"axe.min.js not found inside {folder}", pytrace=False)
    return found[0].read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def axe():
    source = axe_source()

    def run(driver, tags=WCAG_TAGS):
        if not driver.execute_script("return !!window.axe"):
            driver.execute_script(source)
        result = driver.execute_async_script(
            "var done = arguments[arguments.length - 1];"
            "axe.run(document, {runOnly: {type: 'tag', values: arguments[0]}, resultTypes: ['violations']})"
            ".then(function (r) { done({version: axe.version, violations: r.violations}); })"
            ".catch(function (e) { done({error: String(e)}); });", tags)
        assert "error" not in result, result.get("error")
        assert result["version"].startswith("4."), f"axe-core {result['version']} is not 4.x"
        return result["violations"]

    return run


def describe_violations(violations):
    """A readable failure message: rule, impact, help, and each offending node with axe's summary."""
    lines = []
    for v in violations:
        lines.append(f"[{v['impact']}] {v['id']}: {v['help']} ({v['helpUrl']})")
        for node in v["nodes"][:6]:
            lines.append(f"    at {' '.join(node['target'])}: {node.get('failureSummary', '').replace(chr(10), ' ')}")
            lines.append(f"       {node['html'][:200]}")
    return "\n".join(lines)
