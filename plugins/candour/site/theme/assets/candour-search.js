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
    translations: { placeholder: "Search setbacks and lessons" }
  });
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
