// The events list: filters over the data files loaded before this script (data/events-N.js,
// data/actors.js). Each row: [id, type, date_start, date_end, country, place, certainty,
// summary, [actor indexes]]. Filters are kept in the address (?type=...&actor=...) so a
// filtered list can be linked to, as actor pages do.
(function () {
  "use strict";
  var rows = window.EVENTSET_EVENTS || [];
  var actors = window.EVENTSET_ACTORS || [];
  var form = document.getElementById("filters");
  var body = document.querySelector("#event-list tbody");
  var status = document.getElementById("status");
  var more = document.getElementById("more");
  var PAGE = 100;
  var shown = PAGE;
  var matches = rows;
  var fields = ["type", "country", "from", "to", "actor", "certainty"];

  var names = document.getElementById("actor-names");
  actors.forEach(function (a) {
    var option = document.createElement("option");
    option.value = a[1];
    names.appendChild(option);
  });

  function actorIndexes(query) {
    var q = query.trim().toLowerCase();
    if (!q) { return null; }
    var found = {};
    actors.forEach(function (a, i) {
      if (a[0] === q || a[1].toLowerCase().indexOf(q) >= 0) { found[i] = true; }
    });
    return found;
  }

  function cell(row, value, href) {
    var td = document.createElement("td");
    if (href) {
      var a = document.createElement("a");
      a.href = href;
      a.textContent = value;
      td.appendChild(a);
    } else {
      td.textContent = value;
    }
    row.appendChild(td);
  }

  function render() {
    var fragment = document.createDocumentFragment();
    matches.slice(0, shown).forEach(function (r) {
      var tr = document.createElement("tr");
      cell(tr, r[2] + (r[3] && r[3] !== r[2] ? " – " + r[3] : ""));
      cell(tr, r[1]);
      cell(tr, r[5] + (r[4] ? " (" + r[4] + ")" : ""));
      cell(tr, r[7], r[0] + ".html");
      cell(tr, r[6]);
      fragment.appendChild(tr);
    });
    body.replaceChildren(fragment);
    var listed = Math.min(shown, matches.length);
    status.textContent = matches.length + " of " + rows.length + " events match" +
      (matches.length ? "; " + listed + " listed." : ".");
    more.hidden = listed >= matches.length;
  }

  function apply(updateAddress) {
    var f = {};
    fields.forEach(function (name) { f[name] = form.elements[name].value; });
    var wanted = actorIndexes(f.actor);
    matches = rows.filter(function (r) {
      if (f.type && r[1] !== f.type) { return false; }
      if (f.country && r[4] !== f.country) { return false; }
      if (f.certainty && r[6] !== f.certainty) { return false; }
      // Date range: keep an event whose possible days overlap the range (open ends match).
      if (f.from && r[3] && r[3] < f.from) { return false; }
      if (f.to && r[2] && r[2] > f.to) { return false; }
      if (wanted && !r[8].some(function (i) { return wanted[i]; })) { return false; }
      return true;
    });
    shown = PAGE;
    render();
    if (updateAddress && window.history && history.replaceState) {
      var params = new URLSearchParams();
      fields.forEach(function (name) { if (f[name]) { params.set(name, f[name]); } });
      var query = params.toString();
      try {
        history.replaceState(null, "", location.pathname + (query ? "?" + query : ""));
      } catch (err) {
        // Some browsers refuse history changes on file:// pages; the filters still work.
      }
    }
  }

  var initial = new URLSearchParams(location.search);
  fields.forEach(function (name) {
    if (initial.has(name)) { form.elements[name].value = initial.get(name); }
  });
  form.addEventListener("input", function () { apply(true); });
  form.addEventListener("change", function () { apply(true); });
  form.addEventListener("submit", function (event) { event.preventDefault(); apply(true); });
  form.addEventListener("reset", function () { setTimeout(function () { apply(true); }, 0); });
  more.addEventListener("click", function () { shown += PAGE; render(); });
  apply(false);
})();
