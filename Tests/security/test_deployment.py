"""deploy/nginx.conf, as it is in the repository, serving a built site on loopback.

Checks the headers of every kind of file, the 404 page, and loads every page kind in headless Chromium with the
browser log on: the strict Content-Security-Policy must report no violation (and a probe page with inline
script must report one, so the check is known to see violations). Skips when nginx or Chromium is missing on a
developer machine; fails instead when CI is set.
"""
import json
import os
import re
import shutil
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from support import REPO, copy_default_site, require, roster_binary, run

CSP = "default-src 'self'; img-src 'self' data:"
PAGE_KINDS = {
    "home": "/dx/",
    "industries": "/dx/industries/",
    "industry": "/dx/industries/auto-parts/",
    "provider": "/dx/providers/qlink-iot/",
    "case": None,  # the first case, found in the built site
    "showroom": "/dx/showroom/",
    "notices": "/dx/notices/",
    "notice": "/dx/notices/qingdao-2024-1/",
    "publicity notice": "/dx/notices/publicity-2024-first-batch/",
    "open data": "/dx/data/",
    "404": "/dx/no-such-page/",
}


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server():
    nginx = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
    require(nginx, "nginx is not installed (scripts/install.sh installs it)")
    work = Path(tempfile.mkdtemp(prefix="roster-nginx-"))
    work.chmod(0o755)  # nginx's workers run as an unprivileged user and must reach Site/
    root = copy_default_site(work / "site")
    result = run([roster_binary(), "build", "--root", str(root), "--now", "2024-02-10"])
    assert result.returncode == 0, result.stderr
    site = root / "Site"
    # The probe proves the browser check sees violations: it must be reported, the real pages must not.
    (site / "csp-probe.html").write_text(
        '<!DOCTYPE html><html><head><title>probe</title></head><body style="color:red">'
        '<script>document.title = "ran"</script></body></html>', encoding="utf-8")

    port = free_port()
    conf = (REPO / "deploy/nginx.conf").read_text(encoding="utf-8")
    # Only the lines marked CHANGE are changed, as an administrator would.
    conf, n1 = re.subn(r"listen 80;", f"listen 127.0.0.1:{port};", conf)
    conf, n2 = re.subn(r"alias /srv/roster/Site/;", f"alias {site}/;", conf)
    assert n1 == 1 and n2 == 1, "deploy/nginx.conf no longer has the lines the test changes"
    (work / "roster.conf").write_text(conf, encoding="utf-8")
    temp = work / "temp"
    temp.mkdir()
    (work / "nginx.conf").write_text(f"""
worker_processes 1;
pid {work}/nginx.pid;
error_log {work}/error.log warn;
events {{ worker_connections 64; }}
http {{
    include /etc/nginx/mime.types;
    default_type application/octet-stream;
    access_log off;
    client_body_temp_path {temp}/body;
    proxy_temp_path {temp}/proxy;
    fastcgi_temp_path {temp}/fastcgi;
    uwsgi_temp_path {temp}/uwsgi;
    scgi_temp_path {temp}/scgi;
    include {work}/roster.conf;
}}
""", encoding="utf-8")
    check = run([nginx, "-t", "-p", str(work), "-c", str(work / "nginx.conf")])
    assert check.returncode == 0, check.stderr
    process = subprocess.Popen([nginx, "-p", str(work), "-c", str(work / "nginx.conf"), "-g", "daemon off;"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(base + "/dx/", timeout=1)
            break
        except (urllib.error.URLError, ConnectionError):
            time.sleep(0.05)
    yield base, site
    process.terminate()
    process.wait(timeout=10)
    shutil.rmtree(work, ignore_errors=True)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def fetch(url):
    request = urllib.request.Request(url, headers={"Accept-Encoding": "identity"})
    try:
        with urllib.request.build_opener(NoRedirect).open(request, timeout=10) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def first_case(site):
    return "/dx/cases/" + sorted(p.name for p in (site / "cases").iterdir() if p.is_dir())[0] + "/"


def test_security_headers_on_every_kind_of_file(server):
    base, site = server
    asset_css = next((site / "assets").glob("site.*.css")).name
    asset_js = next((site / "assets").glob("site.*.js")).name
    expected = {
        "/dx/": ("text/html; charset=utf-8", "max-age=300"),
        first_case(site): ("text/html; charset=utf-8", "max-age=300"),
        f"/dx/assets/{asset_css}": ("text/css; charset=utf-8", "max-age=31536000, immutable"),
        f"/dx/assets/{asset_js}": ("application/javascript; charset=utf-8", "max-age=31536000, immutable"),
        "/dx/data/providers.json": ("application/json; charset=utf-8", "max-age=300"),
        "/dx/data/providers.csv": ("text/csv; charset=utf-8", "max-age=300"),
        "/dx/sitemap.xml": ("text/xml; charset=utf-8", "max-age=300"),
        "/dx/notices/feed.xml": ("text/xml; charset=utf-8", "max-age=300"),
        "/dx/media/covers/warehouse.svg": ("image/svg+xml; charset=utf-8", "max-age=86400"),
        "/dx/robots.txt": ("text/plain; charset=utf-8", "max-age=300"),
    }
    # Search shards are named after what they hold: cached for ever, like the hashed assets.
    shard = json.loads((site / "search" / "index.json").read_text(encoding="utf-8"))["files"][0]
    expected[f"/dx/search/t/{shard}.bin"] = ("application/octet-stream", "max-age=31536000, immutable")
    for ics in sorted(site.rglob("*.ics"))[:1]:  # calendar files, once the notices issue adds them
        expected["/dx/" + str(ics.relative_to(site))] = ("text/calendar; charset=utf-8", "max-age=300")
    for path, (content_type, cache) in expected.items():
        status, headers, _ = fetch(base + path)
        assert status == 200, path
        assert headers["Content-Type"] == content_type, f"{path}: {headers['Content-Type']}"
        assert headers["Content-Security-Policy"].startswith(CSP), path
        assert "frame-ancestors 'none'" in headers["Content-Security-Policy"], path
        assert headers["X-Content-Type-Options"] == "nosniff", path
        assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin", path
        assert cache in headers["Cache-Control"], f"{path}: {headers['Cache-Control']}"
        assert "nginx/" not in (headers.get("Server") or ""), "server_tokens off hides the version"


def test_missing_page_gets_the_sites_404_with_status_404(server):
    base, site = server
    (site / ".hidden").write_text("hidden", encoding="utf-8")
    for path in ["/dx/no-such-page/", "/dx/providers/nobody/", "/dx/assets/site.0000000000000000.css", "/dx/.hidden",
                 "/dx/providers/%2e%2e%2f%2e%2e%2fsite.yaml"]:
        status, headers, body = fetch(base + path)
        assert status == 404, f"{path}: {status}"
        assert body == (site / "404.html").read_bytes(), path
        assert headers["Content-Security-Policy"].startswith(CSP)
    # Paths above the site are refused outright (400) or not found; nothing outside Site/ is ever sent.
    for path in ["/dx/../etc/passwd", "/dx/%2e%2e/%2e%2e/%2e%2e/etc/passwd", "/dx/..%2f..%2fContent/site.yaml",
                 "/dx..%2fContent/site.yaml", "/dx/%2e%2e/Content/site.yaml"]:
        status, _, body = fetch(base + path)
        assert status in (400, 404), f"{path}: {status}"
        assert b"root:" not in body and b"base_url" not in body, path
    status, headers, _ = fetch(base + "/dx/providers/qlink-iot")
    assert status == 301 and headers["Location"] == "/dx/providers/qlink-iot/"


def browser():
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        require(False, "selenium is not installed (scripts/install.sh installs it)")
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    require(chromium and Path("/usr/bin/chromedriver").exists(), "chromium and chromium-driver are not installed")
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for argument in ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1280,1000"]:
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)


def test_every_page_kind_loads_with_no_csp_violation(server):
    base, site = server
    driver = browser()
    try:
        driver.get(base + "/dx/csp-probe.html")
        probe = driver.get_log("browser")
        assert any("Content Security Policy" in entry["message"] for entry in probe), \
            f"the probe's inline script was not reported, so the check cannot see violations: {probe}"
        assert driver.title == "probe", "the inline script ran despite the policy"

        for kind, path in PAGE_KINDS.items():
            path = path or first_case(site)
            driver.get(base + path)
            log = driver.get_log("browser")
            # Chromium may still ask the server's root for /favicon.ico (the pages declare `<link rel="icon"
            # href="data:,">`; headless Chromium does so now and then anyway): not the site's doing, and outside /dx/.
            problems = [entry["message"] for entry in log if entry["level"] in ("SEVERE", "WARNING")
                        and not (kind == "404" and "status of 404" in entry["message"] and path in entry["message"])
                        and not entry["message"].startswith(base + "/favicon.ico ")]
            assert problems == [], f"{kind} ({path}): {problems}"
            # The page really loaded with its stylesheet and script.
            assert driver.execute_script("return document.styleSheets.length") >= 1, kind
            assert driver.execute_script(
                "return [...document.scripts].every(s => s.src && new URL(s.src).origin === location.origin)"), kind
    finally:
        driver.quit()
