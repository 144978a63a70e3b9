"""Fast on a phone: a page's CSS plus JS stays under 60 KB before compression, and no web font is loaded."""

import pytest

BUDGET = 60 * 1024


@pytest.mark.parametrize("path", ["", "industries/auto-parts/", "showroom/", "cases/hanhai-valve-traceability/",
                                  "notices/qingdao-2024-1/"])
def test_css_and_js_of_a_page_fit_the_budget(page, path):
    driver = page.go(path)
    entries = driver.execute_script("""
        return performance.getEntriesByType('resource').map(function (e) {
          return {name: e.name, type: e.initiatorType, size: e.decodedBodySize};
        });""")
    code = [e for e in entries if e["name"].endswith((".css", ".js"))]
    assert {e["name"].rsplit(".", 1)[1] for e in code} == {"css", "js"}, entries
    total = sum(e["size"] for e in code)
    assert 0 < total < BUDGET, f"CSS+JS is {total} bytes: {code}"
    fonts = [e for e in entries if e["name"].endswith((".woff", ".woff2", ".ttf", ".otf"))]
    assert not fonts, "system fonts only"
    assert driver.execute_script("return document.fonts ? Array.from(document.fonts).length : 0") == 0
