/* /search/: Pagefind's UI, started with the words typed in the header box (?q=...). */
(function () {
  "use strict";
  var element = document.getElementById("candour-search");
  if (!element || typeof PagefindUI === "undefined") return;
  var ui = new PagefindUI({
    element: "#candour-search",
    bundlePath: element.getAttribute("data-bundle"),
    showSubResults: true,
    showImages: false,
    resetStyles: false,
    autofocus: true,
    excerptLength: 45,
    translations: { placeholder: "Search setbacks and lessons" }
  });
  // Pagefind lists its filters by name; show them in the finder's order (/cases/), as the finder's
  // labels. Only the style's order changes: the UI keeps its own elements where it put them.
  var ORDER = ["region", "service", "theme", "partner", "status"];
  var LABELS = { partner: "Organisations involved" };
  var values = JSON.parse(element.getAttribute("data-orders") || "{}");  // each filter's values, as /cases/ orders them
  new MutationObserver(function () {
    Array.prototype.forEach.call(element.querySelectorAll(".pagefind-ui__filter-block"), function (block) {
      var name = block.querySelector(".pagefind-ui__filter-name");
      if (!name) return;
      var key = (name.getAttribute("data-candour-key") || name.textContent).trim().toLowerCase();
      name.setAttribute("data-candour-key", key);
      if (LABELS[key] && name.textContent !== LABELS[key]) name.textContent = LABELS[key];
      block.style.order = String(ORDER.indexOf(key) + 1);
      Array.prototype.forEach.call(block.querySelectorAll(".pagefind-ui__filter-value"), function (value) {
        var input = value.querySelector("input");
        var at = input && values[key] ? values[key].indexOf(input.value) : -1;
        if (at >= 0 && value.style.order !== String(at + 1)) value.style.order = String(at + 1);
      });
    });
  }).observe(element, { childList: true, subtree: true });
  var query = new URLSearchParams(location.search).get("q");
  if (!query) return;
  // Load the filters before the first search: searched at once, the UI sometimes showed only the
  // filters that had loaded by then (1 page load in 20). The UI imports the same module, so it
  // finds them loaded.
  import(element.getAttribute("data-bundle") + "pagefind.js")
    .then(function (pagefind) { return pagefind.filters(); })
    .catch(function () { return null; })
    .then(function () { ui.triggerSearch(query); });
})();
