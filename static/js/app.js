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
    if (event.detail) dropEmptyParams(event.detail);
  });

  // GET requests (and the URLs htmx pushes for them) leave out empty fields:
  // `/developers?level=L2`, not `?q=&level=L2&years=&tz=`.
  function dropEmptyParams(detail) {
    var data = detail.formData;
    if (detail.verb !== "get" || !data || typeof data.forEach !== "function") return;
    var kept = [];
    var keys = [];
    data.forEach(function (value, key) {
      if (keys.indexOf(key) < 0) keys.push(key);
      if (value !== "") kept.push([key, value]);
    });
    if (kept.length === keys.length && keys.every(function (k) { return data.getAll(k).indexOf("") < 0; })) return;
    keys.forEach(function (key) { data["delete"](key); });
    kept.forEach(function (pair) { data.append(pair[0], pair[1]); });
  }

  // The catalog's skill list: a search box that narrows it (opening "More skills").
  function filterSkills(input) {
    var list = input.closest("[data-skill-list]");
    if (!list) return;
    var query = input.value.trim().toLowerCase();
    var shown = 0;
    Array.prototype.forEach.call(list.querySelectorAll("[data-skill]"), function (label) {
      var match = !query || label.getAttribute("data-skill").toLowerCase().indexOf(query) >= 0;
      label.hidden = !match;
      if (match) shown += 1;
    });
    var more = list.querySelector("[data-skill-more]");
    if (more) {
      if (query) {
        if (!more.hasAttribute("data-was-open")) more.setAttribute("data-was-open", more.open ? "1" : "");
        more.open = true;
      } else if (more.hasAttribute("data-was-open")) {
        more.open = more.getAttribute("data-was-open") === "1";
        more.removeAttribute("data-was-open");
      }
    }
    var none = list.querySelector("[data-skill-none]");
    if (none) none.hidden = shown > 0;
  }

  function isSkillFilter(target) {
    return target && target.matches && target.matches("[data-skill-filter]");
  }

  document.addEventListener("input", function (event) {
    if (isSkillFilter(event.target)) filterSkills(event.target);
  });
  // Typing in the skill box is not a filter change: keep it from the form's htmx trigger,
  // and Enter there does not submit.
  document.addEventListener("change", function (event) {
    if (isSkillFilter(event.target)) event.stopPropagation();
  }, true);
  document.addEventListener("keydown", function (event) {
    if (isSkillFilter(event.target) && event.key === "Enter") event.preventDefault();
  });

  function showSkillSearch() {
    Array.prototype.forEach.call(document.querySelectorAll(".facet-search[hidden]"), function (box) {
      box.hidden = false;
    });
  }
  document.addEventListener("htmx:historyRestore", showSkillSearch);

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

  function ready() {
    defaultTimeZones();
    showSkillSearch();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", ready);
  } else {
    ready();
  }
})();
