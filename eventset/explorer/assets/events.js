// The events list: filters and sorting over the data files loaded before this script
// (data/events-N.js, data/actors.js). Each row: [id, type, date_start, date_end, country,
// place, certainty, summary, [actor indexes]]; each actor: [id, name, [aliases]]. Filters and the
// sort are kept in the address (?type=...&month=...&actor=...&sort=-date) so a filtered list can
// be linked to, as actor pages and the overview's timeline do.
(function () {
  "use strict";
  var rows = window.EVENTSET_EVENTS || [];
  var actors = window.EVENTSET_ACTORS || [];
  var form = document.getElementById("filters");
  var table = document.getElementById("event-list");
  var body = table.querySelector("tbody");
  var status = document.getElementById("status");
  var more = document.getElementById("more");
  var PAGE = 100;
  var shown = PAGE;
  var matches = rows;
  var fields = ["q", "type", "country", "month", "from", "to", "actor", "certainty"];
  var sort = "";  // a key of SORT_KEYS, "-" in front for descending; "" keeps the data's order

  // What a date sorts by is what is known of it: the start, or the end of an open start.
  function known(r) { return r[2] || r[3]; }
  var SORT_KEYS = {
    date: function (r) { return known(r) || "~"; },
    type: function (r) { return r[1]; },
    place: function (r) { return (r[5] + " " + r[4]).toLowerCase(); },
    summary: function (r) { return r[7].toLowerCase(); },
    certainty: function (r) { return r[6]; }
  };

  function fold(text) {
    return text.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }

  var names = document.getElementById("actor-names");
  actors.forEach(function (a) {
    var option = document.createElement("option");
    option.value = a[1];
    names.appendChild(option);
  });

  // An actor matches by id, or by a part of its name or of any of its aliases ("Washington"
  // finds the United States).
  function actorIndexes(query) {
    var q = fold(query.trim());
    if (!q) { return null; }
    var found = {};
    actors.forEach(function (a, i) {
      if (a[0] === q || fold(a[1]).indexOf(q) >= 0 ||
          (a[2] || []).some(function (alias) { return fold(alias).indexOf(q) >= 0; })) {
        found[i] = true;
      }
    });
    return found;
  }

  function dateText(start, end) {
    if (!start && !end) { return "undated"; }
    if (!start) { return "until " + end; }
    if (!end) { return "from " + start; }
    return start === end ? start : start + " – " + end;
  }

  function cell(row, label, value, href) {
    var td = document.createElement("td");
    td.setAttribute("data-label", label);
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
      cell(tr, "Date", dateText(r[2], r[3]));
      cell(tr, "Type", r[1]);
      cell(tr, "Place", r[5] + (r[4] ? " (" + r[4] + ")" : ""));
      cell(tr, "Event", r[7], r[0] + ".html");
      cell(tr, "Certainty", r[6]);
      fragment.appendChild(tr);
    });
    body.replaceChildren(fragment);
    var listed = Math.min(shown, matches.length);
    status.textContent = matches.length + " of " + rows.length + " events match" +
      (matches.length ? "; " + listed + " listed." : ".");
    more.hidden = listed >= matches.length;
    Array.prototype.forEach.call(table.querySelectorAll("th[data-key]"), function (th) {
      var key = th.getAttribute("data-key");
      th.setAttribute("aria-sort", sort === key ? "ascending" :
        sort === "-" + key ? "descending" : "none");
    });
  }

  function ordered(list) {
    var key = sort.replace(/^-/, "");
    if (!SORT_KEYS[key]) { return list; }
    var value = SORT_KEYS[key];
    var direction = sort.charAt(0) === "-" ? -1 : 1;
    // Ties keep the data's order (by date, then id): the sort is stable.
    return list.map(function (r, i) { return [value(r), i, r]; }).sort(function (a, b) {
      if (a[0] < b[0]) { return -direction; }
      if (a[0] > b[0]) { return direction; }
      return a[1] - b[1];
    }).map(function (item) { return item[2]; });
  }

  function apply(updateAddress) {
    var f = {};
    fields.forEach(function (name) { f[name] = form.elements[name].value; });
    var wanted = actorIndexes(f.actor);
    var words = fold(f.q).split(/\s+/).filter(Boolean);
    matches = ordered(rows.filter(function (r) {
      if (f.type && r[1] !== f.type) { return false; }
      if (f.country && r[4] !== f.country) { return false; }
      if (f.certainty && r[6] !== f.certainty) { return false; }
      // A month is the one the timeline counts the event in: its first known day.
      if (f.month && (known(r) || "").slice(0, 7) !== f.month) { return false; }
      // Date range: keep an event whose possible days overlap the range (open ends match).
      if (f.from && r[3] && r[3] < f.from) { return false; }
      if (f.to && r[2] && r[2] > f.to) { return false; }
      if (wanted && !r[8].some(function (i) { return wanted[i]; })) { return false; }
      if (words.length) {
        var text = fold(r[7]);
        if (!words.every(function (w) { return text.indexOf(w) >= 0; })) { return false; }
      }
      return true;
    }));
    shown = PAGE;
    render();
    if (updateAddress && window.history && history.replaceState) {
      var params = new URLSearchParams();
      fields.forEach(function (name) { if (f[name]) { params.set(name, f[name]); } });
      if (sort) { params.set("sort", sort); }
      var query = params.toString();
      try {
        history.replaceState(null, "", location.pathname + (query ? "?" + query : ""));
      } catch (err) {
        // Some browsers refuse history changes on file:// pages; the filters still work.
      }
    }
  }

  // Each column heading becomes a button: a first press sorts ascending, the next descending.
  Array.prototype.forEach.call(table.querySelectorAll("th[data-key]"), function (th) {
    var key = th.getAttribute("data-key");
    var button = document.createElement("button");
    button.type = "button";
    button.className = "sort";
    button.textContent = th.textContent;
    button.addEventListener("click", function () {
      sort = sort === key ? "-" + key : key;
      apply(true);
    });
    th.replaceChildren(button);
  });

  var initial = new URLSearchParams(location.search);
  fields.forEach(function (name) {
    if (initial.has(name)) { form.elements[name].value = initial.get(name); }
  });
  var asked = (initial.get("sort") || "").replace(/^-/, "");
  if (SORT_KEYS[asked]) { sort = initial.get("sort"); }
  form.addEventListener("input", function () { apply(true); });
  form.addEventListener("change", function () { apply(true); });
  form.addEventListener("submit", function (event) { event.preventDefault(); apply(true); });
  form.addEventListener("reset", function () { setTimeout(function () { apply(true); }, 0); });
  more.addEventListener("click", function () { shown += PAGE; render(); });
  apply(false);
})();
