import Foundation

/// The dev server's additions to the served pages: a script tag in each HTML page, and the script and
/// style sheet it loads. None of this is ever written by `roster build`.
///
/// The script is external (no inline code), so the pages keep working under the site's
/// `Content-Security-Policy: default-src 'self'`. It renders findings with `textContent` only.
public enum LiveReload {
    /// Path prefix reserved for the dev server; a site never has a top-level `__roster` folder.
    public static let prefix = "/__roster/"

    /// Inserts the live-reload script tag before `</head>` (or at the end when there is none).
    public static func inject(into html: Data, site: String) -> Data {
        let tag = Data("<script src=\"\(prefix)live.js\" data-site=\"\(site)\" defer></script>\n".utf8)
        guard let range = html.range(of: Data("</head>".utf8)) ?? html.range(of: Data("</HEAD>".utf8)) else {
            return html + tag
        }
        var out = html
        out.insert(contentsOf: tag, at: range.lowerBound)
        return out
    }

    /// Shown while no build has succeeded yet: an empty page whose script shows the errors and reloads once fixed.
    static let waitingPage = """
    <!DOCTYPE html>
    <html lang="zh-CN">
    <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>预览：站点还没有构建成功</title>
    </head>
    <body>
    <main class="roster-live-waiting">
    <h1>站点还没有构建成功</h1>
    <p>内容里有错误，预览服务器还没能生成网站。错误列在下面（也打印在终端里）；改好文件并保存后，这个页面会自动刷新。</p>
    </main>
    </body>
    </html>

    """

    static let script = #"""
    // Roster dev server: reloads the page after each successful build and shows content findings.
    // Served only by `roster serve`; never part of the built site.
    (function () {
      "use strict";
      var script = document.currentScript;
      var loadedSite = script ? script.getAttribute("data-site") : "";
      var root = null;
      var open = false;
      var hiddenBuild = -1;
      var last = null;

      var css = document.createElement("link");
      css.rel = "stylesheet";
      css.href = "/__roster/live.css";
      document.head.appendChild(css);

      function el(tag, className, text) {
        var node = document.createElement(tag);
        if (className) node.className = className;
        if (text !== undefined && text !== null) node.textContent = String(text);
        return node;
      }

      function ensureRoot() {
        if (root && document.body.contains(root)) return root;
        root = el("div", "roster-live");
        root.setAttribute("role", "region");
        root.setAttribute("aria-label", "预览提示（只在 roster serve 预览时出现）");
        document.body.appendChild(root);
        return root;
      }

      function findingItem(f) {
        var item = el("li", "roster-live-finding roster-live-" + f.severity);
        var where = el("p", "roster-live-where");
        where.appendChild(el("span", "roster-live-severity", f.severity === "error" ? "错误" : "警告"));
        where.appendChild(el("code", "roster-live-file", f.file));
        where.appendChild(el("span", "roster-live-line", "第 " + f.line + " 行，第 " + f.column + " 列"));
        item.appendChild(where);
        item.appendChild(el("p", "roster-live-message", f.message));
        if (f.hint) item.appendChild(el("p", "roster-live-hint", "怎么改：" + f.hint));
        if (f.related && f.related.length) item.appendChild(el("p", "roster-live-related", "另见：" + f.related.join("，")));
        item.appendChild(el("p", "roster-live-rule", "规则 " + f.rule));
        return item;
      }

      function list(findings) {
        var ol = el("ol", "roster-live-list");
        findings.forEach(function (f) { ol.appendChild(findingItem(f)); });
        return ol;
      }

      function render(status) {
        last = status;
        var box = ensureRoot();
        while (box.firstChild) box.removeChild(box.firstChild);
        var errors = status.errors || 0;
        var warnings = status.warnings || 0;
        var showPanel = (errors > 0 && hiddenBuild !== status.build) || (open && (errors + warnings) > 0);
        if (showPanel) {
          var panel = el("section", "roster-live-panel");
          if (errors > 0) panel.setAttribute("role", "alert");
          var title = errors > 0
            ? "内容有 " + errors + " 个错误，网站没有更新"
            : warnings + " 个警告（不影响构建，但请检查）";
          panel.appendChild(el("h2", "roster-live-title", title));
          if (errors > 0) {
            panel.appendChild(el("p", "roster-live-lead", !status.hasSite
              ? "改好下面的文件并保存，页面会自动刷新。"
              : "这里显示的还是上一次成功构建的页面。改好下面的文件并保存，页面会自动刷新。"));
          }
          if (status.failure) panel.appendChild(el("p", "roster-live-message", status.failure));
          var findings = status.findings || [];
          var errorList = findings.filter(function (f) { return f.severity === "error"; });
          var warningList = findings.filter(function (f) { return f.severity !== "error"; });
          panel.appendChild(list(errors > 0 ? errorList : warningList));
          if (errors > 0 && warningList.length > 0) {
            var more = el("details", "roster-live-more");
            more.appendChild(el("summary", null, "另有 " + warningList.length + " 个警告（不影响构建）"));
            more.appendChild(list(warningList));
            panel.appendChild(more);
          }
          var close = el("button", "roster-live-close", "隐藏");
          close.type = "button";
          close.addEventListener("click", function () {
            open = false;
            hiddenBuild = status.build;
            render(status);
          });
          panel.appendChild(close);
          box.appendChild(panel);
        }
        if (!showPanel && (errors + warnings) > 0) {
          var pill = el("button", "roster-live-pill" + (errors > 0 ? " roster-live-pill-error" : ""),
            errors > 0 ? errors + " 个错误" : warnings + " 个警告");
          pill.type = "button";
          pill.setAttribute("aria-expanded", "false");
          pill.addEventListener("click", function () {
            open = true;
            hiddenBuild = -1;
            render(status);
          });
          box.appendChild(pill);
        }
      }

      function disconnected() {
        var box = ensureRoot();
        if (box.querySelector(".roster-live-offline")) return;
        box.appendChild(el("p", "roster-live-pill roster-live-offline", "预览服务器已断开，正在重新连接…"));
      }

      function connect() {
        if (!window.EventSource) return;
        var source = new EventSource("/__roster/events");
        source.addEventListener("build", function (event) {
          var status;
          try { status = JSON.parse(event.data); } catch (e) { return; }
          if (status.site !== loadedSite) { window.location.reload(); return; }
          render(status);
        });
        source.addEventListener("open", function () {
          var offline = root && root.querySelector(".roster-live-offline");
          if (offline) offline.parentNode.removeChild(offline);
        });
        source.addEventListener("error", disconnected);
        window.addEventListener("pagehide", function () { source.close(); });
      }

      if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", connect);
      else connect();
    })();

