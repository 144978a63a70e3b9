// The search box in every page's header is a plain form that goes to /search/?q=…; the search itself loads only
// there. Nothing is fetched until the visitor shows interest: focusing the box warms the cache with the search
// script and the index manifest, so the results page answers sooner.
(function () {
  "use strict";
  var box = document.querySelector("[data-search-box]");
  if (!box || !window.fetch) return;
  var input = box.querySelector("input"), events = ["focus", "pointerdown", "input"], warmed = false;
  function warm() {
    if (warmed) return;
    warmed = true;
    [box.getAttribute("data-script"), box.getAttribute("data-index")].forEach(function (url) {
      if (url) fetch(url).catch(function () { /* the search page says so if the index is missing */ });
    });
  }
  events.forEach(function (name) { input.addEventListener(name, warm); });
})();
