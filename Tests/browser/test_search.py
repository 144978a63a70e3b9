"""Site search in the browser: the script's answers on the default site, facets, links, keyboard, no JavaScript.

The ranking is written twice, in Swift (SearchEngine.swift, for the unit tests) and in the page's script
(assets/search.js); `test_the_script_ranks_like_swift` holds the script to the rankings the Swift tests record in
Tests/RosterTests/Fixtures/search/rankings.json.
"""

import json
import pathlib
import urllib.parse

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

from conftest import describe_violations

FIXTURES = pathlib.Path(__file__).resolve().parents[1] / "RosterTests/Fixtures/search"

# What an SME owner types, and the page that must come first.
EXPECTED_FIRST = {
    "注塑": "cases/qlink-auto-injection-iot/",
    "质量追溯": "cases/borui-bogie-welding-data/",
    "设备联网": "cases/hanhai-stamping-welding-mes/",
    "仓储": "cases/lanting-packaging-ecosystem/",
    "视觉检测": "cases/anzhun-brake-disc-vision/",
    "能耗": "cases/qlink-home-injection-iot/",
    "排产": "cases/zhixu-radiator-aps/",
    "轨道交通": "cases/kunyu-zhuzhou-process-data/",
    "家电": "cases/detuo-ningbo-digital-plan/",
    "链主": "cases/taichi-tier2-supply-collab/",
    "公示": "notices/publicity-2024-first-batch/",
    "瀚海智联": "providers/hanhai-zhilian/",
    "MES": "cases/hanhai-brake-plan/",
    "5G": "cases/haijia-5g-agv-welding/",
    "IATF 16949": "providers/hanhai-zhilian/",
    "ERP 集成": "cases/hanhai-brake-plan/",
    "扫码报工": "cases/yigongyun-rail-dalian-scan/",
}


def errors(page):
    """Console errors but the browser's own request for /favicon.ico, which is not the page's doing."""
    return [e for e in page.errors() if "favicon.ico" not in e["message"]]


def status(driver):
    return driver.find_element(By.CSS_SELECTOR, "[data-search-status]").text


def search(page, query, extra=""):
    """Opens /search/?q=query and waits for the results; returns the driver."""
    driver = page.go("search/?q=" + urllib.parse.quote(query) + extra)
    WebDriverWait(driver, 20).until(lambda d: "找到" in status(d) or "失败" in status(d) or "无法" in status(d))
    return driver


def result_paths(driver, base, everything=False):
    """The result links in order (all of them when `everything`: clicks "more" until it is gone)."""
    while everything and driver.find_elements(By.CSS_SELECTOR, "[data-search-more]"):
        before = len(driver.find_elements(By.CSS_SELECTOR, ".search-result"))
        driver.find_element(By.CSS_SELECTOR, "[data-search-more]").click()
        WebDriverWait(driver, 20).until(lambda d: len(d.find_elements(By.CSS_SELECTOR, ".search-result")) > before)
    links = driver.find_elements(By.CSS_SELECTOR, ".search-result-title a")
    path = urllib.parse.urlparse(base).path
    return [urllib.parse.urlparse(a.get_attribute("href")).path[len(path):] for a in links]


@pytest.mark.parametrize("query,first", EXPECTED_FIRST.items())
def test_a_query_puts_the_expected_page_first(page, server, query, first):
    driver = search(page, query)
    assert result_paths(driver, server)[0] == first, status(driver)
    assert not errors(page)


def test_the_script_ranks_like_swift(page, server):
    recorded = json.loads((FIXTURES / "rankings.json").read_text(encoding="utf-8"))
    for query, expected in recorded.items():
        driver = search(page, query)
        paths = ["/dx/" + p for p in result_paths(driver, server)]
        assert paths == expected["first"], query
        assert str(expected["count"]) in status(driver), (query, status(driver))
        partial = len(driver.find_elements(By.CSS_SELECTOR, "[data-search-list=partial] .search-result"))
        if expected["count"] <= 10:
            assert partial == expected["partial"], query


@pytest.mark.parametrize("spaced,joined", [("质量 追溯", "质量追溯"), ("设备 联网", "设备联网"), ("数字化 能力 评估", "数字化能力评估"),
                                           ("ERP 集成", "ERP集成"), ("MES 系统", "MES系统"), ("ＥＲＰ", "erp")])
