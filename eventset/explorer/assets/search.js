// The search page: every word of the query (case and accents ignored) must occur in an entry's
// label or its other words. Entries come from data/search-N.js, loaded before this script:
// [kind, label, link from the site root, other words]. The query is kept in the address (?q=)
// so the search box in every page's header can send a reader here.
(function () {
  "use strict";
  var entries = window.EVENTSET_SEARCH || [];
  var form = document.getElementById("search");
  var input = document.getElementById("q");
  var list = document.getElementById("results");
  var status = document.getElementById("search-status");
  var more = document.getElementById("search-more");
  var PAGE = 50;
  var KINDS = { actor: "Actor", event: "Event", claim: "Claim" };
  var ORDER = { actor: 0, event: 1, claim: 2 };
  var shown = PAGE;
  var matches = [];

  function fold(text) {
    return text.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }
  var folded = entries.map(function (e) { return fold(e[1] + " \u0001 " + e[3]); });

  function render() {
    var fragment = document.createDocumentFragment();
    matches.slice(0, shown).forEach(function (i) {
      var e = entries[i];
      var li = document.createElement("li");
      li.className = "result kind-" + e[0];
      var badge = document.createElement("span");
      badge.className = "badge";
      badge.textContent = KINDS[e[0]] || e[0];
      var a = document.createElement("a");
      a.href = e[2];
      a.textContent = e[1];
      a.dir = "auto";
      var more = document.createElement("span");
      more.className = "note";
      more.textContent = e[3];
      more.dir = "auto";
      li.append(badge, " ", a, " ", more);
      fragment.appendChild(li);
    });
    list.replaceChildren(fragment);
    more.hidden = shown >= matches.length;
  }

  function search(updateAddress) {
    var query = input.value;
    var words = fold(query).split(/\s+/).filter(Boolean);
    matches = [];
    if (words.length) {
      folded.forEach(function (text, i) {
        if (words.every(function (w) { return text.indexOf(w) >= 0; })) { matches.push(i); }
      });
      // Actors first, then events, then claims; within a kind, the release's order.
      matches.sort(function (a, b) {
        return (ORDER[entries[a][0]] - ORDER[entries[b][0]]) || (a - b);
      });
    }
    shown = PAGE;
    render();
    status.textContent = words.length
      ? matches.length + " of " + entries.length + " entries match."
      : entries.length + " entries to search.";
    if (updateAddress && window.history && history.replaceState) {
      try {
        history.replaceState(null, "", location.pathname + (query ? "?q=" + encodeURIComponent(query) : ""));
      } catch (err) {
        // Some browsers refuse history changes on file:// pages; the search still works.
      }
    }
  }

  input.value = new URLSearchParams(location.search).get("q") || "";
  form.addEventListener("submit", function (event) { event.preventDefault(); search(true); });
  input.addEventListener("input", function () { search(true); });
  more.addEventListener("click", function () { shown += PAGE; render(); });
  search(false);
})();
