// Sortable tables: the headings of a table with class "sortable" become buttons that sort
// its rows by that column (a cell's data-sort value, else its text; numbers as numbers). A
// first press sorts ascending, the next descending; ties keep the page's order.
(function () {
  "use strict";
  function value(row, column) {
    var td = row.cells[column];
    if (!td) { return ""; }
    var text = td.hasAttribute("data-sort") ? td.getAttribute("data-sort") : td.textContent.trim();
    var number = text.replace(/,/g, "");
    return /^-?\d+(\.\d+)?$/.test(number) ? Number(number) : text.toLowerCase();
  }
  Array.prototype.forEach.call(document.querySelectorAll("table.sortable"), function (table) {
    var headings = table.tHead ? table.tHead.rows[0].cells : [];
    Array.prototype.forEach.call(headings, function (th, column) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "sort";
      button.textContent = th.textContent;
      th.setAttribute("aria-sort", "none");
      button.addEventListener("click", function () {
        var direction = th.getAttribute("aria-sort") === "ascending" ? -1 : 1;
        Array.prototype.forEach.call(headings, function (other) {
          other.setAttribute("aria-sort", "none");
        });
        th.setAttribute("aria-sort", direction === 1 ? "ascending" : "descending");
        var body = table.tBodies[0];
        var rows = Array.prototype.map.call(body.rows, function (row, i) {
          return [value(row, column), i, row];
        });
        rows.sort(function (a, b) {
          if (typeof a[0] !== typeof b[0]) { return (typeof a[0] === "number" ? -1 : 1) * direction; }
          if (a[0] < b[0]) { return -direction; }
          if (a[0] > b[0]) { return direction; }
          return a[1] - b[1];
        });
        var fragment = document.createDocumentFragment();
        rows.forEach(function (item) { fragment.appendChild(item[2]); });
        body.appendChild(fragment);
      });
      th.replaceChildren(button);
    });
  });
})();

// Document pages: show what a highlighted passage supports on hover or keyboard focus, and
// mark the mention a link points at (#<mention id>). No library, nothing from the network.
(function () {
  "use strict";
  // What each mention supports is in the page's table of mentions (row id "about-<id>"):
  // the popup shows a copy of that row, so the page carries the facts once.
  var popup = document.getElementById("mention-popup");
  if (!popup) { return; }
  var hideTimer = null;

  function about(id) {
    return id ? document.getElementById("about-" + id) : null;
  }

  function show(mark) {
    clearTimeout(hideTimer);
    var ids = (mark.getAttribute("data-mention-id") || "").split(" ");
    var list = document.createElement("ul");
    ids.forEach(function (id) {
      var row = about(id);
      if (!row) { return; }
      var item = document.createElement("li");
      var category = document.createElement("span");
      category.className = "cat";
      category.textContent = row.cells[1].textContent + ": ";
      item.appendChild(category);
      Array.prototype.forEach.call(row.cells[2].childNodes, function (node) {
        item.appendChild(node.cloneNode(true));
      });
      list.appendChild(item);
    });
    popup.replaceChildren(list);
    popup.hidden = false;
    var box = mark.getBoundingClientRect();
    var left = Math.max(8, Math.min(box.left + window.scrollX, window.scrollX + document.documentElement.clientWidth - popup.offsetWidth - 8));
    popup.style.left = left + "px";
    popup.style.top = (box.bottom + window.scrollY + 6) + "px";
  }

  function hideSoon() {
    clearTimeout(hideTimer);
    hideTimer = setTimeout(function () {
      if (!popup.contains(document.activeElement)) { popup.hidden = true; }
    }, 400);
  }

  var marks = document.querySelectorAll("mark[data-mention-id]");
  Array.prototype.forEach.call(marks, function (mark) {
    mark.addEventListener("mouseenter", function () { show(mark); });
    mark.addEventListener("mouseleave", hideSoon);
    mark.addEventListener("focus", function () { show(mark); });
    mark.addEventListener("blur", hideSoon);
    mark.addEventListener("keydown", function (event) {
      if (event.key === "Enter") {
        var first = popup.querySelector("a");
        if (first) { event.preventDefault(); first.focus(); }
      } else if (event.key === "Escape") {
        popup.hidden = true;
      }
    });
  });
  popup.addEventListener("mouseenter", function () { clearTimeout(hideTimer); });
  popup.addEventListener("mouseleave", hideSoon);
  popup.addEventListener("focusout", hideSoon);
  popup.addEventListener("keydown", function (event) {
    if (event.key === "Escape") { popup.hidden = true; }
  });

  function markTarget() {
    Array.prototype.forEach.call(document.querySelectorAll("mark.current"), function (m) {
      m.classList.remove("current");
    });
    var id = decodeURIComponent(location.hash.slice(1));
    if (!about(id)) { return; }
    Array.prototype.forEach.call(marks, function (mark) {
      if ((mark.getAttribute("data-mention-id") || "").split(" ").indexOf(id) >= 0) {
        mark.classList.add("current");
      }
    });
  }
  window.addEventListener("hashchange", markTarget);
  markTarget();
})();
