// On a phone the product filters wait behind a disclosure so the results come
// first; on a wide screen there is room beside the results, so open it.
// Without JavaScript it simply stays one click away.
(function () {
  "use strict";
  if (!window.matchMedia("(min-width: 48rem)").matches) {
    return;
  }
  document.querySelectorAll("details[data-open-wide]").forEach(function (details) {
    details.open = true;
  });
})();
