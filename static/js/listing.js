/* Listing page (/products): small enhancements; the page works without this file. */
(function () {
  "use strict";

  var narrow = window.matchMedia("(max-width: 991.98px)");
  var filtersOpen = !narrow.matches;  // phones start with the filters folded away

  function filters() {
    return document.querySelector("details.listing-filters");
  }

  function applyOpenState() {
    var details = filters();
    if (details) { details.open = filtersOpen || !narrow.matches; }
  }

  /* Remember whether the shopper opened the filters, and keep it when htmx re-renders them.
     (A click on the summary, keyboard included, comes before the details toggles.) */
  document.addEventListener("click", function (event) {
    var summary = event.target.closest && event.target.closest("summary.listing-filters-toggle");
    if (summary) { filtersOpen = !summary.parentElement.open; }
  });
  /* Say the new result count once the results are swapped in (the count itself is replaced,
     so it cannot be the live region). */
  function announceCount() {
    var count = document.getElementById("listing-count");
    var status = document.getElementById("listing-status");
    if (count && status) { status.textContent = count.textContent.trim(); }
  }

  document.body.addEventListener("htmx:afterSettle", function () {
    applyOpenState();
    announceCount();
  });
  applyOpenState();

  /* Drop empty fields (blank price boxes, "Any rating") so pushed URLs stay clean. */
  document.body.addEventListener("htmx:configRequest", function (event) {
    if (!event.detail.elt.closest || !event.detail.elt.closest("[data-listing]")) { return; }
    var params = event.detail.parameters;
    Object.keys(params).forEach(function (name) {
      if (params[name] === "") { delete params[name]; }
    });
  });
})();
