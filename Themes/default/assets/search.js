// Site search with no server, loaded by the /search/ page only: reads the index the build writes under search/
// and answers in the browser. Tokeniser and ranking mirror Sources/Roster/Search (SearchText.swift,
// SearchEngine.swift) step for step; the browser tests hold both to the same recorded rankings. No template
// literals (backticks), so that the build may strip this file's comments and indentation.
// A browser that cannot run this keeps the page's "search needs JavaScript" message and its links.
(() => {
  "use strict";
  const PAGE = 10;
  const WORD = /[\p{L}\p{N}]/u;

  // ---- Text (SearchText.swift) ----
  const fold = (c) => {
    if (c >= 0xFF01 && c <= 0xFF5E) c -= 0xFEE0;
    if (c === 0x3000) c = 0x20;
    return c >= 0x41 && c <= 0x5A ? c + 0x20 : c;
  };
  const isHan = (c) => (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF) ||
    (c >= 0x20000 && c <= 0x3134F) || (c >= 0xF900 && c <= 0xFAFF) || c === 0x3007;
  const isWord = (c) => c < 128 ? (c >= 48 && c <= 57) || (c >= 97 && c <= 122) || (c >= 65 && c <= 90)
    : !isHan(c) && WORD.test(String.fromCodePoint(c));
  const codePoints = (text) => Array.from(text, (ch) => ch.codePointAt(0));
  const str = (cps) => String.fromCodePoint(...cps);

  // Han runs and words; with join set, whitespace between Han characters vanishes (质量 追溯 = 质量追溯).
  function pieces(text, join) {
    const out = [];
    let han = [], word = [], space = false;
    const flushHan = () => { if (han.length) out.push({ han }); han = []; };
    const flushWord = () => { if (word.length) out.push({ word: str(word) }); word = []; };
    for (let c of codePoints(text)) {
      c = fold(c);
      if (isHan(c)) {
        flushWord();
        if (space && !(join && han.length)) flushHan();
        space = false;
        han.push(c);
      } else if (isWord(c)) {
        flushHan();
        space = false;
        word.push(c);
      } else {
        flushWord();
        if (/\s/.test(String.fromCodePoint(c))) space = true; else { flushHan(); space = false; }
      }
    }
    flushHan();
    flushWord();
    return out;
  }
  const textOf = (p) => p.word !== undefined ? p.word : str(p.han);

  // ---- Query and ranking (SearchEngine.swift) ----
  function parseQuery(text, m) {
    const seen = new Set(), terms = [];
    for (const p of pieces(text, true)) {
      const t = textOf(p), key = (p.word !== undefined ? "w" : "h") + t;
      if (seen.has(key)) continue;
      seen.add(key);
      if (p.han && p.han.every((c) => m.stop.has(c))) continue;
      const alternatives = [p], group = m.synonyms.find((g) => g.includes(t));
      for (const member of group || []) {
        const q = pieces(member, false);
        if (member !== t && q.length === 1) alternatives.push(q[0]);
      }
      terms.push(alternatives);
    }
    return terms;
  }

  const weight = (m, fields) => m.weights.reduce((sum, w, f) => fields & (1 << f) ? sum + w : sum, 0);
  const idf = (m, list) => Math.log(1 + m.documents / Math.max(list ? list.docs.length : 0, 1));
  const fieldsOf = (list) => new Map(list ? Array.from(list.docs, (d, i) => [d, list.fields[i]]) : []);

  function wordMatches(ix, word) {
    const out = new Map();
    for (const token of ix.wordsStarting(word)) {
      const factor = token === word ? 1 : 0.5, list = ix.get(token);
      list.docs.forEach((doc, i) => {
        const score = weight(ix.m, list.fields[i]) * factor, cur = out.get(doc);
        if (!cur || cur.score < score) out.set(doc, { tier: 0, score, title: (list.fields[i] & 1) !== 0 });
      });
    }
    return out;
  }

  function covers(m, run, present) {
    const reach = [true];
    for (let i = 0; i < run.length; i++) {
      if (!reach[i]) continue;
      if (m.stop.has(run[i])) reach[i + 1] = true;
      for (let j = i + 1; j < run.length && present[j - 1]; j++) reach[j + 1] = true;
    }
    return !!reach[run.length];
  }

  function hanMatches(ix, run) {
    const m = ix.m, out = new Map();
    if (run.length === 1) {
      const one = ix.get(str(run));
      if (one) one.docs.forEach((doc, i) => out.set(doc, { tier: 0, score: weight(m, one.fields[i]), title: (one.fields[i] & 1) !== 0 }));
      return out;
    }
    // A two-character term's characters apart are a partial match too (排样 … 产品 for 排产): SearchEngine.swift.
    const chars = run.length === 2 ? run.filter((c) => !m.stop.has(c)) : [], unigrams = chars.map((c) => ix.get(str([c])));
    const bigrams = run.slice(1).map((c, i) => ix.get(str([run[i], c])));
    const bIDF = bigrams.map((l) => idf(m, l)), uIDF = unigrams.map((l) => idf(m, l));
    const bFields = bigrams.map(fieldsOf), uFields = unigrams.map(fieldsOf), candidates = new Set();
    for (const l of bigrams) if (l) l.docs.forEach((d) => candidates.add(d));
    let rarest = null;
    for (const l of unigrams) {
      const docs = l ? l.docs : [];
      if (rarest === null || docs.length < rarest.length) rarest = docs;
    }
    if (rarest) rarest.forEach((d) => candidates.add(d));
    for (const doc of candidates) {
      const present = bFields.map((f) => f.get(doc)), has = present.map((f) => f !== undefined), some = has.some(Boolean);
      let tier;
      if (has.every(Boolean)) tier = 0;
      else if (covers(m, run, has)) tier = 1;
      else if (some || (chars.length && uFields.every((f) => f.has(doc)))) tier = 2;
      else continue;
      let score = 0, total = 0;
      if (some) {
        present.forEach((f, i) => { total += bIDF[i]; if (f !== undefined) score += bIDF[i] * weight(m, f); });
      } else {
        uFields.forEach((f, i) => { total += uIDF[i] * 10; if (f.has(doc)) score += uIDF[i] * weight(m, f.get(doc)); });
      }
      out.set(doc, { tier, score: score / total, title: tier === 0 && present.every((f) => (f & 1) !== 0) });
    }
    return out;
  }

  function rank(ix, terms) {
    const combined = new Map();
    for (const alternatives of terms) {
      const best = new Map();
      alternatives.forEach((term, k) => {
        const found = term.word !== undefined ? wordMatches(ix, term.word) : hanMatches(ix, term.han);
        found.forEach((match, doc) => {
          // A synonym counts only where it is found whole.
          if (k > 0 && match.tier === 2) return;
          const cur = best.get(doc);
          if (cur && (cur.tier < match.tier || (cur.tier === match.tier && cur.score >= match.score))) return;
          best.set(doc, match);
        });
      });
      best.forEach((match, doc) => {
        const r = combined.get(doc) || { doc, partial: false, terms: 0, titleTerms: 0, score: 0 };
        r.partial = r.partial || match.tier === 2;
        r.terms += 1;
        r.titleTerms += match.title ? 1 : 0;
        r.score += match.score;
        combined.set(doc, r);
      });
    }
    const results = Array.from(combined.values());
    for (const r of results) if (r.terms < terms.length) r.partial = true;
    return results.sort((a, b) => a.partial !== b.partial ? (a.partial ? 1 : -1)
      : a.terms !== b.terms ? b.terms - a.terms
      : a.titleTerms !== b.titleTerms ? b.titleTerms - a.titleTerms
      : a.score !== b.score ? (b.score > a.score ? 1 : -1)
      : a.doc - b.doc);
  }

  // ---- Index files (SearchIndex.swift) ----
  const getJSON = (url, init) => fetch(url, init).then((r) => { if (!r.ok) throw new Error(r.status); return r.json(); });

  // Dense terms hold a bitset of the documents with their usual field set, then the others as sparse postings.
  function decodeShard(b, fieldSets, documents) {
    let i = 0, prev = [];
    const terms = [], lists = new Map();
    const v = () => {
      let x = 0, mul = 1, byte;
      do { byte = b[i++]; x += (byte & 127) * mul; mul *= 128; } while (byte >= 128);
      return x;
    };
    for (let n = v(); n > 0; n--) {
      const h = v(), shared = h >> 5, term = prev.slice(0, shared);
      let len = h & 31;
      if (len === 31) len += v();
      for (let k = 0; k < len; k++) {
        const x = v();
        term.push(k ? x : (shared < prev.length ? prev[shared] : 0) + (x % 2 ? -(x + 1) / 2 : x / 2));
      }
      const h2 = v(), count = (h2 - (h2 % 2)) / 2, docs = new Int32Array(count), fields = new Uint8Array(count);
      let bitset = null, usual = 0, sparse = count;
      if (h2 % 2) {
        usual = b[i];
        bitset = b.subarray(i + 1, i + 1 + Math.ceil(documents / 8));
        i += 1 + bitset.length;
        sparse = v();
      }
      const sDocs = [], sFields = [];
      for (let p = 0, doc = -1; p < sparse; p++) {
        const g = v(), code = g % 8;
        doc += (g - code) / 8 + 1;
        sDocs.push(doc);
        sFields.push(code === 7 ? b[i++] : fieldSets[code]);
      }
      // Merge the bitset's documents with the sparse ones, in document order.
      let p = 0, s = 0;
      const put = (doc, f) => { docs[p] = doc; fields[p++] = f; };
      if (bitset) {
        for (let doc = 0; doc < documents; doc++) {
          if (!(bitset[doc >> 3] & (1 << (doc & 7)))) continue;
          while (s < sparse && sDocs[s] < doc) { put(sDocs[s], sFields[s]); s++; }
          put(doc, usual);
        }
      }
      while (s < sparse) { put(sDocs[s], sFields[s]); s++; }
      const text = str(term);
      terms.push(text);
      lists.set(text, { docs, fields });
      prev = term;
    }
    return { terms, lists };
  }

  class Index {
    constructor(url) { this.url = url; this.base = url.replace(/[^/]*$/, ""); }

    // The manifest is revalidated on every visit. The shards it names are named after what they hold and never
    // change; a result file keeps its name while its document keeps its number, so it is asked for with the version
    // as a query.
    load(fresh) {
      if (!this.manifest || fresh) {
        this.manifest = getJSON(this.url, { cache: fresh ? "reload" : "no-cache" }).then((m) => {
          m.stop = new Set(codePoints(m.stop));
          m.kindOf = []; m.industryOf = []; m.typeOf = [];
          for (const [n, kind, industries, types] of m.facets) {
            for (let i = 0; i < n; i++) { m.kindOf.push(kind); m.industryOf.push(industries); m.typeOf.push(types); }
          }
          this.m = m;
          this.shards = new Map();
          this.docs = new Map();
          return m;
        });
      }
      return this.manifest;
    }

    shardOf(term) {
      const s = this.m.shards;
      let lo = 0, hi = s.length;
      while (lo < hi) { const mid = (lo + hi) >> 1; if (s[mid] <= term) lo = mid + 1; else hi = mid; }
      return lo - 1;
    }

    shard(n) {
      if (!this.shards.has(n)) {
        this.shards.set(n, fetch(this.base + "t/" + this.m.files[n] + ".bin")
          .then((r) => { if (!r.ok) throw new Error(r.status); return r.arrayBuffer(); })
          .then((buf) => decodeShard(new Uint8Array(buf), this.m.fieldSets, this.m.documents)));
      }
      return this.shards.get(n);
    }

    doc(n) {
      if (!this.docs.has(n)) this.docs.set(n, getJSON(this.base + this.m.results + "/d/" + n + ".json?v=" + this.m.version));
      return this.docs.get(n);
    }

    // Fetches the shards holding the query's terms (a word's prefix may run on into the next shards),
    // then gives rank() a synchronous view of them.
    async search(text) {
      const m = await this.load(), terms = parseQuery(text, m), wanted = new Set(), loaded = new Map();
      const get = (n) => this.shard(n).then((s) => loaded.set(n, s));
      const follow = (w, n) => get(n).then(() => {
        if (n + 1 < m.shards.length && m.shards[n + 1].startsWith(w)) return follow(w, n + 1);
      });
      const jobs = [];
      for (const t of terms.flat()) {
        if (t.word !== undefined) { jobs.push(follow(t.word, Math.max(this.shardOf(t.word), 0))); continue; }
        t.han.forEach((c, i) => {
          if (t.han.length <= 2 && !m.stop.has(c)) wanted.add(str([c]));
          if (i + 1 < t.han.length) wanted.add(str([c, t.han[i + 1]]));
        });
      }
      for (const n of new Set(Array.from(wanted, (t) => this.shardOf(t)))) if (n >= 0) jobs.push(get(n));
      await Promise.all(jobs);
      const view = {
        m,
        get: (term) => { const s = loaded.get(this.shardOf(term)); return s && s.lists.get(term); },
        wordsStarting: (w) => {
          const out = [];
          for (let n = Math.max(this.shardOf(w), 0); loaded.has(n); n++) out.push(...loaded.get(n).terms.filter((t) => t.startsWith(w)));
          return out;
        },
      };
      return { terms, results: rank(view, terms) };
    }
  }

  // ---- Snippets: text only; highlights are <mark> elements made here, never HTML from the index ----
  function highlighter(terms, partial) {
    const needles = [];
    terms.forEach((alternatives, group) => {
      alternatives.forEach((t, k) => {
        if (t.word !== undefined) { needles.push({ cps: codePoints(t.word), group, word: true }); return; }
        needles.push({ cps: t.han, group });
        // A synonym is marked only whole: the 企业 of 企业资源计划 is no match for ERP.
        if (k > 0) return;
        for (let i = 0; i + 1 < t.han.length; i++) needles.push({ cps: [t.han[i], t.han[i + 1]], group });
        if (partial || t.han.length === 1) for (const c of t.han) needles.push({ cps: [c], group });
      });
    });
    return (text) => {
      const chars = codePoints(text), folded = chars.map(fold), marks = new Uint8Array(chars.length), hits = [];
      for (const n of needles) {
        for (let i = 0; i + n.cps.length <= folded.length; i++) {
          let k = 0;
          while (k < n.cps.length && folded[i + k] === n.cps[k]) k++;
          // A word is marked where a word starts, or a camel-case part (the MES of iMES).
          if (k < n.cps.length || (n.word && i > 0 && isWord(folded[i - 1]) && !(/\p{Ll}/u.test(String.fromCodePoint(chars[i - 1])) && /\p{Lu}/u.test(String.fromCodePoint(chars[i]))))) continue;
          marks.fill(1, i, i + k);
          hits.push({ at: i, group: n.group });
        }
      }
      return { chars, marks, hits };
    };
  }

  function appendMarked(parent, { chars, marks }, from, to) {
    let run = "", marked = false;
    const flush = () => {
      if (run) parent.append(marked ? el("mark", null, run) : run);
      run = "";
    };
    for (let i = from; i < to; i++) {
      if (!!marks[i] !== marked) { flush(); marked = !!marks[i]; }
      run += chars[i] === 10 ? " " : String.fromCodePoint(chars[i]);
    }
    flush();
  }

  // The window with the most query terms, then the most highlighted text (a whole phrase beats a stray word).
  function snippet(parent, found, width) {
    let best = 0, bestScore = -1;
    for (const h of found.hits) {
      const start = Math.max(0, h.at - 20), groups = new Set();
      for (const o of found.hits) if (o.at >= start && o.at < start + width) groups.add(o.group);
      let score = groups.size * 10000;
      for (let i = start; i < start + width && i < found.marks.length; i++) score += found.marks[i];
      if (score > bestScore || (score === bestScore && start < best)) { best = start; bestScore = score; }
    }
    const end = Math.min(found.chars.length, best + width);
    if (best > 0) parent.append("…");
    appendMarked(parent, found, best, end);
    if (end < found.chars.length) parent.append("…");
  }

  function el(tag, cls, text) {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }

  // ---- The page ----
  const form = document.querySelector("[data-search-page]"), app = document.querySelector("[data-search-app]");
  if (!form || !app) return;
  const S = JSON.parse(app.dataset.strings), index = new Index(form.dataset.index);
  const field = form.querySelector("input[name=q]"), status = app.querySelector("[data-search-status]");
  const facetsBox = app.querySelector("[data-search-facets]"), list = app.querySelector("[data-search-results]");
  const baseTitle = document.title;
  const state = { query: null, terms: [], results: [], shown: PAGE, open: undefined,
                  selected: { kind: new Set(), industry: new Set(), type: new Set() } };
  const groups = [
    { key: "kind", label: S.facet_kind, of: (m, d) => 1 << m.kindOf[d],
      values: (m) => m.kinds.map((id, i) => ({ id, label: S.kinds[i] })) },
    { key: "industry", label: S.facet_industry, of: (m, d) => m.industryOf[d],
      values: (m) => m.industries.map(([id, label]) => ({ id, label })) },
    { key: "type", label: S.facet_type, of: (m, d) => m.typeOf[d],
      values: (m) => m.types.map((id, i) => ({ id, label: S.types[i] })) },
  ];
  const fill = (template, values) => template.replace(/\{(\w+)\}/g, (all, k) => values[k] !== undefined ? values[k] : all);
  const anySelected = () => groups.some((g) => state.selected[g.key].size);

  // Whether a result passes every facet group but except (a group's own counts ignore its own choices).
  const passes = (m, d, except) => groups.every((g) => {
    const sel = state.selected[g.key];
    if (g.key === except || !sel.size) return true;
    const bits = g.of(m, d);
    return g.values(m).some((v, i) => sel.has(v.id) && (bits & (1 << i)));
  });

  function writeURL() {
    const params = new URLSearchParams();
    if (state.query) params.set("q", state.query);
    for (const g of groups) for (const v of state.selected[g.key]) params.append(g.key, v);
    const qs = params.toString();
    history.replaceState(null, "", location.pathname + (qs ? "?" + qs : ""));
    document.title = state.query ? fill(S.title_query, { q: state.query }) + " - " + baseTitle : baseTitle;
  }

  function renderFacets(m) {
    facetsBox.textContent = "";
    for (const g of groups) {
      const known = g.values(m).map((v) => v.id);
      for (const v of state.selected[g.key]) if (!known.includes(v)) state.selected[g.key].delete(v);
    }
    if (!state.results.length) return;
    const details = el("details", "search-facet-box");
    if (state.open === undefined) state.open = matchMedia("(min-width: 48rem)").matches || anySelected();
    details.open = state.open;
    details.addEventListener("toggle", () => { state.open = details.open; });
    details.append(el("summary", null, S.facets));
    for (const g of groups) {
      let bits = 0;
      for (const r of state.results) bits |= g.of(m, r.doc);
      const fieldset = el("fieldset", "search-facet");
      fieldset.append(el("legend", null, g.label));
      g.values(m).forEach((v, i) => {
        if (!(bits & (1 << i)) && !state.selected[g.key].has(v.id)) return;
        const row = el("div", "search-facet-option"), box = el("input"), label = el("label", null, v.label + " ");
        Object.assign(box, { type: "checkbox", id: "facet-" + g.key + "-" + v.id, value: v.id, checked: state.selected[g.key].has(v.id) });
        Object.assign(box.dataset, { group: g.key, bit: i });
        label.htmlFor = box.id;
        label.append(el("span", "search-facet-count"));
        row.append(box, label);
        fieldset.append(row);
      });
      if (fieldset.querySelector("input")) details.append(fieldset);
    }
    const clear = el("button", "search-clear", S.clear_filters);
    clear.type = "button";
    clear.dataset.searchClear = "";
    details.append(clear);
    facetsBox.append(details);
    updateCounts(m);
  }

  function updateCounts(m) {
    for (const box of facetsBox.querySelectorAll("input[type=checkbox]")) {
      const g = groups.find((x) => x.key === box.dataset.group), bit = 1 << Number(box.dataset.bit);
      const n = state.results.filter((r) => (g.of(m, r.doc) & bit) && passes(m, r.doc, g.key)).length;
      box.nextSibling.querySelector(".search-facet-count").textContent = "(" + n + ")";
    }
    const clear = facetsBox.querySelector("[data-search-clear]");
    if (clear) clear.hidden = !anySelected();
  }

  async function renderResults(m, focusFrom) {
    const visible = state.results.filter((r) => passes(m, r.doc, null));
    const partial = visible.filter((r) => r.partial).length, shown = visible.slice(0, state.shown);
    const docs = await Promise.all(shown.map((r) => index.doc(r.doc)));
    const whole = highlighter(state.terms, false), parts = highlighter(state.terms, true);
    const mainList = el("ol", "search-list");
    let partialList = null, focusLink = null;
    mainList.dataset.searchList = "main";
    list.textContent = "";
    list.append(mainList);
    shown.forEach((r, i) => {
      const doc = docs[i], kind = m.kinds[m.kindOf[r.doc]], find = r.partial ? parts : whole;
      const item = el("li", "search-result"), title = el("p", "search-result-title"), link = el("a");
      const badge = el("p", "search-result-kind"), text = el("p", "search-result-snippet");
      item.dataset.kind = kind;
      link.href = doc.u;
      const t = find(doc.t);
      appendMarked(link, t, 0, t.chars.length);
      title.append(link);
      badge.append(el("span", "badge badge-kind-" + kind, S.kinds[m.kindOf[r.doc]]));
      snippet(text, find(doc.s), 90);
      item.append(title, badge);
      if (doc.m) item.append(el("p", "search-result-meta", doc.m));
      item.append(text);
      if (r.partial && !partialList) {
        list.append(el("h2", "search-partial-title", S.partial));
        partialList = el("ol", "search-list");
        partialList.dataset.searchList = "partial";
        list.append(partialList);
      }
      (partialList || mainList).append(item);
      if (i === focusFrom) focusLink = link;
    });
    if (!mainList.children.length) mainList.remove();
    if (visible.length > shown.length) {
      const more = el("button", "search-more", S.more);
      more.type = "button";
      more.dataset.searchMore = "";
      list.append(more);
    }
    let message;
    if (!state.query) message = S.empty_query;
    else if (!visible.length) message = fill(S.none, { q: state.query }) + S.none_tips;
    else message = fill(partial ? S.count_partial : S.count, { n: visible.length, p: partial });
    if (visible.length !== state.results.length && state.results.length) message += fill(S.filtered, { total: state.results.length });
    status.textContent = message;
    if (focusLink) focusLink.focus();
  }

  let pending = 0;
  async function run(query) {
    query = query.trim();
    const ticket = ++pending;
    const slow = setTimeout(() => { if (ticket === pending) status.textContent = S.searching; }, 400);
    try {
      if (query !== state.query || !index.m) {
        // A rebuild may have replaced the index since the manifest was read: read it again once.
        const found = !query ? { terms: [], results: [] }
          : await index.search(query).catch(() => index.load(true).then(() => index.search(query)));
        if (ticket !== pending) return;
        await index.load();
        Object.assign(state, { query, terms: found.terms, results: found.results, shown: PAGE });
      }
      writeURL();
      renderFacets(index.m);
      await renderResults(index.m, -1);
    } catch (e) {
      if (ticket === pending) { list.textContent = ""; facetsBox.textContent = ""; status.textContent = S.failed; }
    } finally {
      clearTimeout(slow);
    }
  }

  const params = new URLSearchParams(location.search);
  for (const g of groups) for (const v of params.getAll(g.key)) state.selected[g.key].add(v);
  field.value = params.get("q") || "";
  app.hidden = false;
  const nojs = document.querySelector("[data-search-nojs]");
  if (nojs) nojs.hidden = true;

  let timer = null;
  field.addEventListener("input", () => { clearTimeout(timer); timer = setTimeout(() => run(field.value), 250); });
  form.addEventListener("submit", (e) => { e.preventDefault(); clearTimeout(timer); run(field.value); });
  const refilter = () => { state.shown = PAGE; writeURL(); updateCounts(index.m); return renderResults(index.m, -1); };
  facetsBox.addEventListener("change", (e) => {
    const box = e.target;
    if (!box.dataset || !box.dataset.group) return;
    const sel = state.selected[box.dataset.group];
    if (box.checked) sel.add(box.value); else sel.delete(box.value);
    refilter();
  });
  facetsBox.addEventListener("click", (e) => {
    if (!e.target.matches("[data-search-clear]")) return;
    for (const g of groups) state.selected[g.key].clear();
    for (const box of facetsBox.querySelectorAll("input[type=checkbox]")) box.checked = false;
    refilter();
    field.focus();
  });
  list.addEventListener("click", (e) => {
    if (!e.target.matches("[data-search-more]")) return;
    const from = state.shown;
    state.shown += PAGE;
    renderResults(index.m, from);
  });
  if (field.value.trim()) run(field.value);
})();
