// Timeline states from the visitor's clock. The page is built with the states as of the build date and says so;
// this keeps them right between rebuilds. Deadlines are Beijing time (UTC+8) whatever the visitor's time zone,
// so days are counted in UTC+8 too. Every word shown comes from the page's data- attributes (the strings file).
(function () {
  "use strict";
  var DAY = 86400000;
  var BEIJING = 8 * 3600000;

  function toArray(list) { return Array.prototype.slice.call(list); }

  // "2024-02-01T00:00+08:00" -> milliseconds since the epoch; NaN for anything else.
  function instant(text) {
    var m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})([+-])(\d{2}):(\d{2})$/.exec(text || "");
    if (!m) return NaN;
    var offset = (m[6] === "-" ? -1 : 1) * (Number(m[7]) * 60 + Number(m[8])) * 60000;
    return Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5]) - offset;
  }

  // Days since 1970-01-01 of the calendar day in Beijing at that instant.
  function beijingDay(ms) { return Math.floor((ms + BEIJING) / DAY); }

  // "2024-02-07" -> days since 1970-01-01.
  function dayNumber(text) {
    var m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
    return m ? Math.round(Date.UTC(+m[1], +m[2] - 1, +m[3]) / DAY) : NaN;
  }

  function fill(template, n) { return (template || "").replace("{n}", String(n)); }

  function updateItem(item, list, now, today) {
    var opens = instant(item.getAttribute("data-opens"));
    var closes = instant(item.getAttribute("data-closes"));
    if (isNaN(opens) || isNaN(closes)) return;
    var period = item.getAttribute("data-kind") === "period";
    var state = now < opens ? "upcoming" : (now < closes ? "open" : "closed");
    var text = list.getAttribute("data-" + (state === "closed" && period ? "closed-period" : state)) || "";
    if (state === "open" && period) {
      var days = (item.getAttribute("data-working-days") || "").split(" ").map(dayNumber);
      text += fill(list.getAttribute("data-working-days-left"), days.filter(function (d) { return d >= today; }).length);
    } else if (state === "open") {
      // The last day open is the day of the instant just before closing (24:00 closes at 00:00 the next day).
      text += fill(list.getAttribute("data-days-left"), beijingDay(closes - 1) - today + 1);
    }
    ["upcoming", "open", "closed"].forEach(function (s) { item.classList.toggle("state-" + s, s === state); });
    var label = item.querySelector("[data-state]");
    if (label && label.textContent !== text) label.textContent = text;
  }

  function update() {
    var now = Date.now();
    var today = beijingDay(now);
    toArray(document.querySelectorAll("[data-timeline]")).forEach(function (list) {
      toArray(list.querySelectorAll(".timeline-item")).forEach(function (item) { updateItem(item, list, now, today); });
    });
    // Lists of what is running now were right at build time; hide what has since closed (or not yet opened).
    toArray(document.querySelectorAll("[data-running]")).forEach(function (running) {
      var shown = 0;
      toArray(running.children).forEach(function (entry) {
        var open = 0;
        toArray(entry.querySelectorAll(".timeline-item")).forEach(function (item) {
          var isOpen = item.classList.contains("state-open");
          item.hidden = !isOpen;
          if (isOpen) open += 1;
        });
        entry.hidden = open === 0;
        if (open > 0) shown += 1;
      });
      running.hidden = shown === 0;
      var none = running.nextElementSibling;
      if (!none || !none.hasAttribute("data-none-note")) {
        none = document.createElement("p");
        none.setAttribute("data-none-note", "");
        none.textContent = running.getAttribute("data-none") || "";
        running.parentNode.insertBefore(none, running.nextSibling);
      }
      none.hidden = shown > 0;
    });
    var date = new Date(today * DAY);
    toArray(document.querySelectorAll("[data-state-note]")).forEach(function (note) {
      var live = note.getAttribute("data-live");
      if (!live) return;
      note.textContent = live.replace("{y}", String(date.getUTCFullYear()))
        .replace("{m}", String(date.getUTCMonth() + 1)).replace("{d}", String(date.getUTCDate()));
    });
  }

  function start() {
    if (!document.querySelector("[data-timeline]")) return;
    update();
    // A page left open keeps counting: deadlines can pass while it is on screen.
    window.setInterval(update, 60000);
    document.addEventListener("visibilitychange", function () { if (!document.hidden) update(); });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
