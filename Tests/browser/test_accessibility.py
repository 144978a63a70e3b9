"""axe-core (WCAG 2.1 A and AA rules) on every kind of page, at desktop and phone widths; reflow at 320 CSS px;
headings in order; nothing fetched from another host."""

import urllib.parse

import pytest
from selenium.webdriver.common.by import By

from conftest import describe_violations

# One page of every kind, plus the states a visitor puts the filter pages in.
PAGES = {
    "home": "",
    "industries": "industries/",
    "industry": "industries/auto-parts/",
    "industry, filtered": "industries/home-appliances/?area=%E8%B4%A8%E9%87%8F%E7%AE%A1%E7%90%86&status=recommended",
    "industry, by cases": "industries/general-parts/?sort=cases",
    "industry, no match": "industries/general-parts/?district=%E5%B8%82%E5%8D%97%E5%8C%BA&status=publicity",
    "provider": "providers/hanhai-zhilian/",
    "provider, publicity": "providers/haijia-tongxin/",
    "provider, suspended": "providers/wansu-xinxi/",
    "provider, withdrawn": "providers/yunqi-zhizao/",
    "case": "cases/hanhai-valve-traceability/",
    "case, no cover": "cases/hanhai-assessment-jiawo/",
    "showroom": "showroom/",
    "showroom, filtered": "showroom/?industry=rail-transit&area=%E8%B4%A8%E9%87%8F%E7%AE%A1%E7%90%86",
    "notices": "notices/",
    "notice": "notices/qingdao-2024-1/",
    "publicity notice": "notices/publicity-2024-first-batch/",
    "result notice": "notices/result-2024-first-batch/",
    "data": "data/",
    "search": "search/?q=%E8%B4%A8%E9%87%8F%E8%BF%BD%E6%BA%AF",
    "search, empty": "search/",
    "404": "404.html",
}


def test_the_page_list_covers_every_kind_of_built_page(site):
    kinds = {path.split("/")[0] if "/" in path else path for path in site.pages()}
    covered = {urllib.parse.urlparse(p).path.split("/")[0] or "index.html" for p in PAGES.values()}
    assert kinds <= covered | {"index.html"}, f"a kind of page is not checked: {kinds - covered}"
    for path in PAGES.values():
        file = urllib.parse.urlparse(path).path
        assert (site.root / (file + "index.html" if file == "" or file.endswith("/") else file)).exists(), path


@pytest.mark.parametrize("width", [1280, 390])
@pytest.mark.parametrize("kind", list(PAGES))
def test_no_wcag_violations(page, axe, kind, width):
    driver = page.width(width).go(PAGES[kind])
    if width < 600 and driver.find_elements(By.CSS_SELECTOR, "[data-facets-panel]"):
        driver.execute_script("document.querySelector('[data-facets-panel]').open = true")  # check the folded part too
    violations = axe(driver)
    assert not violations, f"{kind} at {width}px:\n" + describe_violations(violations)
    assert not page.errors(), "console errors (a CSP violation shows here)"


@pytest.mark.parametrize("kind", list(PAGES))
def test_reflows_at_320_css_px_without_horizontal_scrolling(page, kind):
    # 320 CSS px is 1280 px zoomed to 400% (WCAG 1.4.10); it also covers zoom to 200% on a 640 px window.
    driver = page.width(320).go(PAGES[kind])
    overflow = driver.execute_script("""
        var out = [], max = document.documentElement.clientWidth;
        document.querySelectorAll('body *').forEach(function (e) {
          var r = e.getBoundingClientRect();
          if (r.width && r.right > max + 1 && !e.closest('.table-scroll, svg')) out.push(e.tagName + '.' + e.className + ' ' + Math.round(r.right));
        });
        return {scroll: document.documentElement.scrollWidth, width: max, offenders: out.slice(0, 8)};
    """)
    assert overflow["scroll"] <= overflow["width"], f"{kind}: {overflow}"


@pytest.mark.parametrize("kind", list(PAGES))
def test_one_h1_and_headings_never_skip_a_level(page, kind):
    driver = page.go(PAGES[kind])
    levels = driver.execute_script("""
        return Array.prototype.filter.call(document.querySelectorAll('h1, h2, h3, h4, h5, h6'), function (h) {
          return h.getClientRects().length > 0 || h.classList.contains('visually-hidden');
        }).map(function (h) { return Number(h.tagName[1]); });
    """)
    assert levels.count(1) == 1 and levels[0] == 1, levels
    for previous, level in zip(levels, levels[1:]):
        assert level <= previous + 1, f"{kind}: h{previous} followed by h{level} ({levels})"


@pytest.mark.parametrize("kind", ["home", "industry", "case", "showroom", "notice"])
def test_nothing_is_fetched_from_another_host(page, server, kind):
    driver = page.go(PAGES[kind])
    driver.execute_script("window.scrollTo(0, document.body.scrollHeight)")  # lazy images too
    host = urllib.parse.urlparse(server).netloc
    requests = driver.execute_script(
        "return performance.getEntriesByType('resource').map(function (e) { return e.name; }).concat([location.href]);")
    foreign = [r for r in requests if urllib.parse.urlparse(r).netloc not in (host, "")]
    assert not foreign, foreign


def test_landmarks_and_skip_link(page):
    for kind in ["home", "industry", "case"]:
        driver = page.go(PAGES[kind])
        assert len(driver.find_elements(By.CSS_SELECTOR, "header.site-header")) == 1
        assert len(driver.find_elements(By.TAG_NAME, "main")) == 1
        assert len(driver.find_elements(By.CSS_SELECTOR, "footer.site-footer")) == 1
        assert driver.find_element(By.CSS_SELECTOR, "nav.site-nav").get_attribute("aria-label")
        skip = driver.find_element(By.CSS_SELECTOR, "a.skip-link")
        assert skip.get_attribute("href").endswith("#main")


def test_axe_reports_what_it_should(page, axe):
    # Guards the guard: a page made inaccessible on purpose must fail, or a silent axe would pass everything.
    driver = page.go("")
    driver.execute_script("""
        var img = document.createElement('img'); img.src = 'data:,'; document.querySelector('main').appendChild(img);
        var p = document.createElement('p'); p.textContent = '低对比度'; p.className = 'probe';
        p.setAttribute('aria-hidden', 'false'); document.querySelector('main').appendChild(p);
        document.styleSheets[0].insertRule('.probe { color: #ccc; background: #fff; }', 0);
    """)
    ids = {v["id"] for v in axe(driver)}
    assert {"image-alt", "color-contrast"} <= ids, ids
