"""The per-industry provider directory: facets, counts, URL state, sorting, the A–Z index, and the page without JS.

Expected lists come from the site's open data (data/providers.json), never from the page under test.
"""

import re
import urllib.parse

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

FACET_FIELDS = {
    "type": lambda p: p["types"],
    "area": lambda p: p["service_areas"],
    "district": lambda p: [p["district"]],
    "status": lambda p: [p["status"]],
}
INDUSTRIES = ["auto-parts", "rail-transit", "home-appliances", "general-parts"]


def provider_id(href):
    return re.search(r"/providers/([^/]+)/", href).group(1)


def shown(driver):
    """Ids of the provider cards the filtered list shows, in page order."""
    cards = driver.find_elements(By.CSS_SELECTOR, "[data-results] [data-item]")
    return [provider_id(c.find_element(By.CSS_SELECTOR, "h3 a").get_attribute("href")) for c in cards if c.is_displayed()]


def box(driver, name, value):
    return driver.find_element(By.CSS_SELECTOR, f'input[name="{name}"][value="{value}"]')


def option_counts(driver, name):
    counts = {}
    for label in driver.find_elements(By.CSS_SELECTOR, f'input[name="{name}"]'):
        chip = label.find_element(By.XPATH, "./ancestor::label")
        counts[label.get_attribute("value")] = int(chip.find_element(By.CSS_SELECTOR, "[data-count]").text)
    return counts


def query(driver):
    return urllib.parse.parse_qs(urllib.parse.urlparse(driver.current_url).query)


def status_text(driver):
    return driver.find_element(By.CSS_SELECTOR, "[data-result-count]").text


def matching(providers, selected):
    """The oracle: within a facet any chosen value, across facets all of them."""
    return {p["id"] for p in providers
            if all(not values or set(FACET_FIELDS[name](p)) & set(values) for name, values in selected.items())}


@pytest.mark.parametrize("industry", INDUSTRIES)
def test_lists_every_listed_provider_once_under_its_letter(page, site, industry):
    driver = page.go(f"industries/{industry}/")
    expected = {p["id"] for p in site.listed(industry)}
    ids = shown(driver)
    assert sorted(ids) == sorted(expected), "the list must hold every non-withdrawn provider of the industry, once"
    assert str(len(expected)) in status_text(driver)
    # Pinyin order: the build's order numbers run up, and the A–Z letters never go back.
    cards = [c for c in driver.find_elements(By.CSS_SELECTOR, "[data-results] [data-item]")]
    orders = [int(c.get_attribute("data-order")) for c in cards]
    assert orders == sorted(orders)
    letters = [c.get_attribute("data-letter") for c in cards]
    assert letters == sorted(letters, key=lambda l: (l == "other", l))
    index = [a.text for a in driver.find_elements(By.CSS_SELECTOR, ".az-index a")]
    assert index == list(dict.fromkeys(l if l != "other" else "#" for l in letters))
    assert not page.errors()


def test_index_ignores_a_leading_qingdao(page, site):
    qingdao = [p for p in site.providers if p["name"].startswith("青岛") and p["status"] != "withdrawn"]
    assert qingdao, "the sample content should have a provider named 青岛…"
    provider = qingdao[0]
    driver = page.go(f"industries/{provider['industries'][0]}/")
    card = driver.find_element(By.CSS_SELECTOR, f'[data-results] [data-item] a[href$="/providers/{provider["id"]}/"]')
    letter = card.find_element(By.XPATH, "./ancestor::li[@data-item]").get_attribute("data-letter")
    assert letter != "Q", f"{provider['name']} is indexed on its name without 青岛"


@pytest.mark.parametrize("industry", INDUSTRIES)
def test_every_facet_choice_narrows_the_list_shows_counts_and_goes_into_the_url(page, site, industry):
    driver = page.go(f"industries/{industry}/")
    providers = site.listed(industry)
    for name, field in FACET_FIELDS.items():
        counts = option_counts(driver, name)
        offered = {v for p in providers for v in field(p)}
        assert set(counts) == offered, f"{name} offers exactly the values its providers have"
        for value, count in counts.items():
            expected = matching(providers, {name: [value]})
            assert count == len(expected), f"count of {name}={value}"
            box(driver, name, value).click()
            assert sorted(shown(driver)) == sorted(expected), f"{name}={value}"
            assert query(driver) == {name: [value]}
            assert f"{len(expected)}" in status_text(driver) and f"{len(providers)}" in status_text(driver)
            box(driver, name, value).click()
            assert sorted(shown(driver)) == sorted(p["id"] for p in providers)
            assert query(driver) == {}
    assert not page.errors()


