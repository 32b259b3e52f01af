/* /search/: results from Pagefind's index, through its JavaScript API, for the words typed in the header
   box or here (?q=...). Only what the first results need is fetched: Pagefind's code and WebAssembly, its
   page list, the index of the words searched and the first pages' excerpts. The filters (region, service,
   theme, organisations, status, network) and their counts are fetched when the reader opens them, or when
   the address already chooses one (?q=rent&region=Wales), so a search stays light at any size of casebook.
   Filters combine as on /cases/: one value each, and each option says how many results it would leave.
   Nothing from the index is ever parsed as HTML into the page: titles and details are set as text, and an
   excerpt keeps only Pagefind's <mark> around the words found, rebuilt as elements. */
(function () {
  "use strict";
  var root = document.getElementById("candour-search");
  if (!root) return;
  var bundle = root.getAttribute("data-bundle");
  var orders = JSON.parse(root.getAttribute("data-orders") || "{}");  // each filter's values, as /cases/ orders them
  var form = document.getElementById("candour-search-form");
  var box = document.getElementById("candour-search-q");
  var status = document.getElementById("candour-search-status");
  var list = document.getElementById("candour-search-results");
  var more = document.getElementById("candour-search-more");
  var empty = document.getElementById("candour-search-empty");
  var panel = document.getElementById("candour-search-filters");
  var fields = document.getElementById("candour-search-fields");
  var STEP = 10;
  var ORDER = ["region", "service", "theme", "partner", "status", "network"];
  var LABELS = { region: "Region", service: "Service", theme: "Theme", partner: "Organisations involved",
                 status: "Status", network: "Network" };
  var META = [["status", "Status"], ["region", "Region"], ["services", "Services"]];
  var pagefind = null;
  var selects = {};  // filter name -> its <select>, once the filters are loaded
  var chosen = {};  // filter name -> value, from the address until the filters are loaded
  var found = [];
  var shown = 0;
  var asked = 0;  // the newest search: an older one that answers late is dropped

  function plural(n) { return n === 1 ? " result" : " results"; }

  function engine() {
    if (!pagefind) {
      pagefind = import(bundle + "pagefind.js").then(function (module) {
        return module.options({ excerptLength: 30 }).then(function () { return module; });
      });
    }
    return pagefind;
  }

  // The filters chosen: on the page once they are loaded, from the address until then.
  function choices() {
    if (!Object.keys(selects).length) return Object.assign({}, chosen);
    var out = {};
    Object.keys(selects).forEach(function (name) { if (selects[name].value) out[name] = selects[name].value; });
    return out;
  }

  function asFilters(values, without) {
    var out = {};
    Object.keys(values).forEach(function (name) { if (name !== without) out[name] = [values[name]]; });
    return out;
  }

  // The search in the address: a new entry for a search the reader asked for (so Back returns to the one
  // before), the same entry while they type.
  function remember(words, values, how) {
    var params = new URLSearchParams();
    if (words) params.set("q", words);
    Object.keys(values).forEach(function (name) { params.set(name, values[name]); });
    var query = params.toString();
    var address = location.pathname + (query ? "?" + query : "");
    if (how === "push" && address !== location.pathname + location.search) history.pushState(null, "", address);
    else if (how !== "none") history.replaceState(null, "", address);
  }

  // MkDocs' permalink sign (¶) after each heading is not part of what a result says.
  function plain(value) { return String(value || "").replace(/\u00b6/g, "").trim(); }

  function text(tag, className, content) {
    var element = document.createElement(tag);
    if (className) element.className = className;
    if (content) element.textContent = content;
    return element;
  }

  // An excerpt as Pagefind gives it (text with <mark> around the words found): parsed in a document that is
  // never shown and runs nothing, then rebuilt from its text alone, with a <mark> for each of Pagefind's.
  function excerpt(html, into) {
    var parsed = new DOMParser().parseFromString("<body>" + html, "text/html").body;
    Array.prototype.forEach.call(parsed.childNodes, function (node) {
      if (node.nodeName === "MARK") into.appendChild(text("mark", "", plain(node.textContent)));
      else into.appendChild(document.createTextNode(node.textContent.replace(/\u00b6/g, "")));
    });
    return into;
  }

  // Only the site's own pages and other networks' web pages are linked: never another kind of address.
  function safe(url) {
    try {
      var parsed = new URL(url, location.href);
      return parsed.protocol === "https:" || parsed.protocol === "http:" ? parsed.href : null;
    } catch (e) { return null; }
  }

  function item(data) {
    var entry = text("li", "candour-search__result");
    var heading = text("h2", "candour-search__title");
    var href = safe(data.url);
    var title = (data.meta && data.meta.title) || data.url;
    if (href) {
      var link = text("a", "candour-search__link", title);
      link.href = href;
      heading.appendChild(link);
    } else {
      heading.textContent = title;
    }
    entry.appendChild(heading);
    var details = META.filter(function (pair) { return data.meta && data.meta[pair[0]]; })
      .map(function (pair) { return pair[1] + ": " + data.meta[pair[0]]; });
    if (details.length) entry.appendChild(text("p", "candour-search__meta", details.join(" · ")));
    entry.appendChild(excerpt(data.excerpt || "", text("p", "candour-search__excerpt")));
    // The sections the words are in (Setbacks, What we'd do differently...), each a link to its place.
    var sections = (data.sub_results || []).filter(function (sub) { return sub.url !== data.url && safe(sub.url); })
      .slice(0, 4);
    if (sections.length) {
      var where = text("p", "candour-search__sections", "Found in: ");
      sections.forEach(function (section, i) {
        if (i) where.appendChild(document.createTextNode(", "));
        var link = text("a", "", plain(section.title));
        link.href = safe(section.url);
        where.appendChild(link);
      });
      entry.appendChild(where);
    }
    return entry;
  }

  // The next results; `focus` (the reader asked for more) moves the keyboard to the first of them.
  function showMore(search, focus) {
    var next = found.slice(shown, shown + STEP);
    shown += next.length;
    more.hidden = true;
    return Promise.all(next.map(function (result) { return result.data(); })).then(function (pages) {
      if (search !== asked) return;
      var items = pages.map(item);
      items.forEach(function (entry) { list.appendChild(entry); });
      more.hidden = shown >= found.length;
      var first = focus && items[0] && items[0].querySelector("a");
      if (first) first.focus();
    });
  }

  function counts(module, words, values, answer, search) {
    // Each filter's options: how many results each would leave, given the words and the other filters.
    return Promise.all(Object.keys(selects).map(function (name) {
      if (!values[name]) return Promise.resolve([name, answer.filters[name] || {}]);
      return module.search(words || null, { filters: asFilters(values, name) }).then(function (other) {
        return [name, (other && other.filters[name]) || {}];
      });
    })).then(function (all) {
      if (search !== asked) return;  // a newer search has its own counts
      all.forEach(function (pair) {
        Array.prototype.forEach.call(selects[pair[0]].options, function (option) {
          if (!option.value) return;
          var n = pair[1][option.value] || 0;
          option.textContent = option.getAttribute("data-label") + " (" + n + ")";
          option.disabled = n === 0 && option.value !== selects[pair[0]].value;
        });
      });
    });
  }

  function run(how) {
    var words = box.value.trim();
    var values = choices();
    remember(words, values, how);
    var search = ++asked;
    empty.hidden = true;
    if (!words && !Object.keys(values).length) {
      list.textContent = "";
      more.hidden = true;
      status.textContent = "Type words to search every case's setbacks and lessons.";
      return Promise.resolve();
    }
    if (!list.children.length) status.textContent = "Searching…";
    return engine().then(function (module) {
      return module.search(words || null, { filters: asFilters(values) }).then(function (answer) {
        if (search !== asked || !answer) return;
        found = answer.results;
        shown = 0;
        list.textContent = "";
        var about = words ? " for “" + words + "”" : "";
        status.textContent = found.length ? found.length + plural(found.length) + about
          : "No results" + about + (Object.keys(values).length ? " with these filters" : "") + ".";
        empty.hidden = found.length > 0;
        return Promise.all([showMore(search), counts(module, words, values, answer, search)]);
      });
    }).catch(function () {
      if (search !== asked) return;
      status.textContent = "Search could not load.";
      empty.hidden = false;
    });
  }

  function loadFilters() {
    if (Object.keys(selects).length || panel.getAttribute("data-loading")) return Promise.resolve();
    panel.setAttribute("data-loading", "true");
    fields.textContent = "Loading the filters…";
    return engine().then(function (module) { return module.filters(); }).then(function (all) {
      fields.textContent = "";
      ORDER.filter(function (name) { return all[name] && Object.keys(all[name]).length; }).forEach(function (name) {
        var wrap = text("div", "candour-filter");
        var label = text("label", "", LABELS[name]);
        label.htmlFor = "search-filter-" + name;
        var select = text("select");
        select.id = label.htmlFor;
        select.name = name;
        var any = text("option", "", "Any");
        any.value = "";
        select.appendChild(any);
        var known = orders[name] || [];
        Object.keys(all[name]).sort(function (a, b) {
          var i = known.indexOf(a), j = known.indexOf(b);
          return (i < 0 ? known.length : i) - (j < 0 ? known.length : j) || a.localeCompare(b);
        }).forEach(function (value) {
          var option = text("option", "", value + " (" + all[name][value] + ")");
          option.value = value;
          option.setAttribute("data-label", value);
          select.appendChild(option);
        });
        if (chosen[name] && all[name][chosen[name]] !== undefined) select.value = chosen[name];
        select.addEventListener("change", function () { run("push"); });
        wrap.appendChild(label);
        wrap.appendChild(select);
        fields.appendChild(wrap);
        selects[name] = select;
      });
      return run("none");
    }).catch(function () {
      panel.removeAttribute("data-loading");
      fields.textContent = "The filters could not load.";
    });
  }

  var timer = null;
  box.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(function () { run("replace"); }, 250);
  });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    clearTimeout(timer);
    run("push");
  });
  more.addEventListener("click", function () { showMore(asked, true); });
  panel.addEventListener("toggle", function () { if (panel.open) loadFilters(); });

  // The search the address describes: on arrival, and on Back and Forward.
  function restore() {
    var params = new URLSearchParams(location.search);
    box.value = params.get("q") || "";
    chosen = {};
    ORDER.forEach(function (name) { if (params.get(name)) chosen[name] = params.get(name); });
    Object.keys(selects).forEach(function (name) { selects[name].value = chosen[name] || ""; });
    if (Object.keys(chosen).length && !panel.open) {
      panel.open = true;  // the address chooses a filter: show it, with the others (opening it searches)
    } else {
      run("none");
    }
  }

  window.addEventListener("popstate", restore);
  root.hidden = false;
  restore();
})();