    """#

    static let styleSheet = """
    /* Roster dev server overlay: served only by `roster serve`. */
    .roster-live { position: fixed; right: 0.75rem; bottom: 0.75rem; left: 0.75rem; z-index: 2147483000;
      display: flex; flex-direction: column; align-items: flex-end; gap: 0.5rem; pointer-events: none;
      font: 1rem/1.6 system-ui, "PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", sans-serif; }
    .roster-live > * { pointer-events: auto; }
    .roster-live-panel { width: 100%; max-width: 46rem; max-height: 70vh; overflow: auto; background: #fff; color: #1b1f24;
      border: 3px solid #b3131b; border-radius: 4px; box-shadow: 0 6px 24px rgba(0, 0, 0, 0.3); padding: 1rem 1.25rem; }
    .roster-live-title { font-size: 1.2rem; margin: 0 0 0.5rem; color: #b3131b; }
    .roster-live-lead { margin: 0 0 0.75rem; }
    .roster-live-list { margin: 0; padding-left: 1.5rem; }
    .roster-live-finding { margin: 0 0 0.9rem; }
    .roster-live-finding p { margin: 0.15rem 0; }
    .roster-live-where { display: flex; flex-wrap: wrap; gap: 0.5rem; align-items: baseline; }
    .roster-live-severity { font-weight: 700; padding: 0 0.4rem; border-radius: 3px; color: #fff; background: #b3131b; }
    .roster-live-warning .roster-live-severity { background: #8a4b00; }
    .roster-live-file { font-family: ui-monospace, "SFMono-Regular", Consolas, monospace; font-weight: 700; word-break: break-all; }
    .roster-live-hint { color: #1d6b3a; }
    .roster-live-rule, .roster-live-related, .roster-live-line { color: #4a5260; font-size: 0.875rem; }
    .roster-live-more { margin: 0.5rem 0 0.75rem; }
    .roster-live-more summary { cursor: pointer; color: #8a4b00; font-weight: 700; }
    .roster-live-close, .roster-live-pill { font: inherit; cursor: pointer; border-radius: 4px; border: 2px solid #1b1f24;
      background: #fff; color: #1b1f24; padding: 0.25rem 0.9rem; margin: 0; }
    .roster-live-pill-error { background: #b3131b; border-color: #b3131b; color: #fff; font-weight: 700; }
    .roster-live-offline { background: #1b1f24; color: #fff; cursor: default; }
    .roster-live-close:focus-visible, .roster-live-pill:focus-visible { outline: 3px solid #ffbf47; outline-offset: 0;
      box-shadow: 0 0 0 5px #1b1f24; }
    .roster-live-waiting { max-width: 46rem; margin: 2rem auto; padding: 0 1rem;
      font: 1rem/1.7 system-ui, "PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", sans-serif; }

    """
}