def test_facets_work_together(page, site):
    # The industry and the two choices are picked from the data: two areas (any of them) and a district (and).
    best = None
    for industry in INDUSTRIES:
        providers = site.listed(industry)
        areas = sorted({a for p in providers for a in p["service_areas"]})
        for i, a in enumerate(areas):
            for b in areas[i + 1:]:
                either = matching(providers, {"area": [a, b]})
                for district in sorted({p["district"] for p in providers}):
                    both = matching(providers, {"area": [a, b], "district": [district]})
                    if 0 < len(both) < len(either) < len(providers) and len(matching(providers, {"area": [a]})) < len(either):
                        best = best or (industry, a, b, district)
    assert best, "the sample content should allow a combined filter"
    industry, a, b, district = best
    providers = site.listed(industry)
    driver = page.go(f"industries/{industry}/")
    box(driver, "area", a).click()
    assert sorted(shown(driver)) == sorted(matching(providers, {"area": [a]}))
    box(driver, "area", b).click()
    assert sorted(shown(driver)) == sorted(matching(providers, {"area": [a, b]})), "choices within a facet add up"
    # Counts of another facet say what ticking it would give; counts within the facet ignore its own choices.
    for value, count in option_counts(driver, "district").items():
        assert count == len(matching(providers, {"area": [a, b], "district": [value]}))
    for value, count in option_counts(driver, "area").items():
        assert count == len(matching(providers, {"area": [value]}))
    box(driver, "district", district).click()
    expected = matching(providers, {"area": [a, b], "district": [district]})
    assert sorted(shown(driver)) == sorted(expected), "facets narrow each other"
    assert query(driver) == {"area": [a, b], "district": [district]}
    assert f"{len(expected)}" in status_text(driver)
    for value, count in option_counts(driver, "area").items():
        assert count == len(matching(providers, {"area": [value], "district": [district]}))
    # The reset button clears every choice.
    driver.find_element(By.CSS_SELECTOR, "[data-reset]").click()
    assert sorted(shown(driver)) == sorted(p["id"] for p in providers)
    assert query(driver) == {}


def test_a_shared_filtered_url_opens_the_same_view(page, site):
    industry = "home-appliances"
    providers = site.listed(industry)
    area = max({a for p in providers for a in p["service_areas"]},
               key=lambda a: (0 < len(matching(providers, {"area": [a]})) < len(providers), a))
    status = "recommended"
    path = f"industries/{industry}/?" + urllib.parse.urlencode([("area", area), ("status", status), ("sort", "cases")])
    driver = page.go(path)
    expected = matching(providers, {"area": [area], "status": [status]})
    assert sorted(shown(driver)) == sorted(expected)
    assert box(driver, "area", area).is_selected() and box(driver, "status", status).is_selected()
    assert Select(driver.find_element(By.ID, "sort")).first_selected_option.get_attribute("value") == "cases"
    cases = {p["id"]: p["case_count"] for p in providers}
    assert [cases[i] for i in shown(driver)] == sorted((cases[i] for i in expected), reverse=True)
    assert query(driver) == {"area": [area], "status": [status], "sort": ["cases"]}
    # Reloading keeps it; the panel says how many choices are active.
    driver.refresh()
    assert sorted(shown(driver)) == sorted(expected)
    assert "2" in driver.find_element(By.CSS_SELECTOR, "[data-selected-count]").text
    # Values the page does not know are ignored and dropped from the URL.
    driver = page.go(f"industries/{industry}/?area=不存在&district=<script>")
    assert sorted(shown(driver)) == sorted(p["id"] for p in providers)
    assert query(driver) == {}
    assert not page.errors()


