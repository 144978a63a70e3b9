"""Keyboard alone: skip link, the facets (open, tick, clear), sorting; focus is always visible."""

import urllib.parse

from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

FOCUS_STYLE = """
var e = document.activeElement, s = getComputedStyle(e);
var r = e.getBoundingClientRect();
return {tag: e.tagName, name: e.getAttribute('name'), value: e.value, cls: e.className, text: (e.textContent || '').trim().slice(0, 30),
        outline: s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2, shadow: s.boxShadow !== 'none',
        visible: r.width > 0 && r.height > 0 && s.visibility !== 'hidden'};
"""


def press(driver, *keys):
    driver.switch_to.active_element.send_keys(*keys)
    return driver.execute_script(FOCUS_STYLE)


def tab_until(driver, predicate, limit=80):
    """Tabs forward until `predicate(focused)`; every stop on the way must be visible and show focus."""
    for _ in range(limit):
        focused = press(driver, Keys.TAB)
        assert focused["visible"], f"focus went to an invisible element: {focused}"
        assert focused["outline"] or focused["shadow"], f"focus is not visible on {focused}"
        if predicate(focused):
            return focused
    raise AssertionError("never reached by Tab")


def shown_count(driver):
    return len([c for c in driver.find_elements(By.CSS_SELECTOR, "[data-results] [data-item]") if c.is_displayed()])


def test_facets_by_keyboard_alone_on_a_phone(page, site):
    driver = page.phone().go("industries/auto-parts/")
    total = len(site.listed("auto-parts"))
    # The first Tab lands on the skip link, which shows itself and moves focus to the main content.
    skip = press(driver, Keys.TAB)
    assert skip["cls"] == "skip-link" and skip["visible"]
    assert driver.execute_script("return document.activeElement.getBoundingClientRect().top") >= 0
    press(driver, Keys.ENTER)
    assert driver.execute_script("return document.activeElement.id") == "main"
    # Open the folded facets with Enter.
    tab_until(driver, lambda f: f["tag"] == "SUMMARY" and "facets-summary" in f["cls"])
    press(driver, Keys.ENTER)
    assert driver.find_element(By.CSS_SELECTOR, "[data-facets-panel]").get_attribute("open") is not None
    # Tick the first service area with Space.
    area = tab_until(driver, lambda f: f["tag"] == "INPUT" and f["name"] == "area")
    press(driver, Keys.SPACE)
    expected = [p for p in site.listed("auto-parts") if area["value"] in p["service_areas"]]
    assert shown_count(driver) == len(expected)
    assert urllib.parse.parse_qs(urllib.parse.urlparse(driver.current_url).query) == {"area": [area["value"]]}
    # Clear with the reset button, by Enter.
    tab_until(driver, lambda f: f["tag"] == "BUTTON" and f["cls"] == "button-secondary")
    press(driver, Keys.ENTER)
    assert shown_count(driver) == total
    assert not driver.find_element(By.CSS_SELECTOR, "input[name=area]").is_selected()
    # Sort with the arrow keys on the select.
    tab_until(driver, lambda f: f["tag"] == "SELECT")
    press(driver, Keys.ARROW_DOWN)
    assert driver.find_element(By.ID, "sort").get_attribute("value") == "cases"
    assert "sort=cases" in driver.current_url
    # Shift+Tab walks back: no trap.
    back = press(driver, Keys.SHIFT, Keys.TAB)
    assert back["tag"] != "SELECT"


def test_index_and_cards_are_reached_in_reading_order(page):
    driver = page.go("industries/auto-parts/")
    letter = tab_until(driver, lambda f: f["tag"] == "A" and len(f["text"]) == 1)
    press(driver, Keys.ENTER)
    assert driver.execute_script("return location.hash").endswith(letter["text"] if letter["text"] != "#" else "other")
    card = tab_until(driver, lambda f: f["tag"] == "A" and "/providers/" in driver.execute_script("return document.activeElement.href"))
    assert card["text"]
