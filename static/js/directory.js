/* The directory: on narrow screens the filters start folded, so the results
 * come first. */
(function () {
  "use strict";
  var filters = document.getElementById("filters-details");
  if (filters && window.matchMedia("(max-width: 991.98px)").matches) {
    filters.removeAttribute("open");
  }
})();
