/* Filters on /cases/: combine region, service, theme, partner and status without a reload.
   The choice is kept in the URL (?region=london&theme=funding) so a filtered list can be shared.
   Without JavaScript the form stays hidden and the whole list shows. */
(function () {
  "use strict";
  var form = document.getElementById("candour-filters");
  var list = document.getElementById("candour-cases");
  if (!form || !list) return;
  var items = Array.prototype.slice.call(list.children);
  var count = document.getElementById("candour-count");
  var empty = document.getElementById("candour-empty");
  var selects = Array.prototype.slice.call(form.querySelectorAll("select"));
  var total = items.length;

  function plural(n) { return n === 1 ? " case" : " cases"; }

  function apply(updateUrl) {
    var wanted = {};
    selects.forEach(function (s) { if (s.value) wanted[s.name] = s.value; });
    var keys = Object.keys(wanted);
    var shown = 0;
    items.forEach(function (li) {
      var ok = keys.every(function (k) {
        return (" " + (li.getAttribute("data-" + k) || "") + " ").indexOf(" " + wanted[k] + " ") !== -1;
      });
      li.hidden = !ok;
      if (ok) shown += 1;
    });
    count.textContent = keys.length ? shown + " of " + total + plural(total) : total + plural(total);
    empty.hidden = shown !== 0;
    if (updateUrl) {
      var query = new URLSearchParams(wanted).toString();
      history.replaceState(null, "", query ? "?" + query : location.pathname);
    }
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
  apply(false);
})();
