// lighthouse-docs serve: reload this page when the preview server reports a change.
(function () {
  "use strict";
  var shown = document.documentElement.getAttribute("data-generation") || "0";
  var key = "lh-scroll:" + location.pathname + location.search;
  var saved = sessionStorage.getItem(key);
  if (saved !== null) {
    sessionStorage.removeItem(key);
    window.scrollTo(0, parseInt(saved, 10) || 0);
  }
  var events = new EventSource("/_lh/events?since=" + encodeURIComponent(shown));
  events.onmessage = function (event) {
    if (event.data !== shown) {
      events.close();
      sessionStorage.setItem(key, String(window.scrollY));
      location.reload();
    }
  };
})();
