/* The finder on /cases/: words and filters (region, service, theme, organisations, status) that
   combine without a reload. The page itself lists one page of cases, so it stays small at any size
   of casebook; on the first use every case is looked up in a compact index (fetched once), and the
   matches are shown fifty at a time. Each option says how many cases it would leave, given the other
   choices, and an option that would leave none says so and cannot be chosen: no combination ends on
   an empty page without warning. The choice is kept in the URL (?region=london&theme=funding&q=rent),
   so a filtered list can be shared. Without JavaScript the finder stays hidden and the pages link on.
   Case text is only ever set with textContent: it is never parsed as HTML. */
(function () {
  "use strict";
  var finder = document.getElementById("candour-finder");
  var form = document.getElementById("candour-filters");
  var list = document.getElementById("candour-cases");
  if (!finder || !form || !list) return;
  var STEP = 50;
  var count = document.getElementById("candour-count");
  var empty = document.getElementById("candour-empty");
  var more = document.getElementById("candour-more");
  var pagination = document.getElementById("candour-pagination");
  var wordsBox = document.getElementById("filter-q");
  var toggle = finder.querySelector("summary");
  var selects = Array.prototype.slice.call(form.querySelectorAll("select"));
  var original = Array.prototype.slice.call(list.children);
  var total = Number(count.getAttribute("data-total"));
  var base = form.getAttribute("data-base");
  var index = null;
  var matches = [];
  var shown = 0;
  // Where each filter's value is in a row of the index, and the index's name for its terms.
  var fields = { region: 4, service: 5, theme: 6, partner: 7, network: 13 };
  var kinds = { region: "region", service: "services", theme: "themes", partner: "partners", network: "networks" };

  function plural(n) { return n === 1 ? " case" : " cases"; }

  function wanted() {
    var out = {};
    selects.forEach(function (s) { if (s.value) out[s.name] = s.value; });
    var q = wordsBox.value.trim();
    if (q) out.q = q;
    return out;
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function card(row) {
    var li = el("li", "candour-case-card");
    var title = el("h2", "candour-case-card__title");
    var link = el("a", "", row[0]);
    // Another network's case opens on its own site: its address is absolute (and checked when it was fetched).
    link.href = /^https?:\/\//.test(row[1]) ? row[1] : base + row[1];
    title.appendChild(link);
    li.appendChild(title);
    li.appendChild(el("p", "", row[2]));
    var meta = el("p", "candour-meta");
    meta.appendChild(el("span", "candour-status candour-status--" + row[3], index.statuses[row[3]]));
    if (row[12]) meta.appendChild(el("span", "candour-flag", "Illustrative"));
    if (row[13]) {
      meta.appendChild(el("span", "candour-network", "From " + index.labels.networks[row[13]] +
                          (row[14] ? ", fetched " + row[14] : "")));
    }
    meta.appendChild(el("span", "", index.labels.region[row[4]]));
    meta.appendChild(el("span", "", row[5].map(function (i) { return index.labels.services[i]; }).join(", ")));
    var when = el("span", "", "Published ");
    var time = el("time", "", row[11]);
    time.setAttribute("datetime", row[10]);
    when.appendChild(time);
    meta.appendChild(when);
    li.appendChild(meta);
    return li;
  }

  // The words of a row, found once: its title and summary, lower-cased.
  var haystacks = [];
  function hasWords(rowIndex, terms) {
    if (!terms.length) return true;
    var text = haystacks[rowIndex];
    if (text === undefined) {
      var row = index.cases[rowIndex];
      text = haystacks[rowIndex] = words(row[0] + " " + row[2]);
    }
    return terms.every(function (term) { return text.indexOf(term) !== -1; });
  }

  // Lower case, with hyphens and other punctuation as spaces: 'housing-first' finds 'Housing First'.
  function words(text) {
    return " " + text.toLocaleLowerCase().replace(/[^\p{L}\p{N}]+/gu, " ").trim() + " ";
  }

  function hasValue(row, key, value) {
    if (key === "status") return row[3] === value;
    var position = index.terms[kinds[key]].indexOf(value);
    var have = row[fields[key]];
    return Array.isArray(have) ? have.indexOf(position) !== -1 : have === position;
  }

  function rowMatches(rowIndex, want, terms, except) {
    var row = index.cases[rowIndex];
    for (var key in want) {
      if (key !== "q" && key !== except && !hasValue(row, key, want[key])) return false;
    }
    return hasWords(rowIndex, terms);
  }

  // For each filter, how many cases each of its options would leave with the other choices kept.
  function updateCounts(want, terms) {
    selects.forEach(function (select) {
      var key = select.name;
      var tally = {};
      index.cases.forEach(function (row, i) {
        if (!rowMatches(i, want, terms, key)) return;
        var values = key === "status" ? [row[3]] : [].concat(row[fields[key]]).map(function (p) {
          return index.terms[kinds[key]][p];
        });
        values.forEach(function (v) { tally[v] = (tally[v] || 0) + 1; });
      });
      Array.prototype.forEach.call(select.options, function (option) {
        if (!option.value) return;
        var n = tally[option.value] || 0;
        option.textContent = option.getAttribute("data-label") + " (" + n + ")";
        option.disabled = n === 0 && select.value !== option.value;
      });
    });
  }

  function showMore() {
    var next = matches.slice(shown, shown + STEP);
    next.forEach(function (row) { list.appendChild(card(row)); });
    shown += next.length;
    more.hidden = shown >= matches.length;
  }

  function render(want) {
    var terms = want.q ? words(want.q).split(" ").filter(Boolean) : [];
    var chosen = selects.filter(function (s) { return s.value; }).length + (terms.length ? 1 : 0);
    toggle.textContent = chosen ? "Filter cases (" + chosen + " chosen)" : "Filter cases";
    updateCounts(want, terms);
    if (!Object.keys(want).length) {
      list.replaceChildren.apply(list, original);
      count.textContent = total + plural(total);
      empty.hidden = true;
      more.hidden = true;
      if (pagination) pagination.hidden = false;
      return;
    }
    matches = index.cases.filter(function (row, i) { return rowMatches(i, want, terms, null); });
    list.replaceChildren();
    shown = 0;
    showMore();
    count.textContent = matches.length + " of " + total + plural(total);
    empty.hidden = matches.length !== 0;
    if (pagination) pagination.hidden = true;
  }

  function loadIndex() {
    if (index) return Promise.resolve(index);
    return fetch(form.getAttribute("data-index")).then(function (response) {
      if (!response.ok) throw new Error("the case index did not load");
      return response.json();
    }).then(function (data) { index = data; return data; });
  }

  function apply(updateUrl) {
    var want = wanted();
    if (updateUrl) {
      var query = new URLSearchParams(want).toString();
      history.replaceState(null, "", query ? "?" + query : location.pathname);
    }
    if (!Object.keys(want).length && !index) return;
    count.textContent = "Finding cases…";
    loadIndex().then(function () { render(wanted()); }, function () {
      count.textContent = "The filters could not load. Browse the pages below instead.";
    });
  }

  var params = new URLSearchParams(location.search);
  selects.forEach(function (s) {
    var value = params.get(s.name);
    var known = Array.prototype.some.call(s.options, function (o) { return o.value === value; });
    if (value && known) s.value = value;
  });
  wordsBox.value = params.get("q") || "";
  finder.hidden = false;
  // Open on a wide screen; on a phone the results come first, with the filters one tap away (its
  // summary says how many are chosen).
  finder.open = window.matchMedia("(min-width: 60em)").matches;
  var typing = null;
  form.addEventListener("change", function () { apply(true); });
  wordsBox.addEventListener("input", function () {
    window.clearTimeout(typing);
    typing = window.setTimeout(function () { apply(true); }, 150);
  });
  form.addEventListener("reset", function () { window.setTimeout(function () { apply(true); }, 0); });
  form.addEventListener("submit", function (event) { event.preventDefault(); apply(true); });
  more.addEventListener("click", showMore);
  apply(false);
})();
