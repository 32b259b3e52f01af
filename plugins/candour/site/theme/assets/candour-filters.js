/* Filters on /cases/: combine region, service, theme, partner and status without a reload.
   The page itself lists one page of cases, so it stays small at any size of casebook. When a
   filter is chosen, every case is looked up in a compact index (fetched once) and the matches are
   shown fifty at a time. The choice is kept in the URL (?region=london&theme=funding), so a
   filtered list can be shared. Without JavaScript the form stays hidden and the pages link on.
   Case text is only ever set with textContent: it is never parsed as HTML. */
(function () {
  "use strict";
  var form = document.getElementById("candour-filters");
  var list = document.getElementById("candour-cases");
  if (!form || !list) return;
  var STEP = 50;
  var count = document.getElementById("candour-count");
  var empty = document.getElementById("candour-empty");
  var more = document.getElementById("candour-more");
  var pagination = document.getElementById("candour-pagination");
  var selects = Array.prototype.slice.call(form.querySelectorAll("select"));
  var original = Array.prototype.slice.call(list.children);
  var total = Number(count.getAttribute("data-total"));
  var base = form.getAttribute("data-base");
  var index = null;
  var matches = [];
  var shown = 0;
  var fields = { region: 4, service: 5, theme: 6, partner: 7 };
  var kinds = { region: "region", service: "services", theme: "themes", partner: "partners" };

  function plural(n) { return n === 1 ? " case" : " cases"; }

  function wanted() {
    var out = {};
    selects.forEach(function (s) { if (s.value) out[s.name] = s.value; });
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
    link.href = base + row[1];
    title.appendChild(link);
    li.appendChild(title);
    li.appendChild(el("p", "", row[2]));
    var meta = el("p", "candour-meta");
    meta.appendChild(el("span", "candour-status candour-status--" + row[3], index.statuses[row[3]]));
    meta.appendChild(el("span", "", index.labels.region[row[4]]));
    meta.appendChild(el("span", "", row[5].map(function (i) { return index.labels.services[i]; }).join(", ")));
    var when = el("span", "", row[9] ? "Last updated " : "Published ");
    var time = el("time", "", row[9] || row[11]);
    time.setAttribute("datetime", row[9] ? row[8] : row[10]);
    when.appendChild(time);
    meta.appendChild(when);
    li.appendChild(meta);
    return li;
  }

  function matchesRow(row, want) {
    return Object.keys(want).every(function (key) {
      if (key === "status") return row[3] === want.status;
      var position = index.terms[kinds[key]].indexOf(want[key]);
      var value = row[fields[key]];
      return Array.isArray(value) ? value.indexOf(position) !== -1 : value === position;
    });
  }

  function showMore() {
    var next = matches.slice(shown, shown + STEP);
    next.forEach(function (row) { list.appendChild(card(row)); });
    shown += next.length;
    more.hidden = shown >= matches.length;
  }

  function render(want) {
    var keys = Object.keys(want);
    if (!keys.length) {
      list.replaceChildren.apply(list, original);
      count.textContent = total + plural(total);
      empty.hidden = true;
      more.hidden = true;
      if (pagination) pagination.hidden = false;
      return;
    }
    matches = index.cases.filter(function (row) { return matchesRow(row, want); });
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
    if (!Object.keys(want).length) { render(want); return; }
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
  form.hidden = false;
  form.addEventListener("change", function () { apply(true); });
  form.addEventListener("reset", function () { window.setTimeout(function () { apply(true); }, 0); });
  form.addEventListener("submit", function (event) { event.preventDefault(); });
  more.addEventListener("click", showMore);
  apply(false);
})();
