// Site search with no server: reads the index the build writes under search/ and answers in the browser.
// The tokeniser and the ranking mirror Sources/Roster/Search (SearchText.swift, SearchEngine.swift) exactly;
// the browser tests compare both on the same queries. ES5 syntax on purpose: the bundle must parse everywhere.
(function () {
  "use strict";
  if (!window.fetch || !window.Promise || !window.Map || !String.fromCodePoint || !window.history.replaceState) return;
  var WORD;
  try { WORD = new RegExp("[\\p{L}\\p{N}]", "u"); } catch (e) { return; }
  var PAGE = 10;

  // ---- Text: SearchText.swift ----
  function fold(c) {
    if (c >= 0xFF01 && c <= 0xFF5E) c -= 0xFEE0;
    if (c === 0x3000) c = 0x20;
    if (c >= 0x41 && c <= 0x5A) c += 0x20;
    return c;
  }
  function isHan(c) {
    return (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF) || (c >= 0x20000 && c <= 0x3134F) ||
      (c >= 0xF900 && c <= 0xFAFF) || c === 0x3007;
  }
  function isWord(c) {
    if (c < 128) return (c >= 48 && c <= 57) || (c >= 97 && c <= 122) || (c >= 65 && c <= 90);
    return !isHan(c) && WORD.test(String.fromCodePoint(c));
  }
  function codePoints(text) {
    var out = [];
    for (var i = 0; i < text.length; i++) {
      var c = text.codePointAt(i);
      if (c > 0xFFFF) i++;
      out.push(c);
    }
    return out;
  }
  function str(cps) { return String.fromCodePoint.apply(null, cps); }
  // Han runs and words; join: whitespace between Han characters vanishes (质量 追溯 = 质量追溯).
  function pieces(text, join) {
    var out = [], han = [], word = [], space = false;
    function flushHan() { if (han.length) { out.push({ han: han }); han = []; } }
    function flushWord() { if (word.length) { out.push({ word: str(word) }); word = []; } }
    codePoints(text).forEach(function (c) {
      c = fold(c);
      if (isHan(c)) {
        flushWord();
        if (space && !(join && han.length)) flushHan();
        space = false;
        han.push(c);
      } else if (isWord(c)) {
        flushHan(); space = false; word.push(c);
      } else {
        flushWord();
        if (/\s/.test(String.fromCodePoint(c))) space = true; else { flushHan(); space = false; }
      }
    });
    flushHan(); flushWord();
    return out;
  }
  function pieceText(p) { return p.word !== undefined ? p.word : str(p.han); }

  // ---- Query and ranking: SearchEngine.swift ----
  function parseQuery(text, m) {
    var seen = {}, terms = [];
    pieces(text, true).forEach(function (p) {
      var key = (p.word !== undefined ? "w" : "h") + pieceText(p);
      if (seen[key]) return;
      seen[key] = true;
      if (p.han && p.han.every(function (c) { return m.stop.has(c); })) return;
      var alternatives = [p], t = pieceText(p);
      m.synonyms.forEach(function (group) {
        if (alternatives.length > 1 || group.indexOf(t) < 0) return;
        group.forEach(function (member) {
          if (member === t) return;
          var q = pieces(member, false);
          if (q.length === 1) alternatives.push(q[0]);
        });
      });
      terms.push(alternatives);
    });
    return terms;
  }

  function weight(m, fields) {
    var sum = 0;
    for (var f = 0; f < m.weights.length; f++) if (fields & (1 << f)) sum += m.weights[f];
    return sum;
  }
  function idf(m, list) { return Math.log(1 + m.documents / Math.max(list ? list.docs.length : 0, 1)); }
  function fieldsOf(list) {
    var map = new Map();
    if (list) for (var i = 0; i < list.docs.length; i++) map.set(list.docs[i], list.fields[i]);
    return map;
  }

  function wordMatches(ix, word) {
    var out = new Map();
    ix.wordsStarting(word).forEach(function (token) {
      var factor = token === word ? 1 : 0.5, list = ix.get(token);
      for (var i = 0; i < list.docs.length; i++) {
        var score = weight(ix.m, list.fields[i]) * factor, cur = out.get(list.docs[i]);
        if (cur && cur.score >= score) continue;
        out.set(list.docs[i], { tier: 0, score: score, title: (list.fields[i] & 1) !== 0 });
      }
    });
    return out;
  }

  function covers(m, run, present) {
    var reach = [true];
    for (var i = 0; i < run.length; i++) {
      if (!reach[i]) continue;
      if (m.stop.has(run[i])) reach[i + 1] = true;
      for (var j = i + 1; j < run.length && present[j - 1]; j++) reach[j + 1] = true;
    }
    return !!reach[run.length];
  }

  function hanMatches(ix, run) {
    var m = ix.m, out = new Map(), i;
    var chars = run.filter(function (c) { return !m.stop.has(c); });
    if (run.length === 1) {
      var one = ix.get(str(run));
      if (one) for (i = 0; i < one.docs.length; i++) {
        out.set(one.docs[i], { tier: 0, score: weight(m, one.fields[i]), title: (one.fields[i] & 1) !== 0 });
      }
      return out;
    }
    var bigrams = [], unigrams = chars.map(function (c) { return ix.get(str([c])); });
    for (i = 0; i + 1 < run.length; i++) bigrams.push(ix.get(str([run[i], run[i + 1]])));
    var bIDF = bigrams.map(function (l) { return idf(m, l); }), uIDF = unigrams.map(function (l) { return idf(m, l); });
    var bFields = bigrams.map(fieldsOf), uFields = unigrams.map(fieldsOf);
    var candidates = null;
    unigrams.forEach(function (l) {
      var docs = l ? l.docs : [];
      if (candidates === null || docs.length < candidates.length) candidates = docs;
    });
    if (candidates === null) candidates = bigrams[0] ? bigrams[0].docs : [];
    for (var k = 0; k < candidates.length; k++) {
      var doc = candidates[k];
      var present = bFields.map(function (f) { return f.get(doc); });
      var has = present.map(function (f) { return f !== undefined; });
      var tier;
      if (has.every(Boolean)) tier = 0;
      else if (covers(m, run, has)) tier = 1;
      else if (chars.length && uFields.every(function (f) { return f.has(doc); })) tier = 2;
      else continue;
      var score = 0, total = 0;
      if (tier < 2) {
        for (i = 0; i < present.length; i++) {
          total += bIDF[i];
          if (present[i] !== undefined) score += bIDF[i] * weight(m, present[i]);
        }
      } else {
        for (i = 0; i < uFields.length; i++) {
          total += uIDF[i];
          if (uFields[i].has(doc)) score += uIDF[i] * weight(m, uFields[i].get(doc));
        }
      }
      var title = tier === 0 && present.every(function (f) { return (f & 1) !== 0; });
      out.set(doc, { tier: tier, score: total > 0 ? score / total : 0, title: title });
    }
    return out;
  }

  function rank(ix, terms) {
    var combined = null;
    terms.forEach(function (alternatives) {
      var best = new Map();
      alternatives.forEach(function (term) {
        var found = term.word !== undefined ? wordMatches(ix, term.word) : hanMatches(ix, term.han);
        found.forEach(function (match, doc) {
          var cur = best.get(doc);
          if (cur && (cur.tier < match.tier || (cur.tier === match.tier && cur.score >= match.score))) return;
          best.set(doc, match);
        });
      });
      var next = new Map();
      best.forEach(function (match, doc) {
        if (combined === null) {
          next.set(doc, { doc: doc, partial: match.tier === 2, titleTerms: match.title ? 1 : 0, score: match.score });
        } else if (combined.has(doc)) {
          var r = combined.get(doc);
          r.partial = r.partial || match.tier === 2;
          r.titleTerms += match.title ? 1 : 0;
          r.score += match.score;
          next.set(doc, r);
        }
      });
      combined = next;
    });
    var results = combined ? Array.from(combined.values()) : [];
    return results.sort(function (a, b) {
      if (a.partial !== b.partial) return a.partial ? 1 : -1;
      if (a.titleTerms !== b.titleTerms) return b.titleTerms - a.titleTerms;
      if (a.score !== b.score) return b.score > a.score ? 1 : -1;
      return a.doc - b.doc;
    });
  }

  // ---- Index files: SearchIndex.swift ----
  function Index(url) {
    this.url = url;
    this.base = url.replace(/[^\/]*$/, "");
    this.shards = new Map();
    this.docs = new Map();
  }
  Index.prototype.load = function (fresh) {
    var self = this;
    if (this.manifest && !fresh) return this.manifest;
    this.manifest = fetch(this.url, { cache: fresh ? "reload" : "no-cache" }).then(function (r) {
      if (!r.ok) throw new Error(r.status);
      return r.json();
    }).then(function (m) {
      m.stop = new Set(codePoints(m.stop));
      m.kindOf = []; m.industryOf = []; m.typeOf = [];
      m.facets.forEach(function (run) {
        for (var i = 0; i < run[0]; i++) { m.kindOf.push(run[1]); m.industryOf.push(run[2]); m.typeOf.push(run[3]); }
      });
      self.m = m;
      self.shards = new Map();
      self.docs = new Map();
      return m;
    });
    return this.manifest;
  };
  Index.prototype.shardOf = function (term) {
    var s = this.m.shards, lo = 0, hi = s.length;
    while (lo < hi) { var mid = (lo + hi) >> 1; if (s[mid] <= term) lo = mid + 1; else hi = mid; }
    return lo - 1;
  };
  Index.prototype.fetchShard = function (n) {
    var self = this;
    if (!this.shards.has(n)) {
      this.shards.set(n, fetch(this.base + this.m.version + "/t/" + n + ".bin").then(function (r) {
        if (!r.ok) throw new Error(r.status);
        return r.arrayBuffer();
      }).then(function (buf) { return decodeShard(new Uint8Array(buf), self.m.fieldSets); }));
    }
    return this.shards.get(n);
  };
  function decodeShard(b, fieldSets) {
    var i = 0, terms = [], lists = new Map(), prev = [];
    function v() {
      var x = 0, mul = 1, byte;
      do { byte = b[i++]; x += (byte & 127) * mul; mul *= 128; } while (byte >= 128);
      return x;
    }
    for (var n = v(); n > 0; n--) {
      var h = v(), shared = h >> 5, len = h & 31;
      if (len === 31) len += v();
      var term = prev.slice(0, shared);
      for (var k = 0; k < len; k++) {
        var x = v();
        term.push(k ? x : (shared < prev.length ? prev[shared] : 0) + (x % 2 ? -(x + 1) / 2 : x / 2));
      }
      var count = v(), docs = new Int32Array(count), fields = new Uint8Array(count), doc = -1;
      for (var p = 0; p < count; p++) {
        var g = v(), code = g % 8;
        doc += (g - code) / 8 + 1;
        docs[p] = doc;
        fields[p] = code === 7 ? b[i++] : fieldSets[code];
      }
      var text = str(term);
      terms.push(text);
      lists.set(text, { docs: docs, fields: fields });
      prev = term;
    }
    return { terms: terms, lists: lists };
  }
  // Fetches every shard the query needs, then returns a synchronous view of them for rank().
  Index.prototype.prepare = function (terms) {
    var self = this, m = this.m, wanted = new Set(), prefixes = [];
    terms.forEach(function (alternatives) {
      alternatives.forEach(function (t) {
        if (t.word !== undefined) { prefixes.push(t.word); return; }
        t.han.forEach(function (c, i) {
          wanted.add(str([c]));
          if (i + 1 < t.han.length) wanted.add(str([c, t.han[i + 1]]));
        });
      });
    });
    var need = new Set();
    wanted.forEach(function (t) { var n = self.shardOf(t); if (n >= 0) need.add(n); });
    prefixes.forEach(function (w) { need.add(Math.max(self.shardOf(w), 0)); });
    var loaded = new Map();
    function get(n) {
      return self.fetchShard(n).then(function (s) { loaded.set(n, s); return s; });
    }
    // A prefix may run on into the next shards.
    function follow(w, n) {
      return get(n).then(function (s) {
        if (n + 1 < m.shards.length && m.shards[n + 1].indexOf(w) === 0) return follow(w, n + 1);
      });
    }
    var jobs = [];
    need.forEach(function (n) { jobs.push(get(n)); });
    prefixes.forEach(function (w) { jobs.push(follow(w, Math.max(self.shardOf(w), 0))); });
    return Promise.all(jobs).then(function () {
      return {
        m: m,
        get: function (term) {
          var s = loaded.get(self.shardOf(term));
          return s ? s.lists.get(term) : undefined;
        },
        wordsStarting: function (w) {
          var out = [];
          for (var n = Math.max(self.shardOf(w), 0); loaded.has(n); n++) {
            loaded.get(n).terms.forEach(function (t) { if (t.indexOf(w) === 0) out.push(t); });
          }
          return out;
        }
      };
    });
  };
  Index.prototype.doc = function (n) {
    if (!this.docs.has(n)) {
      this.docs.set(n, fetch(this.base + this.m.version + "/d/" + n + ".json").then(function (r) {
        if (!r.ok) throw new Error(r.status);
        return r.json();
      }));
    }
    return this.docs.get(n);
  };
  Index.prototype.search = function (text) {
    var self = this;
    return this.load().then(function (m) {
      var terms = parseQuery(text, m);
      return self.prepare(terms).then(function (view) { return { terms: terms, results: rank(view, terms) }; });
    });
  };

  // ---- Snippets: text only, highlights as <mark> elements, never HTML from the index ----
  function highlighter(terms, partial) {
    var needles = [];
    terms.forEach(function (alternatives, group) {
      alternatives.forEach(function (t) {
        if (t.word !== undefined) { needles.push({ cps: codePoints(t.word), group: group, word: true }); return; }
        needles.push({ cps: t.han, group: group });
        for (var i = 0; i + 1 < t.han.length; i++) needles.push({ cps: [t.han[i], t.han[i + 1]], group: group });
        if (partial || t.han.length === 1) t.han.forEach(function (c) { needles.push({ cps: [c], group: group }); });
      });
    });
    return function (text) {
      var chars = codePoints(text), folded = chars.map(fold), marks = new Uint8Array(chars.length), hits = [];
      needles.forEach(function (n) {
        for (var i = 0; i + n.cps.length <= folded.length; i++) {
          var k = 0;
          while (k < n.cps.length && folded[i + k] === n.cps[k]) k++;
          if (k < n.cps.length || (n.word && i > 0 && isWord(folded[i - 1]))) continue;
          for (k = 0; k < n.cps.length; k++) marks[i + k] = 1;
          hits.push({ at: i, group: n.group });
        }
      });
      return { chars: chars, marks: marks, hits: hits };
    };
  }
  function appendMarked(parent, chars, marks, from, to) {
    var run = "", marked = false;
    function flush() {
      if (!run) return;
      if (marked) { var m = document.createElement("mark"); m.textContent = run; parent.appendChild(m); }
      else parent.appendChild(document.createTextNode(run));
      run = "";
    }
    for (var i = from; i < to; i++) {
      if (!!marks[i] !== marked) { flush(); marked = !!marks[i]; }
      run += chars[i] === 10 ? " " : String.fromCodePoint(chars[i]);
    }
    flush();
  }
  // The window with the most query terms, then the most highlighted text (a whole phrase beats a stray word).
  function snippet(parent, found, width) {
    var best = 0, bestScore = -1;
    found.hits.forEach(function (h) {
      var start = Math.max(0, h.at - 20), groups = new Set(), marked = 0;
      found.hits.forEach(function (o) { if (o.at >= start && o.at < start + width) groups.add(o.group); });
      for (var i = start; i < start + width && i < found.marks.length; i++) marked += found.marks[i];
      var score = groups.size * 10000 + marked;
      if (score > bestScore || (score === bestScore && start < best)) { best = start; bestScore = score; }
    });
    var end = Math.min(found.chars.length, best + width);
    if (best > 0) parent.appendChild(document.createTextNode("…"));
    appendMarked(parent, found.chars, found.marks, best, end);
    if (end < found.chars.length) parent.appendChild(document.createTextNode("…"));
  }

  // ---- The header box: fetch nothing until the visitor shows interest ----
  var box = document.querySelector("[data-search-box]");
  if (box) {
    var input = box.querySelector("input");
    var warm = function () {
      input.removeEventListener("focus", warm);
      fetch(box.getAttribute("data-index")).catch(function () { /* the search page will say so */ });
    };
    input.addEventListener("focus", warm);
  }

  // ---- The search page ----
  var form = document.querySelector("[data-search-page]");
  var app = document.querySelector("[data-search-app]");
  if (!form || !app) return;
  var S = JSON.parse(app.getAttribute("data-strings"));
  var index = new Index(form.getAttribute("data-index"));
  var field = form.querySelector("input[name=q]");
  var status = app.querySelector("[data-search-status]");
  var facetsBox = app.querySelector("[data-search-facets]");
  var list = app.querySelector("[data-search-results]");
  var baseTitle = document.title;
  var state = { query: null, terms: [], results: [], shown: PAGE, selected: { kind: new Set(), industry: new Set(), type: new Set() } };
  var groups = [
    { key: "kind", label: S.facet_kind, of: function (m, d) { return 1 << m.kindOf[d]; } },
    { key: "industry", label: S.facet_industry, of: function (m, d) { return m.industryOf[d]; } },
    { key: "type", label: S.facet_type, of: function (m, d) { return m.typeOf[d]; } }
  ];
  function values(m, key) {
    if (key === "kind") return m.kinds.map(function (k, i) { return { id: k, label: S.kinds[i] }; });
    if (key === "industry") return m.industries.map(function (p) { return { id: p[0], label: p[1] }; });
    return m.types.map(function (t, i) { return { id: t, label: S.types[i] }; });
  }
  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (all, k) { return values[k] !== undefined ? values[k] : all; });
  }
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }
  // Facet bits of a result pass every group but `except`.
  function passes(m, d, except) {
    return groups.every(function (g) {
      if (g.key === except) return true;
      var sel = state.selected[g.key];
      if (!sel.size) return true;
      var bits = g.of(m, d), all = values(m, g.key), ok = false;
      all.forEach(function (v, i) { if (sel.has(v.id) && (bits & (1 << i))) ok = true; });
      return ok;
    });
  }
  function writeURL() {
    var params = new URLSearchParams();
    if (state.query) params.set("q", state.query);
    groups.forEach(function (g) { state.selected[g.key].forEach(function (v) { params.append(g.key, v); }); });
    var qs = params.toString();
    window.history.replaceState(null, "", location.pathname + (qs ? "?" + qs : ""));
    document.title = state.query ? fill(S.title_query, { q: state.query }) + " - " + baseTitle : baseTitle;
  }

  function renderFacets(m) {
    facetsBox.textContent = "";
    if (!state.results.length) return;
    groups.forEach(function (g) {
      var known = values(m, g.key).map(function (v) { return v.id; });
      state.selected[g.key].forEach(function (v) { if (known.indexOf(v) < 0) state.selected[g.key].delete(v); });
    });
    var details = el("details", "search-facet-box");
    if (state.open === undefined) {
      state.open = window.matchMedia("(min-width: 48em)").matches || groups.some(function (g) { return state.selected[g.key].size; });
    }
    details.open = state.open;
    details.addEventListener("toggle", function () { state.open = details.open; });
    details.appendChild(el("summary", null, S.facets));
    groups.forEach(function (g) {
      var bits = 0;
      state.results.forEach(function (r) { bits |= g.of(m, r.doc); });
      var fs = el("fieldset", "search-facet");
      fs.appendChild(el("legend", null, g.label));
      var any = false;
      values(m, g.key).forEach(function (v, i) {
        if (!(bits & (1 << i)) && !state.selected[g.key].has(v.id)) return;
        any = true;
        var id = "facet-" + g.key + "-" + v.id, row = el("div", "search-facet-option");
        var box = el("input");
        box.type = "checkbox"; box.id = id; box.value = v.id; box.checked = state.selected[g.key].has(v.id);
        box.setAttribute("data-group", g.key); box.setAttribute("data-bit", String(i));
        var label = el("label", null, v.label + " ");
        label.htmlFor = id;
        label.appendChild(el("span", "search-facet-count"));
        row.appendChild(box); row.appendChild(label); fs.appendChild(row);
      });
      if (any) details.appendChild(fs);
    });
    var clear = el("button", "search-clear", S.clear_filters);
    clear.type = "button";
    clear.setAttribute("data-search-clear", "");
    details.appendChild(clear);
    facetsBox.appendChild(details);
    updateCounts(m);
  }
  function updateCounts(m) {
    Array.prototype.forEach.call(facetsBox.querySelectorAll("input[type=checkbox]"), function (box) {
      var g = groups.filter(function (x) { return x.key === box.getAttribute("data-group"); })[0];
      var bit = 1 << Number(box.getAttribute("data-bit")), n = 0;
      state.results.forEach(function (r) { if ((g.of(m, r.doc) & bit) && passes(m, r.doc, g.key)) n++; });
      box.nextSibling.querySelector(".search-facet-count").textContent = "(" + n + ")";
    });
    var clear = facetsBox.querySelector("[data-search-clear]");
    if (clear) clear.hidden = !groups.some(function (g) { return state.selected[g.key].size; });
  }

  function renderResults(m, focusFrom) {
    var visible = state.results.filter(function (r) { return passes(m, r.doc, null); });
    var partial = visible.filter(function (r) { return r.partial; }).length;
    var shown = visible.slice(0, state.shown);
    return Promise.all(shown.map(function (r) { return index.doc(r.doc); })).then(function (docs) {
      list.textContent = "";
      var mainList = el("ol", "search-list"), partialList = null, mark = highlighter(state.terms, false);
      var markAll = highlighter(state.terms, true), focusLink = null;
      mainList.setAttribute("data-search-list", "main");
      list.appendChild(mainList);
      shown.forEach(function (r, i) {
        var doc = docs[i], item = el("li", "search-result");
        item.setAttribute("data-kind", m.kinds[m.kindOf[r.doc]]);
        var kind = el("p", "search-result-kind");
        kind.appendChild(el("span", "badge badge-kind-" + m.kinds[m.kindOf[r.doc]], S.kinds[m.kindOf[r.doc]]));
        var link = el("a");
        link.href = doc.u;
        var find = r.partial ? markAll : mark, t = find(doc.t);
        appendMarked(link, t.chars, t.marks, 0, t.chars.length);
        var title = el("p", "search-result-title");
        title.appendChild(link);
        item.appendChild(title);
        item.appendChild(kind);
        if (doc.m) item.appendChild(el("p", "search-result-meta", doc.m));
        var text = el("p", "search-result-snippet");
        snippet(text, find(doc.s), 90);
        item.appendChild(text);
        if (r.partial && !partialList) {
          list.appendChild(el("h2", "search-partial-title", S.partial));
          partialList = el("ol", "search-list");
          partialList.setAttribute("data-search-list", "partial");
          list.appendChild(partialList);
        }
        (partialList || mainList).appendChild(item);
        if (i === focusFrom) focusLink = link;
      });
      if (!mainList.children.length) list.removeChild(mainList);
      if (visible.length > shown.length) {
        var more = el("button", "search-more", S.more);
        more.type = "button";
        more.setAttribute("data-search-more", "");
        list.appendChild(more);
      }
      var total = state.results.length, text;
      if (!state.query) text = S.empty_query;
      else if (!visible.length) text = fill(S.none, { q: state.query }) + " " + S.none_tips;
      else text = fill(partial ? S.count_partial : S.count, { n: visible.length, p: partial });
      if (visible.length !== total && total) text += fill(S.filtered, { total: total });
      status.textContent = text;
      if (focusLink) focusLink.focus();
    });
  }

  var pending = 0;
  function run(query) {
    query = query.trim();
    var ticket = ++pending;
    var slow = setTimeout(function () { if (ticket === pending) status.textContent = S.searching; }, 400);
    var done = function (m) {
      clearTimeout(slow);
      if (ticket !== pending) return;
      writeURL();
      renderFacets(m);
      return renderResults(m, -1);
    };
    if (query === state.query && index.m) return done(index.m);
    if (!query) {
      state.query = ""; state.terms = []; state.results = [];
      return index.load().then(done, fail);
    }
    var attempt = function (fresh) {
      return index.load(fresh).then(function () { return index.search(query); });
    };
    return attempt(false).catch(function () { return attempt(true); }).then(function (found) {
      if (ticket !== pending) return;
      state.query = query; state.terms = found.terms; state.results = found.results; state.shown = PAGE;
      return done(index.m);
    }).catch(fail);
    function fail() {
      clearTimeout(slow);
      if (ticket === pending) { list.textContent = ""; facetsBox.textContent = ""; status.textContent = S.failed; }
    }
  }

  var params = new URLSearchParams(location.search);
  groups.forEach(function (g) { params.getAll(g.key).forEach(function (v) { state.selected[g.key].add(v); }); });
  field.value = params.get("q") || "";
  app.hidden = false;
  var nojs = document.querySelector("[data-search-nojs]");
  if (nojs) nojs.hidden = true;

  var timer = null;
  field.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(function () { run(field.value); }, 250);
  });
  form.addEventListener("submit", function (e) {
    e.preventDefault();
    clearTimeout(timer);
    run(field.value);
  });
  facetsBox.addEventListener("change", function (e) {
    var box = e.target;
    if (!box.getAttribute || !box.getAttribute("data-group")) return;
    var sel = state.selected[box.getAttribute("data-group")];
    if (box.checked) sel.add(box.value); else sel.delete(box.value);
    state.shown = PAGE;
    writeURL();
    updateCounts(index.m);
    renderResults(index.m, -1);
  });
  facetsBox.addEventListener("click", function (e) {
    if (!e.target.hasAttribute || !e.target.hasAttribute("data-search-clear")) return;
    groups.forEach(function (g) { state.selected[g.key].clear(); });
    state.shown = PAGE;
    writeURL();
    renderFacets(index.m);
    renderResults(index.m, -1);
    field.focus();
  });
  list.addEventListener("click", function (e) {
    if (!e.target.hasAttribute || !e.target.hasAttribute("data-search-more")) return;
    var from = state.shown;
    state.shown += PAGE;
    renderResults(index.m, from);
  });
  if (field.value.trim()) run(field.value);
})();
