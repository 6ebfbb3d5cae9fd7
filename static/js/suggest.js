// Suggestions as you type: fills the search box's <datalist> from a small JSON
// endpoint. Without JavaScript the form works the same, just without hints.
(function () {
  "use strict";
  var DELAY_MS = 150;
  document.querySelectorAll("input[data-suggest-url]").forEach(function (input) {
    var list = document.getElementById(input.getAttribute("list"));
    var timer = null;
    var latest = 0;
    if (!list || !window.fetch) return;
    input.addEventListener("input", function () {
      clearTimeout(timer);
      var value = input.value.trim();
      if (value.length < 2) return;
      timer = setTimeout(function () {
        var ticket = ++latest;
        fetch(input.dataset.suggestUrl + "?q=" + encodeURIComponent(value), {headers: {Accept: "application/json"}})
          .then(function (response) { return response.ok ? response.json() : {suggestions: []}; })
          .then(function (data) {
            if (ticket !== latest) return;  // a newer request is on its way
            list.replaceChildren.apply(list, data.suggestions.map(function (item) {
              var option = document.createElement("option");
              option.value = item.label;
              option.label = item.label === item.name ? item.kind : item.name;
              return option;
            }));
          })
          .catch(function () {});
      }, DELAY_MS);
    });
  });
})();
