// Filters of the provider directory and the case showroom.
// Everything is rendered at build time: the items with their facet values in data-f-* attributes, the facets as
// checkboxes, every text. This script only shows, hides, sorts and recounts, and keeps the choice in the URL
// (?area=质量管理&district=市北区&sort=cases) so a filtered view can be shared. Within a facet the choices add up
// (any of them); across facets they narrow (all of them). Without it, the page lists everything.
(function () {
  "use strict";

  function toArray(list) { return Array.prototype.slice.call(list); }
  function words(text) { return (text || "").split(/\s+/).filter(Boolean); }
  function fill(template, values) {
    return (template || "").replace(/\{(\w+)\}/g, function (all, key) { return key in values ? values[key] : all; });
  }

  function init() {
    var form = document.querySelector("[data-facets]");
    var results = document.querySelector("[data-results]");
    if (!form || !results || !window.URLSearchParams || !window.history || !history.replaceState) return;

    var boxes = toArray(form.querySelectorAll("input[type=checkbox]"));
    var names = [];
    boxes.forEach(function (box) { if (names.indexOf(box.name) < 0) names.push(box.name); });
    var items = toArray(results.querySelectorAll("[data-item]")).map(function (element) {
      var values = {};
      names.forEach(function (name) { values[name] = words(element.getAttribute("data-f-" + name)); });
      return {
        element: element,
        values: values,
        order: Number(element.getAttribute("data-order")) || 0,
        cases: Number(element.getAttribute("data-cases")) || 0,
        group: element.getAttribute("data-letter")
      };
    });
    if (!items.length) return;  // nothing to filter: the page as built says so
    var sort = document.querySelector("[data-sort]");
    var status = document.querySelector("[data-result-count]");
    var selectedNote = form.querySelector("[data-selected-count]");
    var panel = form.querySelector("[data-facets-panel]");
    var sortedList = results.querySelector("[data-sorted-list]");
    var groups = toArray(results.querySelectorAll("[data-group]"));
    var noResults = results.querySelector("[data-no-results]");

    function selection() {
      var selected = {};
      names.forEach(function (name) { selected[name] = []; });
      boxes.forEach(function (box) { if (box.checked) selected[box.name].push(box.value); });
      return selected;
    }

    // Whether an item passes every facet but `except` (so a facet's counts say what ticking one more would give).
    function matches(item, selected, except) {
      return names.every(function (name) {
        var wanted = selected[name];
        return name === except || wanted.length === 0 || item.values[name].some(function (v) { return wanted.indexOf(v) >= 0; });
      });
    }

    function applySort() {
      if (!sort || !sortedList) return;
      var byCases = sort.value === "cases";
      var ordered = items.slice().sort(function (a, b) {
        return byCases && a.cases !== b.cases ? b.cases - a.cases : a.order - b.order;
      });
      ordered.forEach(function (item) {
        var home = byCases ? sortedList : results.querySelector('[data-group="' + item.group + '"] [data-group-list]');
        if (home) home.appendChild(item.element);
      });
      sortedList.hidden = !byCases;
      toArray(results.querySelectorAll("[data-az]")).forEach(function (element) { element.hidden = byCases; });
    }

    function update() {
      var selected = selection();
      var chosen = boxes.filter(function (box) { return box.checked; }).length;
      var shown = 0;
      items.forEach(function (item) {
        var visible = matches(item, selected, null);
        item.element.hidden = !visible;
        if (visible) shown += 1;
      });
      boxes.forEach(function (box) {
        var count = items.filter(function (item) {
          return matches(item, selected, box.name) && item.values[box.name].indexOf(box.value) >= 0;
        }).length;
        var label = box.closest("label");
        var counter = label && label.querySelector("[data-count]");
        if (counter) counter.textContent = String(count);
        if (label) label.classList.toggle("is-empty", count === 0 && !box.checked);
      });
      groups.forEach(function (group) {
        var visible = toArray(group.querySelectorAll("[data-item]")).filter(function (e) { return !e.hidden; }).length;
        group.hidden = visible === 0;
        var counter = group.querySelector("[data-group-count]");
        if (counter) counter.textContent = String(visible);
        var key = group.getAttribute("data-group");
        toArray(results.querySelectorAll('[data-index-for="' + key + '"]')).forEach(function (entry) { entry.hidden = visible === 0; });
      });
      if (noResults) noResults.hidden = shown > 0;
      if (status) {
        var text = fill(status.getAttribute(chosen ? "data-filtered" : "data-all"), { n: shown, total: items.length });
        if (status.textContent !== text) status.textContent = text;
      }
      if (selectedNote) selectedNote.textContent = chosen ? fill(selectedNote.getAttribute("data-template"), { n: chosen }) : "";

      var params = new URLSearchParams();
      names.forEach(function (name) { selected[name].forEach(function (value) { params.append(name, value); }); });
      if (sort && sort.value !== sort.options[0].value) params.append("sort", sort.value);
      var query = params.toString();
      history.replaceState(history.state, "", location.pathname + (query ? "?" + query : "") + location.hash);
    }

    // Restore a shared or reloaded view from the URL; unknown values are ignored.
    var params = new URLSearchParams(location.search);
    boxes.forEach(function (box) { box.checked = params.getAll(box.name).indexOf(box.value) >= 0; });
    if (sort) {
      var wanted = params.get("sort");
      toArray(sort.options).forEach(function (option) { if (option.value === wanted) sort.value = wanted; });
    }

    form.addEventListener("change", update);
    if (sort) sort.addEventListener("change", function () { applySort(); update(); });
    form.addEventListener("submit", function (event) { event.preventDefault(); });
    var reset = form.querySelector("[data-reset]");
    if (reset) {
      reset.addEventListener("click", function () {
        boxes.forEach(function (box) { box.checked = false; });
        update();
      });
    }

    toArray(document.querySelectorAll("[data-nojs]")).forEach(function (element) { element.hidden = true; });
    toArray(document.querySelectorAll("[data-js-only]")).forEach(function (element) { element.hidden = false; });
    form.hidden = false;
    results.hidden = false;
    form.parentNode.classList.add("has-facets");
    if (panel && window.matchMedia && window.matchMedia("(min-width: 64em)").matches) panel.open = true;
    applySort();
    update();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
