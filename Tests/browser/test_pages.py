"""Home, provider and case pages, opened the way a visitor gets there; the charts and their text alternatives."""

import re

import pytest
from selenium.webdriver.common.by import By

TYPE_LABELS = {"integrator": "综合集成型", "product": "“小快轻准”产品型", "chain-leader": "“链主”企业型"}
STATUS_LABELS = {"publicity": "公示中", "suspended": "暂停推荐", "withdrawn": "已退出"}


def number(value):
    return str(int(value)) if float(value).is_integer() else str(value)


def svg_name(driver, svg):
    """The chart's accessible name as Chromium computes it (title and description, via aria-labelledby)."""
    assert svg.get_attribute("role") == "img"
    return svg.accessible_name


def test_home_shows_providers_against_quota_per_industry_and_type_and_the_open_notices(page, site):
    driver = page.go("")
    cards = driver.find_elements(By.CSS_SELECTOR, ".industry-card")
    assert len(cards) == 4
    for card in cards:
        industry = card.find_element(By.CSS_SELECTOR, ".card-title a").text
        industry_id = re.search(r"/industries/([^/]+)/", card.find_element(By.CSS_SELECTOR, ".card-title a").get_attribute("href")).group(1)
        svg = card.find_element(By.CSS_SELECTOR, "svg.chart-quota")
        name = svg_name(driver, svg)
        assert industry in name
        table = card.find_element(By.CSS_SELECTOR, "table.quota-table")
        assert table.find_elements(By.CSS_SELECTOR, "thead th[scope=col]") and table.find_elements(By.CSS_SELECTOR, "tbody th[scope=row]")
        for type_, label in TYPE_LABELS.items():
            active = sum(1 for p in site.providers if industry_id in p["industries"] and type_ in p["types"]
                         and p["status"] in ("recommended", "publicity"))
            assert f"{label}：现有{active}家" in name, f"{industry} {label}: the chart's text alternative says the count"
            row = [r for r in table.find_elements(By.CSS_SELECTOR, "tbody tr")
                   if r.find_element(By.CSS_SELECTOR, "th").get_attribute("textContent") == label][0]
            assert row.find_elements(By.CSS_SELECTOR, "td")[0].get_attribute("textContent") == str(active)
        # The table is one click away, by keyboard too.
        summary = card.find_element(By.CSS_SELECTOR, ".chart-data summary")
        summary.click()
        assert table.is_displayed()
    open_section = driver.find_element(By.CSS_SELECTOR, ".open-notices")
    assert "公示" in open_section.text and "进行中" in open_section.text
    assert not page.errors()


def test_open_a_provider_from_its_directory(page, site):
    provider = max((p for p in site.providers if p["status"] == "recommended"), key=lambda p: (p["case_count"], p["id"]))
    driver = page.go(f"industries/{provider['industries'][0]}/")
    driver.find_element(By.CSS_SELECTOR, f'[data-results] a[href$="/providers/{provider["id"]}/"]').click()
    assert driver.find_element(By.TAG_NAME, "h1").text == provider["name"]
    header = driver.find_element(By.CSS_SELECTOR, ".profile-header").text
    for type_ in provider["types"]:
        assert TYPE_LABELS[type_] in header
    for text in [provider["district"], *provider["service_areas"], provider["contact_phone"], provider["contact_email"]]:
        assert text in header
    phone = driver.find_element(By.CSS_SELECTOR, '.contact-box a[href^="tel:"]')
    assert phone.text == provider["contact_phone"]
    cards = driver.find_elements(By.CSS_SELECTOR, "#cases-title ~ .card-grid > li")
    assert len(cards) == provider["case_count"]
    history = driver.find_elements(By.CSS_SELECTOR, "#history-title ~ table tbody tr")
    assert history, "the status history is shown"
    assert not page.errors()


