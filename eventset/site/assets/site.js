// Document pages: show what a highlighted passage supports on hover or keyboard focus, and
// mark the mention a link points at (#<mention id>). No library, nothing from the network.
(function () {
  "use strict";
  var data = document.getElementById("mention-data");
  var popup = document.getElementById("mention-popup");
  if (!data || !popup) { return; }
  var mentions = JSON.parse(data.textContent);
  var hideTimer = null;

  function text(tag, value, cls) {
    var node = document.createElement(tag);
    node.textContent = value;
    if (cls) { node.className = cls; }
    return node;
  }

  function show(mark) {
    clearTimeout(hideTimer);
    var ids = (mark.getAttribute("data-mention-id") || "").split(" ");
    var list = document.createElement("ul");
    ids.forEach(function (id) {
      var m = mentions[id];
      if (!m) { return; }
      var item = document.createElement("li");
      item.appendChild(text("span", m.category + ": ", "cat"));
      item.appendChild(document.createTextNode(m.aspect + " of "));
      var link = text("a", m.label);
      link.href = m.href;
      item.appendChild(link);
      if (m.actor) {
        item.appendChild(document.createTextNode(" (actor: "));
        var actor = text("a", m.actor);
        actor.href = m.actor_href;
        item.appendChild(actor);
        item.appendChild(document.createTextNode(")"));
      }
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
    if (!mentions[id]) { return; }
    Array.prototype.forEach.call(marks, function (mark) {
      if ((mark.getAttribute("data-mention-id") || "").split(" ").indexOf(id) >= 0) {
        mark.classList.add("current");
      }
    });
  }
  window.addEventListener("hashchange", markTarget);
  markTarget();
})();
