"""The case showroom (案例展厅): cards grouped by industry, filtered by industry and service area, state in the URL."""

import re
import urllib.parse

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait


def case_id(href):
    return re.search(r"/cases/([^/]+)/", href).group(1)


def shown(driver):
    cards = driver.find_elements(By.CSS_SELECTOR, "[data-results] [data-item]")
    return [case_id(c.find_element(By.CSS_SELECTOR, "h3 a").get_attribute("href")) for c in cards if c.is_displayed()]


def box(driver, name, value):
    return driver.find_element(By.CSS_SELECTOR, f'input[name="{name}"][value="{value}"]')


def query(driver):
    return urllib.parse.parse_qs(urllib.parse.urlparse(driver.current_url).query)


def showroom(site):
    return [c for c in site.cases if c["showroom"]]


def test_every_showroom_case_is_a_card_with_cover_industry_areas_provider_and_headline(page, site):
    driver = page.go("showroom/")
    cases = {c["id"]: c for c in showroom(site)}
    assert sorted(shown(driver)) == sorted(cases)
    for card in driver.find_elements(By.CSS_SELECTOR, "[data-results] [data-item]"):
        item = cases[case_id(card.find_element(By.CSS_SELECTOR, "h3 a").get_attribute("href"))]
        text = card.text
        assert item["provider_name"] in text
        assert all(area in text for area in item["areas"])
        if item["results"]:
            assert item["results"][0]["metric"] in card.find_element(By.CSS_SELECTOR, ".headline-result").text
        for image in card.find_elements(By.CSS_SELECTOR, "img"):
            assert image.get_attribute("alt") == "", "a cover beside its title is decorative"
            driver.execute_script("arguments[0].scrollIntoView()", image)  # covers load lazily
            WebDriverWait(driver, 10).until(
                lambda d: d.execute_script("return arguments[0].complete && arguments[0].naturalWidth > 0", image))
    covered = driver.find_elements(By.CSS_SELECTOR, "[data-results] [data-item] img.card-cover")
    assert len(covered) >= len(cases) // 2, "most sample showroom cases have a cover"
    # Grouped by industry, in the order of industries.yaml.
    for section in driver.find_elements(By.CSS_SELECTOR, "[data-group]"):
        industry = section.get_attribute("data-group")
        ids = [case_id(a.get_attribute("href")) for a in section.find_elements(By.CSS_SELECTOR, "h3 a")]
        assert all(cases[i]["industry"] == industry for i in ids)
    assert not page.errors()


def test_filter_by_industry_and_area_with_the_state_in_the_url(page, site):
    cases = showroom(site)
    driver = page.go("showroom/")
    industry = "rail-transit"
    box(driver, "industry", industry).click()
    expected = [c["id"] for c in cases if c["industry"] == industry]
    assert sorted(shown(driver)) == sorted(expected)
    others = [s for s in driver.find_elements(By.CSS_SELECTOR, "[data-group]") if s.get_attribute("data-group") != industry]
    assert not any(s.is_displayed() for s in others), "industries without a match are hidden"
    areas = sorted({a for c in cases if c["industry"] == industry for a in c["areas"]})
    area = next(a for a in areas if 0 < len([c for c in cases if c["industry"] == industry and a in c["areas"]]) < len(expected))
    box(driver, "area", area).click()
    expected = sorted(c["id"] for c in cases if c["industry"] == industry and area in c["areas"])
    assert sorted(shown(driver)) == expected
    assert query(driver) == {"industry": [industry], "area": [area]}
    group_count = driver.find_element(By.CSS_SELECTOR, f'[data-group="{industry}"] [data-group-count]').text
    assert group_count == str(len(expected))
    # The same URL opened fresh shows the same cards.
    url = driver.current_url
    driver = page.go("")
    driver.get(url)
    assert sorted(shown(driver)) == expected
    assert not page.errors()


def test_without_javascript_every_case_shows_grouped_by_industry(browser_without_js, server, site):
    driver = browser_without_js
    driver.get(server + "showroom/")
    assert not driver.find_element(By.CSS_SELECTOR, "[data-facets]").is_displayed()
    ids = [case_id(a.get_attribute("href")) for a in driver.find_elements(By.CSS_SELECTOR, "[data-group] h3 a")]
    assert sorted(ids) == sorted(c["id"] for c in showroom(site))
