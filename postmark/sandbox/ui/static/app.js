// The web inbox's script (served from /inbox/static/app.js). Standard DOM only:
// no framework, no network but this sandbox's own routes. Every page works without it.
"use strict";

// <time datetime="...Z"> shows UTC text; show the reader's local time instead.
function localiseTimes(root) {
  root.querySelectorAll("time[datetime]").forEach(function (node) {
    var moment = new Date(node.getAttribute("datetime"));
    if (isNaN(moment.getTime())) return;
    node.title = node.textContent;
    node.textContent = moment.toLocaleString(undefined, {
      year: "numeric", month: "short", day: "numeric",
      hour: "2-digit", minute: "2-digit", second: "2-digit"
    });
  });
}

// Forms with data-confirm ask first; a yes sets confirmed=yes (without it the server asks).
function confirmForms(root) {
  root.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form.getAttribute("data-confirm");
    if (!question) return;
    if (!window.confirm(question)) { event.preventDefault(); return; }
    var field = form.querySelector('input[name="confirmed"]');
    if (field) field.value = "yes";
  });
}

document.addEventListener("DOMContentLoaded", function () {
  localiseTimes(document);
  confirmForms(document);
});