def test_with_and_without_spaces_the_same_results(page, server, spaced, joined):
    first = result_paths(search(page, spaced), server, everything=True)
    count = status(page.driver)
    second = result_paths(search(page, joined), server, everything=True)
    assert first and first == second
    assert count == status(page.driver)


def facet(driver, group, value):
    return driver.find_element(By.ID, f"facet-{group}-{value}")


def facet_count(driver, group, value):
    label = driver.find_element(By.CSS_SELECTOR, f"label[for=facet-{group}-{value}]").text
    return int(label.rsplit("(", 1)[1].rstrip(")"))


def test_facets_narrow_the_results_and_go_into_the_link(page, server, site):
    driver = search(page, "MES")
    everything = result_paths(driver, server, everything=True)
    cases = facet_count(driver, "kind", "case")
    assert 0 < cases < len(everything)
    facet(driver, "kind", "case").click()
    WebDriverWait(driver, 10).until(lambda d: "筛选前" in status(d))
    narrowed = result_paths(driver, server, everything=True)
    assert len(narrowed) == cases and all(p.startswith("cases/") for p in narrowed)
    assert set(narrowed) <= set(everything)
    assert urllib.parse.parse_qs(urllib.parse.urlparse(driver.current_url).query) == {"q": ["MES"], "kind": ["case"]}
    # A second group narrows further: rail-transit cases only, and the counts follow.
    rail = facet_count(driver, "industry", "rail-transit")
    facet(driver, "industry", "rail-transit").click()
    WebDriverWait(driver, 10).until(lambda d: len(result_paths(d, server, everything=True)) == rail)
    rail_cases = {c["id"] for c in site.cases if c["industry"] == "rail-transit"}
    assert {p.split("/")[1] for p in result_paths(driver, server, everything=True)} <= rail_cases
    # Provider type: cases whose provider is of that type.
    types = {p["id"]: p["types"] for p in site.providers}
    by_case = {c["id"]: types[c["provider"]] for c in site.cases}
    product = facet_count(driver, "type", "product")
    facet(driver, "type", "product").click()
    WebDriverWait(driver, 10).until(lambda d: len(result_paths(d, server, everything=True)) == product)
    assert all("product" in by_case[p.split("/")[1]] for p in result_paths(driver, server, everything=True))
    # Clearing brings every result back.
    driver.find_element(By.CSS_SELECTOR, "[data-search-clear]").click()
    WebDriverWait(driver, 10).until(lambda d: len(result_paths(d, server, everything=True)) == len(everything))
    assert not errors(page)


def test_a_linked_search_opens_with_its_query_and_filters(page, server):
    driver = search(page, "注塑", "&kind=provider")
    assert driver.find_element(By.ID, "search-q").get_attribute("value") == "注塑"
    assert facet(driver, "kind", "provider").is_selected()
    paths = result_paths(driver, server, everything=True)
    assert paths and all(p.startswith("providers/") for p in paths)
    assert driver.title.startswith("“注塑”的搜索结果")


def test_results_are_text_with_marks_only(page):
    driver = search(page, "质量追溯")
    snippets = driver.find_elements(By.CSS_SELECTOR, ".search-result-snippet, .search-result-title a")
    assert snippets
    tags = driver.execute_script("""
        return Array.from(document.querySelectorAll('.search-result-snippet *, .search-result-title a *'))
          .map(function (e) { return e.tagName; });""")
    assert set(tags) == {"MARK"}
    marked = {m.text for m in driver.find_elements(By.CSS_SELECTOR, ".search-result mark")}
    assert "质量追溯" in marked


def test_typing_searches_and_keeps_the_link_current(page, server):
    driver = page.go("search/")
    box = driver.find_element(By.ID, "search-q")
    box.send_keys("焊接")
    WebDriverWait(driver, 20).until(lambda d: "找到" in status(d))
    assert urllib.parse.parse_qs(urllib.parse.urlparse(driver.current_url).query) == {"q": ["焊接"]}
    assert result_paths(driver, server)[0].startswith("cases/")
    box.send_keys(Keys.CONTROL, "a")
    box.send_keys("xyzzy")
    WebDriverWait(driver, 20).until(lambda d: "没有找到" in status(d))
    assert not driver.find_elements(By.CSS_SELECTOR, ".search-result")


