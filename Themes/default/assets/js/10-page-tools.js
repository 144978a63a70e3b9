// Roster default theme: progressive enhancements only; every page works without this file.
(function () {
  "use strict";
  var root = document.documentElement;
  var KEY = "roster-font-size";

  function setFontSize(size, buttons) {
    root.classList.remove("font-large", "font-small");
    if (size === "large" || size === "small") root.classList.add("font-" + size);
    buttons.forEach(function (b) { b.setAttribute("aria-pressed", String(b.getAttribute("data-font-size") === size)); });
  }

  function pageTools() {
    var tools = document.querySelector("[data-page-tools]");
    if (!tools) return;
    var buttons = Array.prototype.slice.call(tools.querySelectorAll("[data-font-size]"));
    var saved = "medium";
    try { saved = localStorage.getItem(KEY) || "medium"; } catch (e) { /* storage may be blocked */ }
    setFontSize(saved, buttons);
    buttons.forEach(function (button) {
      button.addEventListener("click", function () {
        var size = button.getAttribute("data-font-size");
        setFontSize(size, buttons);
        try { localStorage.setItem(KEY, size); } catch (e) { /* ignore */ }
      });
    });
    var print = tools.querySelector("[data-print]");
    if (print) print.addEventListener("click", function () { window.print(); });
    tools.hidden = false;
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", pageTools);
  else pageTools();
})();
