/* Ladder — small progressive enhancements. No inline scripts (CSP). Plain ES2017. */
(function () {
  "use strict";

  function csrfToken() {
    var meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute("content") : null;
  }

  // Every htmx request carries the CSRF token as a header, so hx-post/hx-delete
  // work without a hidden field in the triggering element.
  document.addEventListener("htmx:configRequest", function (event) {
    var token = csrfToken();
    if (token && event.detail && event.detail.headers) {
      event.detail.headers["X-CSRF-Token"] = token;
    }
  });

  // Time-zone selects start on the browser's own zone when nothing is chosen yet.
  function defaultTimeZones() {
    var zone;
    try {
      zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    } catch (e) {
      return;
    }
    var selects = document.querySelectorAll("select[data-default-timezone]");
    Array.prototype.forEach.call(selects, function (select) {
      if (select.value) return;
      var option = Array.prototype.find.call(select.options, function (o) { return o.value === zone; });
      if (option) select.value = zone;
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", defaultTimeZones);
  } else {
    defaultTimeZones();
  }
})();
