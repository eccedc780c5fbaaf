// The web inbox's script (served from /inbox/static/app.js). Standard DOM only
// (Chromium and Firefox alike): no framework, no network but this sandbox's own
// routes. Every page works without it; this adds local times, confirmations,
// in-place tabs, the live list and keyboard shortcuts.
"use strict";

// <time datetime="...Z"> shows UTC text; show the reader's local time instead.
function localiseTimes(root) {
  root.querySelectorAll("time[datetime]").forEach(function (node) {
    var moment = new Date(node.getAttribute("datetime"));
    if (isNaN(moment.getTime())) return;
    node.title = node.getAttribute("datetime");
    node.textContent = moment.toLocaleString(undefined, {
      year: "numeric", month: "short", day: "numeric",
      hour: "2-digit", minute: "2-digit", second: "2-digit", hour12: false
    });
  });
}

// A form (or its clicked button) with data-confirm asks first; yes sets confirmed=yes
// (without this script the server asks on a page of its own).
function confirmForms() {
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var button = event.submitter;
    var question = (button && button.getAttribute("data-confirm")) ||
      form.getAttribute("data-confirm");
    if (!question) return;
    if (!window.confirm(question)) { event.preventDefault(); return; }
    var field = form.querySelector('input[name="confirmed"]');
    if (field) field.value = "yes";
  });
}

function setQuery(name, value) {
  var address = new URL(window.location.href);
  address.searchParams.set(name, value);
  window.history.replaceState(null, "", address.toString());
}

// Message tabs: links without this script; here, panels switch in place, and the
// tab list is one stop for Tab with the arrow keys, Home and End moving inside it.
function setUpTabs() {
  var list = document.querySelector('[role="tablist"]');
  if (!list) return;
  var tabs = Array.prototype.slice.call(list.querySelectorAll('[role="tab"]'));
  function select(tab, focus) {
    tabs.forEach(function (other) {
      var on = other === tab;
      other.setAttribute("aria-selected", on ? "true" : "false");
      other.tabIndex = on ? 0 : -1;
      document.getElementById(other.getAttribute("aria-controls")).hidden = !on;
    });
    if (focus) tab.focus();
    setQuery("tab", tab.id.replace(/^tab-/, ""));
  }
  tabs.forEach(function (tab) {
    tab.tabIndex = tab.getAttribute("aria-selected") === "true" ? 0 : -1;
    tab.addEventListener("click", function (event) {
      event.preventDefault();
      select(tab, true);
    });
  });
  list.addEventListener("keydown", function (event) {
    var at = tabs.indexOf(document.activeElement);
    if (at < 0) return;
    var next = {ArrowRight: at + 1, ArrowLeft: at - 1, Home: 0, End: tabs.length - 1}[event.key];
    if (next === undefined) return;
    event.preventDefault();
    select(tabs[(next + tabs.length) % tabs.length], true);
  });
}

// The HTML tab's width switch (phone / tablet / desktop) without a reload.
function setUpWidths() {
  var frame = document.getElementById("html-frame");
  if (!frame) return;
  document.querySelectorAll(".widths a[data-width]").forEach(function (link) {
    link.addEventListener("click", function (event) {
      event.preventDefault();
      var width = link.getAttribute("data-width");
      frame.className = "frame-wrap width-" + width;
      document.querySelectorAll(".widths a").forEach(function (other) {
        if (other === link) other.setAttribute("aria-current", "true");
        else other.removeAttribute("aria-current");
      });
      setQuery("width", width);
    });
  });
}

// The list: "select all", and the live update over Server-Sent Events. On a change the
// list is fetched again and its #message-list swapped in: no reload, selection kept.
function setUpList() {
  var region = document.getElementById("message-list");
  if (!region) return;
  region.addEventListener("change", function (event) {
    if (event.target.id !== "select-all") return;
    region.querySelectorAll('tbody input[type="checkbox"]').forEach(function (box) {
      box.checked = event.target.checked;
    });
  });
  showSelectAll(region);
  var source = document.body.getAttribute("data-live");
  if (!source || !window.EventSource) return;
  var pending = null;
  var events = new EventSource(source);
  events.addEventListener("open", function () { document.body.setAttribute("data-live-state", "open"); });
  events.addEventListener("error", function () { document.body.setAttribute("data-live-state", "retrying"); });
  events.addEventListener("change", function () {
    if (pending) window.clearTimeout(pending);
    pending = window.setTimeout(function () { pending = null; refreshList(region); }, 100);
  });
  window.addEventListener("pagehide", function () { events.close(); });
}

function showSelectAll(region) {
  var all = region.querySelector("#select-all");
  if (all) all.hidden = false;
}

function refreshList(region) {
  var chosen = {};
  region.querySelectorAll('tbody input[type="checkbox"]:checked').forEach(function (box) {
    chosen[box.value] = true;
  });
  var focusedRow = document.activeElement && document.activeElement.closest
    ? document.activeElement.closest("tr[id]") : null;
  var focusedId = focusedRow ? focusedRow.id : null;
  fetch(window.location.href, {credentials: "same-origin", headers: {Accept: "text/html"}})
    .then(function (answer) { return answer.ok ? answer.text() : Promise.reject(answer.status); })
    .then(function (html) {
      var fresh = new DOMParser().parseFromString(html, "text/html").getElementById("message-list");
      if (!fresh) return;
      region.innerHTML = fresh.innerHTML;
      region.querySelectorAll('tbody input[type="checkbox"]').forEach(function (box) {
        box.checked = Boolean(chosen[box.value]);
      });
      showSelectAll(region);
      localiseTimes(region);
      if (focusedId) {
        var link = document.querySelector("#" + CSS.escape(focusedId) + " td.subject a");
        if (link) link.focus();
      }
      document.body.setAttribute("data-refreshed", String(Date.now()));
    })
    .catch(function () { /* the next change event tries again */ });
}

// Keyboard: "/" focuses the search box, j / k move between messages in the list.
function setUpKeys() {
  document.addEventListener("keydown", function (event) {
    var target = event.target;
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    if (target && (target.isContentEditable || /^(INPUT|SELECT|TEXTAREA)$/.test(target.tagName))) return;
    if (event.key === "/") {
      var search = document.getElementById("q");
      if (search) { event.preventDefault(); search.focus(); }
      return;
    }
    if (event.key !== "j" && event.key !== "k") return;
    var links = Array.prototype.slice.call(document.querySelectorAll("table.messages td.subject a"));
    if (!links.length) return;
    var at = links.indexOf(document.activeElement);
    var next = event.key === "j" ? at + 1 : at - 1;
    if (at < 0) next = 0;
    links[Math.max(0, Math.min(links.length - 1, next))].focus();
    event.preventDefault();
  });
}

document.addEventListener("DOMContentLoaded", function () {
  localiseTimes(document);
  confirmForms();
  setUpTabs();
  setUpWidths();
  setUpList();
  setUpKeys();
});
