// Keeps the page live without reloading it: every few seconds the same address is fetched
// again and its <main> and <header> put in place of the shown ones. The server renders every
// page (autoescaped); this only swaps it in. Without JavaScript, <noscript> reloads the page.
"use strict";
(function () {
  var every = 5000;
  function swap(fresh, selector) {
    var shown = document.querySelector(selector);
    var next = fresh.querySelector(selector);
    if (shown && next) {
      shown.replaceWith(document.importNode(next, true));
    }
  }
  function refresh() {
    fetch(window.location.href, { credentials: "same-origin", cache: "no-store" })
      .then(function (answer) {
        if (!answer.ok) { throw new Error(String(answer.status)); }
        return answer.text();
      })
      .then(function (text) {
        var fresh = new DOMParser().parseFromString(text, "text/html");
        swap(fresh, "header");
        swap(fresh, "main");
        swap(fresh, "footer");
        document.documentElement.dataset.live = "ok";
      })
      .catch(function () {
        document.documentElement.dataset.live = "unreachable";
      })
      .finally(function () {
        window.setTimeout(refresh, every);
      });
  }
  window.setTimeout(refresh, every);
})();