@pytest.mark.parametrize("status", ["publicity", "suspended", "withdrawn"])
def test_a_provider_not_plainly_recommended_says_so_at_the_top(page, site, status):
    provider = next(p for p in site.providers if p["status"] == status)
    driver = page.phone().go(f"providers/{provider['id']}/")
    notice = driver.find_element(By.CSS_SELECTOR, ".status-notice")
    assert STATUS_LABELS[status] in notice.text
    top = driver.execute_script("return arguments[0].getBoundingClientRect().top", notice)
    assert top < 700, "the status is seen without scrolling, on a phone too"


def test_open_a_case_from_the_showroom_and_read_its_charts(page, site):
    item = next(c for c in site.cases if c["showroom"] and len(c["results"]) >= 2)
    driver = page.go("showroom/")
    driver.find_element(By.CSS_SELECTOR, f'[data-results] a[href$="/cases/{item["id"]}/"]').click()
    assert driver.find_element(By.TAG_NAME, "h1").text == item["title"]
    charts = driver.find_elements(By.CSS_SELECTOR, "svg.chart-before-after")
    assert len(charts) == len(item["results"])
    rows = driver.find_elements(By.CSS_SELECTOR, "table.results-table tbody tr")
    assert len(rows) == len(item["results"])
    for chart, row, result in zip(charts, rows, item["results"]):
        before = number(result["before"]) + result["unit"]
        after = number(result["after"]) + result["unit"]
        name = svg_name(driver, chart)
        assert result["metric"] in name and f"改造前{before}" in name and f"改造后{after}" in name, name
        word = "减少" if result["after"] < result["before"] else ("增加" if result["after"] > result["before"] else "没有变化")
        assert word in name, "the change is said in words, so nothing rests on colour or bar length"
        cells = [c.text for c in row.find_elements(By.CSS_SELECTOR, "th, td")]
        assert cells[:3] == [result["metric"], before, after], "the table carries the same numbers"
        # Both bars start at zero on one scale: their lengths are in the ratio of the values.
        widths = [float(r.get_attribute("width")) for r in chart.find_elements(By.CSS_SELECTOR, "rect")]
        if min(result["before"], result["after"]) > 0:
            assert widths[0] / widths[1] == pytest.approx(result["before"] / result["after"], rel=0.05)
        # Every number drawn is also written as text inside the chart.
        texts = [t.get_attribute("textContent") for t in chart.find_elements(By.CSS_SELECTOR, "text")]
        assert before in texts and after in texts
    assert not page.errors()


def test_a_lower_is_better_result_still_reads_right(page, site):
    item = next(c for c in site.cases if any(r["after"] < r["before"] for r in c["results"]))
    index, result = next((i, r) for i, r in enumerate(item["results"]) if r["after"] < r["before"])
    driver = page.go(f"cases/{item['id']}/")
    chart = driver.find_elements(By.CSS_SELECTOR, "svg.chart-before-after")[index]
    before_bar, after_bar = chart.find_elements(By.CSS_SELECTOR, "rect")
    assert float(before_bar.get_attribute("x")) == float(after_bar.get_attribute("x")), "both bars grow from the same zero line"
    assert float(after_bar.get_attribute("width")) < float(before_bar.get_attribute("width"))
    assert "减少" in svg_name(driver, chart)


def test_running_lists_follow_the_visitors_clock(server):
    """Built on 2024-02-10 with the publicity period running; a visitor on 2024-06-01 must not see it as running."""
    from conftest import freeze_clock, make_driver
    driver = make_driver()
    try:
        freeze_clock(driver, "2024-06-01")
        for path in ["", "notices/"]:
            driver.get(server + path)
            section = driver.find_element(By.CSS_SELECTOR, ".open-notices")
            assert "进行中" not in section.text, path
            assert "目前没有正在进行的事项" in section.text, path
            assert "2024年6月1日" in section.text, path
        freeze_clock(driver, "2024-02-12")
        driver.get(server)
        section = driver.find_element(By.CSS_SELECTOR, ".open-notices")
        assert "进行中" in section.text and "目前没有正在进行的事项" not in section.text
    finally:
        driver.quit()