def test_more_results_by_keyboard_moves_focus_to_the_first_new_one(page):
    driver = search(page, "数字化能力评估")
    assert len(driver.find_elements(By.CSS_SELECTOR, ".search-result")) == 10
    more = driver.find_element(By.CSS_SELECTOR, "[data-search-more]")
    more.send_keys(Keys.ENTER)
    WebDriverWait(driver, 10).until(lambda d: len(d.find_elements(By.CSS_SELECTOR, ".search-result")) == 20)
    focused = driver.switch_to.active_element
    links = driver.find_elements(By.CSS_SELECTOR, ".search-result-title a")
    assert focused == links[10]
    # The partial results have a heading of their own.
    assert driver.find_element(By.CSS_SELECTOR, ".search-partial-title").text == "只含部分字词的结果"


def test_the_results_count_is_announced(page):
    driver = search(page, "注塑")
    region = driver.find_element(By.CSS_SELECTOR, "[data-search-status]")
    assert region.get_attribute("role") == "status"
    assert region.text.startswith("找到 ")


RECORD_FETCHES = """
window.fetched = [];
var original = window.fetch;
window.fetch = function (url) { window.fetched.push(String(url)); return original.apply(this, arguments); };
"""


def test_the_header_box_fetches_nothing_until_focused(page):
    driver = page.go("")
    loaded = driver.execute_script("return performance.getEntriesByType('resource').map(function (e) { return e.name; })")
    assert not [url for url in loaded if "/search" in url]
    driver.execute_script(RECORD_FETCHES)
    box = driver.find_element(By.ID, "header-search-q")
    assert driver.find_element(By.CSS_SELECTOR, "label[for=header-search-q]").get_attribute("textContent") == "搜索本站"
    assert driver.execute_script("return window.fetched") == []
    box.click()
    WebDriverWait(driver, 10).until(lambda d: d.execute_script("return window.fetched").count("/dx/search/index.json") == 1)
    box.send_keys("MES", Keys.ENTER)
    WebDriverWait(driver, 20).until(lambda d: "/search/" in d.current_url and "找到" in status(d))
    assert driver.find_element(By.ID, "search-q").get_attribute("value") == "MES"


def test_every_page_has_the_header_box_but_the_search_page(site):
    for path in site.pages():
        html = (site.root / path).read_text(encoding="utf-8")
        if path == "search/index.html":
            assert 'role="search"' in html and "header-search-q" not in html
        else:
            assert '<form class="header-search" role="search" action="/dx/search/"' in html, path


def test_without_javascript_the_search_page_points_to_the_directories(browser_without_js, server):
    driver = browser_without_js
    driver.get(server)
    box = driver.find_element(By.ID, "header-search-q")
    box.send_keys("注塑", Keys.ENTER)
    WebDriverWait(driver, 10).until(lambda d: "/search/" in d.current_url)
    assert urllib.parse.parse_qs(urllib.parse.urlparse(driver.current_url).query) == {"q": ["注塑"]}
    message = driver.find_element(By.CSS_SELECTOR, "[data-search-nojs]")
    assert message.is_displayed() and "需要" in message.text and "JavaScript" in message.text
    links = [a.get_attribute("href") for a in message.find_elements(By.TAG_NAME, "a")]
    assert [urllib.parse.urlparse(h).path for h in links] == ["/dx/industries/", "/dx/showroom/", "/dx/notices/"]
    assert not driver.find_element(By.CSS_SELECTOR, "[data-search-app]").is_displayed()


@pytest.mark.parametrize("width", [1280, 390])
def test_the_search_page_passes_axe(page, axe, width):
    page.width(width, 1000 if width > 600 else 844)
    driver = search(page, "ERP 集成")
    if width < 600:
        driver.find_element(By.CSS_SELECTOR, ".search-facet-box summary").click()
    violations = axe(driver)
    assert not violations, describe_violations(violations)
    assert not errors(page)


def test_the_search_page_fits_the_budget(page):
    driver = search(page, "注塑")
    sizes = driver.execute_script("""
        return performance.getEntriesByType('resource').filter(function (e) { return /\\.(css|js)$/.test(e.name); })
          .map(function (e) { return e.decodedBodySize; });""")
    assert 0 < sum(sizes) < 60 * 1024, sizes