def test_sort_by_number_of_cases_and_back(page, site):
    industry = "auto-parts"
    providers = site.listed(industry)
    cases = {p["id"]: p["case_count"] for p in providers}
    driver = page.go(f"industries/{industry}/")
    pinyin = shown(driver)
    Select(driver.find_element(By.ID, "sort")).select_by_value("cases")
    by_cases = shown(driver)
    assert sorted(by_cases) == sorted(pinyin)
    assert [cases[i] for i in by_cases] == sorted(cases.values(), reverse=True)
    # Ties keep pinyin order.
    for a, b in zip(by_cases, by_cases[1:]):
        if cases[a] == cases[b]:
            assert pinyin.index(a) < pinyin.index(b)
    assert not driver.find_element(By.CSS_SELECTOR, ".az-index").is_displayed()
    assert query(driver) == {"sort": ["cases"]}
    Select(driver.find_element(By.ID, "sort")).select_by_value("pinyin")
    assert shown(driver) == pinyin
    assert driver.find_element(By.CSS_SELECTOR, ".az-index").is_displayed()
    assert query(driver) == {}


def test_no_match_says_so_and_the_index_follows_the_filter(page, site):
    industry = "general-parts"
    providers = site.listed(industry)
    driver = page.go(f"industries/{industry}/")
    # A district and a status that no provider has together.
    pair = next((d, s) for d in sorted({p["district"] for p in providers}) for s in sorted({p["status"] for p in providers})
                if not matching(providers, {"district": [d], "status": [s]}))
    box(driver, "district", pair[0]).click()
    visible_letters = {a.text for a in driver.find_elements(By.CSS_SELECTOR, ".az-index a") if a.is_displayed()}
    shown_letters = {driver.find_element(By.CSS_SELECTOR, f'[data-group="{g}"] .az-letter').text[-1:]
                     for g in {c.get_attribute("data-letter") for c in driver.find_elements(By.CSS_SELECTOR, "[data-results] [data-item]") if c.is_displayed()}}
    assert visible_letters == shown_letters, "the index offers only letters that have providers in view"
    box(driver, "status", pair[1]).click()
    assert shown(driver) == []
    assert driver.find_element(By.CSS_SELECTOR, "[data-no-results]").is_displayed()
    assert "0" in status_text(driver)


def test_the_index_jumps_to_its_letter(page, site):
    driver = page.go("industries/auto-parts/")
    links = driver.find_elements(By.CSS_SELECTOR, ".az-index a")
    last = links[-1]
    target = last.get_attribute("href").split("#")[1]
    last.click()
    assert driver.execute_script("return location.hash") == "#" + target
    group = driver.find_element(By.ID, target)
    top = driver.execute_script("return arguments[0].getBoundingClientRect().top", group)
    assert 0 <= top < 200, "the letter's group is scrolled into view"


def test_result_count_is_a_live_region_outside_the_collapsed_panel(page, site):
    driver = page.phone().go("industries/auto-parts/")
    status = driver.find_element(By.CSS_SELECTOR, "[data-result-count]")
    assert status.get_attribute("role") == "status"
    assert status.is_displayed()
    panel = driver.find_element(By.CSS_SELECTOR, "[data-facets-panel]")
    assert panel.get_attribute("open") is None, "on a phone the facets start folded"
    assert driver.execute_script("return document.documentElement.scrollWidth") <= 390


def test_without_javascript_every_provider_is_listed_grouped_by_type(browser_without_js, server, site):
    driver = browser_without_js
    for industry in INDUSTRIES:
        driver.get(server + f"industries/{industry}/")
        assert not driver.find_element(By.CSS_SELECTOR, "[data-facets]").is_displayed()
        assert not driver.find_element(By.CSS_SELECTOR, "[data-results]").is_displayed()
        for type_ in ["integrator", "product", "chain-leader"]:
            section = driver.find_element(By.ID, f"type-{type_}")
            found = {provider_id(a.get_attribute("href")) for a in section.find_elements(By.CSS_SELECTOR, ".card-title a")}
            assert found == {p["id"] for p in site.listed(industry) if type_ in p["types"]}, f"{industry} {type_}"
