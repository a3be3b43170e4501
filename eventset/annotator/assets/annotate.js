// eventset annotate: the page. Plain JS, no build step. The server owns the files; this page
// sends actions with the version it saw and redraws from the state the server answers with.
// Offsets are Unicode code points, as in the annotation format and the mentions table.
"use strict";

const TOKEN = document.querySelector('meta[name="annotate-token"]').content;
const $ = (id) => document.getElementById(id);
const textBox = $("doc-text");
let state = null;
let vocab = null;
let text = "";          // the document text (code units); `cps` maps code units to code points
let cps = [];
let selection = null;   // {start, end} in code points
let current = null;     // {item: "event" | "claim", id}
let proposal = null;    // mention id of the selected proposal
let tokens = [];        // [start, end) of every word and punctuation mark, in code points
let checkTimer = null;
let shown = [];         // mention ids whose words are shown

// ---- server ---------------------------------------------------------------------------------

async function call(method, path, body) {
  const options = { method, headers: { "X-Annotate-Token": TOKEN } };
  if (body !== undefined) {
    options.headers["Content-Type"] = "application/json";
    options.body = JSON.stringify(body);
  }
  const response = await fetch(path, options);
  return { status: response.status, data: await response.json() };
}

async function refresh(message) {
  const { status, data } = await call("GET", "/api/state");
  if (status === 200) draw(data);
  if (message) say(message);
}

async function act(action, dry) {
  const { status, data } = await call("POST", "/api/action", { version: state.version, action, dry: !!dry });
  if (status === 200) {
    if (data.refused) return data.refused;  // nothing was written
    if (!dry) draw(data);
    return [];
  }
  if (status === 409) {
    await refresh("The file changed on disk: reloaded it; nothing was written.");
    return null;
  }
  if (status === 422) return data.problems;
  say(`Refused: ${data.error || status}`);
  return null;
}

async function history(back) {
  const { status, data } = await call("POST", back ? "/api/undo" : "/api/redo", { version: state.version });
  if (status === 200) {
    draw(data);
    say(back ? "Undone." : "Redone.");
  } else if (status === 409) {
    await refresh("The file changed on disk: reloaded it.");
  }
}

async function poll() {
  try {
    const { status, data } = await call("GET", "/api/version");
    if (status === 200 && state && data.version !== state.version) {
      await refresh("The file changed on disk: reloaded it.");
    }
  } catch (error) {
    say("The annotate server is not answering.");
  }
}

function say(message) {
  $("status").textContent = message;
}

// ---- the text, offsets and selection --------------------------------------------------------

function textNodes() {
  const walker = document.createTreeWalker(textBox, NodeFilter.SHOW_TEXT);
  const nodes = [];
  while (walker.nextNode()) nodes.push(walker.currentNode);
  return nodes;
}

function codePoints(value) {
  // cps[i] = code points before code unit i
  const map = new Array(value.length + 1);
  let count = 0;
  for (let i = 0; i < value.length; i++) {
    map[i] = count;
    const unit = value.charCodeAt(i);
    if (!(unit >= 0xdc00 && unit <= 0xdfff && i > 0 && value.charCodeAt(i - 1) >= 0xd800 && value.charCodeAt(i - 1) <= 0xdbff)) count++;
  }
  map[value.length] = count;
  return map;
}

function unitOf(point) {
  let low = 0, high = cps.length - 1;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (cps[mid] < point) low = mid + 1; else high = mid;
  }
  return low;
}

function offsetOf(node, unitOffset) {
  let units = 0;
  for (const each of textNodes()) {
    if (each === node) return cps[units + unitOffset];
    units += each.data.length;
  }
  return null;
}

function rangeOf(start, end) {
  const from = unitOf(start), to = unitOf(end);
  const range = document.createRange();
  let units = 0, began = false;
  for (const node of textNodes()) {
    const next = units + node.data.length;
    if (!began && from < next) { range.setStart(node, from - units); began = true; }
    if (began && to <= next) { range.setEnd(node, to - units); return range; }
    units = next;
  }
  return null;
}

function tokenize() {
  tokens = [];
  const pattern = /[\p{L}\p{N}]+(?:['’\-][\p{L}\p{N}]+)*|[^\s\p{L}\p{N}]/gu;
  for (const match of text.matchAll(pattern)) {
    tokens.push([cps[match.index], cps[match.index + match[0].length]]);
  }
}

function words(start, end) {
  return text.slice(unitOf(start), unitOf(end));
}

function select(start, end, quiet) {
  selection = start < end ? { start, end } : null;
  paintSelection();
  if (selection && !quiet) say(`Selected “${words(start, end)}”.`);
}

function paintSelection() {
  if (!window.CSS || !CSS.highlights) return;
  CSS.highlights.delete("selected");
  if (!selection) return;
  const range = rangeOf(selection.start, selection.end);
  if (range) {
    CSS.highlights.set("selected", new Highlight(range));
    const box = range.getBoundingClientRect();
    if (box.top < 0 || box.bottom > window.innerHeight) range.startContainer.parentElement.scrollIntoView({ block: "center" });
  }
}

function snapToWords(start, end) {
  const isWord = (i) => i >= 0 && i < text.length && /[\p{L}\p{N}]/u.test(text[i]);
  let from = unitOf(start), to = unitOf(end);
  while (from < to && /\s/.test(text[from])) from++;
  while (to > from && /\s/.test(text[to - 1])) to--;
  while (from > 0 && isWord(from) && isWord(from - 1)) from--;
  while (to < text.length && isWord(to - 1) && isWord(to)) to++;
  return [cps[from], cps[to]];
}

function fromMouse() {
  const chosen = window.getSelection();
  if (!chosen || chosen.isCollapsed || !textBox.contains(chosen.anchorNode)) return;
  const range = chosen.getRangeAt(0);
  const start = offsetOf(range.startContainer, range.startOffset);
  const end = offsetOf(range.endContainer, range.endOffset);
  if (start === null || end === null) return;
  chosen.removeAllRanges();
  const [from, to] = snapToWords(start, end);
  proposal = null;
  select(from, to);
}

function tokenIndex(point) {
  const found = tokens.findIndex(([s, e]) => e > point);
  return found === -1 ? tokens.length - 1 : found;
}

function moveWord(step, extend) {
  if (!tokens.length) return;
  proposal = null;
  if (!selection) {
    const [s, e] = tokens[0];
    select(s, e);
    return;
  }
  if (extend) {
    if (step > 0) {
      const next = tokens.find(([s]) => s >= selection.end);
      if (next) select(selection.start, next[1]);
    } else {
      const inside = tokens.filter(([s, e]) => s >= selection.start && e <= selection.end);
      if (inside.length > 1) select(selection.start, inside[inside.length - 2][1]);
    }
    return;
  }
  const index = step > 0 ? tokens.findIndex(([s]) => s >= selection.end) : tokenIndex(selection.start) - 1;
  if (index >= 0 && index < tokens.length) select(tokens[index][0], tokens[index][1]);
}

function extendToSentence(forward) {
  if (!selection) return;
  if (forward) {
    let to = unitOf(selection.end);
    while (to < text.length && !/[.!?\n]/.test(text[to])) to++;
    if (to < text.length && text[to] !== "\n") to++;
    select(selection.start, cps[to]);
  } else {
    let from = unitOf(selection.start);
    while (from > 0 && !/[.!?\n]/.test(text[from - 1])) from--;
    while (/\s/.test(text[from])) from++;
    select(cps[from], selection.end);
  }
}

// ---- drawing --------------------------------------------------------------------------------

function draw(data) {
  state = data;
  $("title").textContent = data.document.title || data.document.id;
  $("file").textContent = `${data.document.file} · published ${data.document.published || "?"}`;
  textBox.innerHTML = data.html;
  text = textNodes().map((n) => n.data).join("");
  cps = codePoints(text);
  tokenize();
  for (const mark of textBox.querySelectorAll("mark")) {
    const ids = mark.dataset.mentionId.split(" ");
    mark.setAttribute("aria-label", `${mark.textContent}: ${ids.map(describe).join("; ")}`);
    if (ids.some((id) => id.startsWith("p"))) mark.classList.add("proposal");
  }
  $("undo").disabled = !data.undo;
  $("redo").disabled = !data.redo;
  if (current && !findItem(current)) current = null;
  drawItems("events", data.events, "event");
  drawItems("claims", data.claims, "claim");
  drawProblems(data.problems);
  drawCurrent();
  if (proposal && !data.mentions[proposal]) proposal = null;
  paintSelection();
  showWords(shown.filter((id) => data.mentions[id]));
}

function describe(id) {
  const m = state.mentions[id];
  if (!m) return id;
  if (m.aspect === "proposal") return `proposed ${m.kind} ${m.id}: a to accept, x to reject`;
  if (m.aspect === "name") return `${m.kind} ${m.id}`;
  const part = m.aspect === "participant" ? `participant ${m.actor} (${m.role})` : m.aspect;
  return `${m.kind} ${m.id}, ${part}`;
}

function findItem(item) {
  const list = item.item === "claim" ? state.claims : state.events;
  return list.find((x) => x.id === item.id);
}

function drawItems(listId, items, kind) {
  const list = $(listId);
  list.replaceChildren();
  for (const item of items) {
    const li = document.createElement("li");
    const button = document.createElement("button");
    button.type = "button";
    button.className = "item";
    button.dataset.item = kind;
    button.dataset.id = item.id;
    const on = current && current.item === kind && current.id === item.id;
    button.setAttribute("aria-pressed", on ? "true" : "false");
    const head = kind === "event"
      ? `${item.type}${item.mode ? " · " + item.mode : ""} · ${item.date || "undated"}${item.place ? " · " + item.place : ""}`
      : `${item.kind} · ${item.claimant}${item.about.event ? " · about " + item.about.event : ""}`;
    const strong = document.createElement("strong");
    strong.textContent = item.id;
    const small = document.createElement("span");
    small.className = "muted";
    small.textContent = ` ${head} · ${item.mentions.length} quote(s)`;
    const summary = document.createElement("span");
    summary.className = "summary";
    summary.textContent = item.summary;
    button.append(strong, small, summary);
    button.addEventListener("click", () => choose({ item: kind, id: item.id }));
    button.addEventListener("keydown", async (event) => {
      if (event.key !== "Delete") return;
      event.preventDefault();
      const refused = await act({ action: "delete", item: kind, id: item.id });
      if (refused && !refused.length) say(`Deleted ${kind} ${item.id}; Ctrl+Z brings it back.`);
    });
    li.append(button);
    list.append(li);
  }
  if (!items.length) {
    const li = document.createElement("li");
    li.className = "muted";
    li.textContent = kind === "event" ? "No event yet: select words, then e." : "No claim yet: select words, then c.";
    list.append(li);
  }
}

function choose(item) {
  current = item;
  const found = findItem(item);
  drawItems("events", state.events, "event");
  drawItems("claims", state.claims, "claim");
  drawCurrent();
  if (found) {
    showWords(found.mentions);
    say(`Current ${item.item}: ${item.id}; its ${found.mentions.length} quote(s) are outlined.`);
  }
}

function drawCurrent() {
  $("current").textContent = current ? `Current ${current.item}: ${current.id}` : "No current event or claim: click one, or create one.";
}

function showWords(ids) {
  shown = ids;
  for (const mark of textBox.querySelectorAll("mark.shown")) mark.classList.remove("shown");
  let first = null;
  for (const mark of textBox.querySelectorAll("mark[data-mention-id]")) {
    if (mark.dataset.mentionId.split(" ").some((id) => ids.includes(id))) {
      mark.classList.add("shown");
      first = first || mark;
    }
  }
  if (first) first.scrollIntoView({ block: "nearest" });
}

function drawProblems(problems) {
  const list = $("problems");
  list.replaceChildren();
  for (const mark of textBox.querySelectorAll("mark.problem")) mark.classList.remove("problem");
  for (const p of problems) {
    const li = document.createElement("li");
    li.className = p.severity;
    const head = document.createElement("p");
    head.textContent = `${p.severity} ${p.code} ${p.name} · ${p.file}:${p.line}:${p.column}: ${p.message}`;
    li.append(head);
    if (p.hint) {
      const hint = document.createElement("p");
      hint.className = "hint";
      hint.textContent = `hint: ${p.hint}`;
      li.append(hint);
    }
    if (p.mentions.length) {
      const button = document.createElement("button");
      button.type = "button";
      button.textContent = "Show the words";
      button.addEventListener("click", () => showWords(p.mentions));
      li.append(button);
      for (const mark of textBox.querySelectorAll("mark[data-mention-id]")) {
        if (mark.dataset.mentionId.split(" ").some((id) => p.mentions.includes(id))) {
          mark.classList.add("problem");
          mark.title = `${p.code}: ${p.message}`;
        }
      }
    }
    for (const fix of p.fixes) {
      const button = document.createElement("button");
      button.type = "button";
      button.className = "fix";
      button.textContent = `Fix: ${fix.label}`;
      button.addEventListener("click", async () => {
        const refused = await act({ action: "fix", fix: fix.key });
        if (refused && refused.length) say(refused.map((r) => `${r.code} ${r.message}`).join(" "));
        else if (refused) say(`Fixed: ${fix.label}.`);
      });
      li.append(button);
    }
    list.append(li);
  }
  if (!problems.length) {
    const li = document.createElement("li");
    li.className = "ok";
    li.textContent = "No problems: the annotation validates.";
    list.append(li);
  }
}

// ---- forms ----------------------------------------------------------------------------------

function option(select, value, label, chosen) {
  const o = document.createElement("option");
  o.value = value;
  o.textContent = label || value;
  if (value === chosen) o.selected = true;
  select.append(o);
}

function field(form, name, label, kind, value, choices) {
  const id = `f-${name}`;
  const wrap = document.createElement("p");
  const lab = document.createElement("label");
  lab.htmlFor = id;
  lab.textContent = label;
  let input;
  if (kind === "select") {
    input = document.createElement("select");
    for (const c of choices) option(input, c.code, c.code, value);
    if (choices.length && !choices.some((c) => c.code === value)) input.value = choices[0].code;
  } else {
    input = document.createElement("input");
    input.type = kind;
    if (kind === "checkbox") input.checked = !!value; else input.value = value == null ? "" : value;
    input.autocomplete = "off";
  }
  input.id = id;
  input.name = name;
  wrap.append(lab, input);
  form.append(wrap);
  return input;
}

function registryField(form, name, label, kind, value) {
  // A search box: typing filters the registry by id, name and alias; the best match is taken
  // (shown beside it, with its kind and parent); arrows pick another; Enter writes the form.
  const input = field(form, name, label, "text", value);
  input.setAttribute("role", "combobox");
  input.setAttribute("aria-autocomplete", "list");
  const list = document.createElement("ul");
  list.id = `${input.id}-list`;
  list.className = "choices";
  list.setAttribute("role", "listbox");
  input.setAttribute("aria-controls", list.id);
  input.parentElement.append(list);
  let matches = [];
  let chosen = 0;
  const entries = () => (kind === "place" ? state.places : state.actors);
  const render = () => {
    list.replaceChildren();
    matches.slice(0, 8).forEach((entry, i) => {
      const li = document.createElement("li");
      li.id = `${list.id}-${i}`;
      li.setAttribute("role", "option");
      li.setAttribute("aria-selected", i === chosen ? "true" : "false");
      li.textContent = `${entry.id} · ${entry.name} · ${entry.kind}${entry.parent ? " · in " + entry.parent : ""}`;
      li.addEventListener("mousedown", (event) => { event.preventDefault(); chosen = i; render(); });
      list.append(li);
    });
    if (matches[chosen]) input.setAttribute("aria-activedescendant", `${list.id}-${chosen}`);
    input.dataset.value = matches[chosen] ? matches[chosen].id : input.value.trim();
  };
  const search = () => {
    const q = input.value.trim().toLowerCase();
    if (!q) { matches = []; chosen = 0; render(); return; }
    const parts = q.split(/[\s\-]+/).filter(Boolean);
    const score = (e) => {
      const names = [e.id, e.name, ...e.aliases].map((n) => n.toLowerCase());
      if (names.some((n) => n === q)) return 0;
      if (names.some((n) => n.startsWith(q))) return 1;
      if (names.some((n) => parts.every((part) => n.includes(part)))) return 2;
      return 9;
    };
    matches = entries().map((e) => [score(e), e]).filter(([s]) => s < 9).sort((a, b) => a[0] - b[0]).map(([, e]) => e);
    chosen = 0;
    render();
  };
  input.addEventListener("input", search);
  input.addEventListener("keydown", (event) => {
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      const n = Math.min(matches.length, 8);
      if (n) chosen = (chosen + (event.key === "ArrowDown" ? 1 : n - 1)) % n;
      render();
    }
  });
  search();
  return input;
}

function named(kind, start, end) {
  // the registry entry whose name or alias the words contain, longest first
  const inside = words(start, end);
  let best = null;
  for (const entry of kind === "place" ? state.places : state.actors) {
    for (const name of [entry.name, ...entry.aliases]) {
      if (name && inside.includes(name) && (!best || name.length > best[0].length)) best = [name, entry.id];
    }
  }
  return best ? best[1] : "";
}

function proposedDate(start, end, nearest) {
  // The date `eventset new` reads from inside the words; for a new event, else the nearest
  // one; else the publication date ("so far", "now" date a report as of its publication).
  const inside = state.dates.find((d) => d.offset >= start && d.offset < end);
  if (inside) return inside;
  const sorted = [...state.dates].sort((a, b) => Math.abs(a.offset - start) - Math.abs(b.offset - start));
  if (nearest && sorted.length && Math.abs(sorted[0].offset - start) < 400) return sorted[0];
  return { start: state.document.published, end: null, precision: "day", derived: true, scheduled: false };
}

function slug(value) {
  return value.toLowerCase().normalize("NFKD").replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "").split("-").slice(0, 6).join("-");
}

function dateFields(form, date) {
  field(form, "date_start", "Date: start (YYYY-MM-DD)", "text", date.start);
  field(form, "date_end", "Date: end (for a range)", "text", date.end || "");
  field(form, "date_precision", "Date: precision", "select", date.precision, vocab.date_precisions);
  field(form, "date_derived", "Date: derived (implied by the words, not stated)", "checkbox", date.derived);
  field(form, "date_scheduled", "Date: scheduled (after publication)", "checkbox", date.scheduled);
}

function dateOf(values) {
  return {
    start: values.date_start || null,
    end: values.date_end || null,
    precision: values.date_precision,
    derived: values.date_derived,
    scheduled: values.date_scheduled,
  };
}

function values(form) {
  const out = {};
  for (const input of form.querySelectorAll("input, select")) {
    if (input.type === "checkbox") out[input.name] = input.checked;
    else if (input.dataset.value !== undefined) out[input.name] = input.dataset.value;
    else out[input.name] = input.value.trim();
  }
  return out;
}

function openForm(title, build, toAction, done) {
  const pane = $("form-pane");
  const form = $("form");
  form.replaceChildren();
  $("form-problems").replaceChildren();
  const heading = document.createElement("h2");
  heading.id = "form-title";
  heading.textContent = title;
  form.setAttribute("aria-labelledby", "form-title");
  form.append(heading);
  const words = document.createElement("p");
  words.className = "quote";
  words.textContent = selection ? `“${wordsOf(selection)}”` : "";
  form.append(words);
  build(form);
  const buttons = document.createElement("p");
  const submit = document.createElement("button");
  submit.type = "submit";
  submit.textContent = "Write (Enter)";
  const cancel = document.createElement("button");
  cancel.type = "button";
  cancel.textContent = "Cancel (Esc)";
  cancel.addEventListener("click", closeForm);
  buttons.append(submit, cancel);
  form.append(buttons);
  pane.hidden = false;
  const check = () => {
    clearTimeout(checkTimer);
    checkTimer = setTimeout(async () => {
      const problems = await act(toAction(values(form)), true);
      if (!$("form-pane").hidden) showFormProblems(problems);
    }, 250);
  };
  form.oninput = check;
  form.onchange = check;
  form.onsubmit = async (event) => {
    event.preventDefault();
    clearTimeout(checkTimer);
    const action = toAction(values(form));
    const refused = await act(action);
    if (refused === null) return;
    if (refused.length) {
      showFormProblems(refused);
      say(`Not written: ${refused.length} problem(s) in the form.`);
      return;
    }
    closeForm();
    if (done) done(action);
  };
  form.onkeydown = (event) => {
    if (event.key === "Escape") { event.preventDefault(); closeForm(); }
    // Enter writes the form from any field, a drop-down or a checkbox included.
    if (event.key === "Enter" && (event.target.tagName === "SELECT" || event.target.type === "checkbox")) {
      event.preventDefault();
      form.requestSubmit();
    }
  };
  const first = form.querySelector("[autofocus]") || form.querySelector("input, select");
  if (first) { first.focus(); if (first.select) first.select(); }
}

function wordsOf(range) {
  return words(range.start, range.end);
}

function showFormProblems(problems) {
  const list = $("form-problems");
  list.replaceChildren();
  for (const p of problems || []) {
    const li = document.createElement("li");
    li.className = "error";
    li.textContent = `${p.code} ${p.name}: ${p.message}${p.hint ? " (hint: " + p.hint + ")" : ""}`;
    list.append(li);
  }
}

function closeForm() {
  clearTimeout(checkTimer);
  $("form-pane").hidden = true;
  $("form").replaceChildren();
  $("form-problems").replaceChildren();
  textBox.focus();
}

function needWords() {
  if (selection) return true;
  say("Select words first: arrows, / to find, or the mouse.");
  return false;
}

function needCurrent(kinds) {
  if (current && kinds.includes(current.item)) return true;
  say(`Choose the ${kinds.join(" or ")} first: click it in the list, or create one.`);
  return false;
}

function linkForm() {
  if (!needWords()) return;
  const sel = { ...selection };
  const inside = wordsOf(sel);
  openForm("Link the words to the registry", (form) => {
    field(form, "target", "Registry", "select", named("place", sel.start, sel.end) ? "place" : "actor", [{ code: "actor" }, { code: "place" }]);
    const target = form.querySelector("#f-target");
    const box = document.createElement("div");
    form.append(box);
    const rebuild = () => {
      box.replaceChildren();
      const search = registryField(box, "id", "Search by name or alias", target.value, named(target.value, sel.start, sel.end) || inside);
      search.autofocus = true;
      const create = document.createElement("button");
      create.type = "button";
      create.textContent = "New registry entry… (Alt+N)";
      create.setAttribute("aria-keyshortcuts", "Alt+N");
      create.addEventListener("click", () => entryForm(target.value, sel));
      box.append(create);
    };
    target.addEventListener("change", rebuild);
    form.addEventListener("keydown", (event) => {
      if (event.code === "KeyN" && event.altKey) { event.preventDefault(); entryForm(target.value, sel); }
    });
    rebuild();
  }, (v) => ({ action: "mention", target: v.target, id: v.id, start: sel.start, end: sel.end }),
  (action) => say(`Linked “${inside}” to ${action.target} ${action.id}.`));
}

function entryForm(kind, sel) {
  const inside = wordsOf(sel);
  openForm(`New ${kind} in the registry`, (form) => {
    field(form, "id", "Id (lowercase slug)", "text", slug(inside));
    field(form, "name", "Name (neutral, canonical)", "text", inside);
    field(form, "kind", "Kind", "select", "", kind === "place" ? vocab.place_kinds : vocab.actor_kinds);
    field(form, "country", "Country (ISO 3166-1 alpha-2)", "text", "");
    field(form, "parent", "Parent id", "text", "");
    field(form, "aliases", "Aliases (comma-separated)", "text", "");
  }, (v) => ({
    action: "entry",
    target: kind,
    start: sel.start,
    end: sel.end,
    entry: {
      id: v.id, name: v.name, kind: v.kind, country: v.country || null, parent: v.parent || null,
      aliases: v.aliases ? v.aliases.split(",").map((a) => a.trim()).filter(Boolean) : [],
    },
  }), (action) => say(`Added ${kind} ${action.entry.id} to the registry and linked the words.`));
}

function eventForm() {
  if (!needWords()) return;
  const sel = { ...selection };
  const date = proposedDate(sel.start, sel.end, true);
  openForm("New event", (form) => {
    const type = field(form, "type", "Type (PLOVER)", "select", "ASSAULT", vocab.types);
    const modeBox = document.createElement("div");
    form.append(modeBox);
    const modes = () => {
      modeBox.replaceChildren();
      field(modeBox, "mode", "Mode", "select", "", [{ code: "" }, ...vocab.modes[type.value].map((m) => ({ code: m }))]);
    };
    type.addEventListener("change", modes);
    modes();
    field(form, "certainty", "Certainty", "select", "reported", vocab.certainty);
    dateFields(form, date);
    registryField(form, "actor", "First participant (search)", "actor", named("actor", sel.start, sel.end));
    field(form, "role", "Its role", "select", "perpetrator", vocab.roles);
    field(form, "summary", "Summary (one neutral line)", "text", wordsOf(sel));
    field(form, "id", "Id", "text", `${date.start || "undated"}-${slug(wordsOf(sel))}`);
  }, (v) => ({
    action: "event", id: v.id, type: v.type, mode: v.mode, certainty: v.certainty, summary: v.summary,
    date: dateOf(v), actor: v.actor, role: v.role, start: sel.start, end: sel.end,
  }), (action) => { current = { item: "event", id: action.id }; choose(current); });
}

function claimForm() {
  if (!needWords()) return;
  const sel = { ...selection };
  const about = current && current.item === "event" ? current.id : "";
  openForm("New claim", (form) => {
    field(form, "kind", "Kind", "select", "statement", vocab.claim_kinds);
    registryField(form, "claimant", "Claimant (search)", "actor", named("actor", sel.start, sel.end));
    field(form, "about_event", "About event", "select", about, [{ code: "" }, ...state.events.map((e) => ({ code: e.id }))]);
    registryField(form, "about_actor", "About actor (search, optional)", "actor", "");
    field(form, "modality", "Modality", "select", "asserted", vocab.modalities);
    field(form, "polarity", "Polarity", "select", "asserted", vocab.polarities);
    field(form, "explicit", "Explicit (stated, not implied)", "checkbox", true);
    field(form, "value", "Value (a casualty figure)", "number", "");
    field(form, "summary", "Summary (what is claimed)", "text", wordsOf(sel));
    field(form, "id", "Id", "text", `c-${slug(wordsOf(sel))}`);
  }, (v) => ({
    action: "claim", id: v.id, kind: v.kind, claimant: v.claimant, about_event: v.about_event,
    about_actor: v.about_actor, modality: v.modality, polarity: v.polarity, explicit: v.explicit,
    value: v.value === "" ? null : Number(v.value), summary: v.summary, start: sel.start, end: sel.end,
  }), (action) => { current = { item: "claim", id: action.id }; choose(current); });
}

function dateForm() {
  if (!needWords() || !needCurrent(["event", "claim"])) return;
  const sel = { ...selection };
  const target = { ...current };
  openForm(`Date of ${target.item} ${target.id}`, (form) => dateFields(form, proposedDate(sel.start, sel.end)),
    (v) => ({ action: "date", item: target.item, id: target.id, date: dateOf(v), start: sel.start, end: sel.end }),
    () => choose(target));
}

function placeForm() {
  if (!needWords() || !needCurrent(["event"])) return;
  const sel = { ...selection };
  const target = { ...current };
  const event = findItem(target);
  openForm(`Place of event ${target.id}`, (form) => {
    registryField(form, "place", "Place (search)", "place", (event && event.place) || named("place", sel.start, sel.end));
    const starts = wordsOf(sel).toLowerCase();
    field(form, "precision", "How close the text gets", "select", starts.startsWith("near") ? "near" : "exact", vocab.geo_precisions);
  }, (v) => ({ action: "place", id: target.id, place: v.place, precision: v.precision, start: sel.start, end: sel.end }),
  () => choose(target));
}

function participantForm() {
  if (!needWords() || !needCurrent(["event"])) return;
  const sel = { ...selection };
  const target = { ...current };
  openForm(`Participant of event ${target.id}`, (form) => {
    registryField(form, "actor", "Actor (search)", "actor", named("actor", sel.start, sel.end));
    field(form, "role", "Role", "select", "perpetrator", vocab.roles);
  }, (v) => ({ action: "participant", id: target.id, actor: v.actor, role: v.role, start: sel.start, end: sel.end }),
  () => choose(target));
}

function figureForm() {
  if (!needWords() || !needCurrent(["event"])) return;
  const sel = { ...selection };
  const target = { ...current };
  const number = (wordsOf(sel).match(/\d+/) || [""])[0];
  openForm(`Fatalities of event ${target.id}`, (form) => {
    field(form, "low", "Low", "number", number);
    field(form, "best", "Best", "number", number);
    field(form, "high", "High", "number", number);
    field(form, "derived", "Derived (counted, not stated)", "checkbox", !number);
  }, (v) => ({
    action: "figure", id: target.id, start: sel.start, end: sel.end, derived: v.derived,
    low: v.low === "" ? null : Number(v.low), best: v.best === "" ? null : Number(v.best), high: v.high === "" ? null : Number(v.high),
  }), () => choose(target));
}

async function addEvidence() {
  if (!needWords() || !needCurrent(["event", "claim"])) return;
  const refused = await act({ action: "evidence", item: current.item, id: current.id, start: selection.start, end: selection.end });
  if (refused && refused.length) say(refused.map((r) => `${r.code} ${r.message}`).join(" "));
  else if (refused) { choose(current); say(`Added the words as evidence of ${current.item} ${current.id}.`); }
}

// ---- proposals ------------------------------------------------------------------------------

function stepProposal(step) {
  const ids = state.proposals;
  if (!ids.length) { say("No proposals left."); return; }
  const at = proposal ? ids.indexOf(proposal) : -1;
  const next = at === -1 ? (step > 0 ? 0 : ids.length - 1) : (at + step + ids.length) % ids.length;
  proposal = ids[next];
  const m = state.mentions[proposal];
  select(m.start, m.end, true);
  const others = m.others && m.others.length ? `; also the name of ${m.others.map((o) => o.join(" ")).join(", ")}` : "";
  say(`Proposal ${next + 1} of ${ids.length}: “${m.words}” as ${m.kind} ${m.id}${others}. a accepts, x rejects.`);
}

async function decide(accept) {
  if (!proposal) { say("No proposal selected: j and k move between proposals."); return; }
  const m = state.mentions[proposal];
  const at = state.proposals.indexOf(proposal);
  const action = accept
    ? { action: "mention", target: m.kind, id: m.id, start: m.start, end: m.end }
    : { action: "reject", target: m.kind, id: m.id, start: m.start, end: m.end };
  const refused = await act(action);
  if (refused && refused.length) { say(refused.map((r) => `${r.code} ${r.message}`).join(" ")); return; }
  if (refused === null) return;
  say(`${accept ? "Accepted" : "Rejected"} “${m.words}” as ${m.kind} ${m.id}.`);
  proposal = null;
  if (state.proposals.length) {
    proposal = state.proposals[Math.min(at, state.proposals.length - 1)];
    const next = state.mentions[proposal];
    select(next.start, next.end, true);
  } else {
    select(0, 0, true);
  }
}

async function removeMention(mark) {
  const id = mark.dataset.mentionId.split(" ").find((each) => state.mentions[each] && state.mentions[each].aspect === "name");
  if (!id) { say("Only name mentions are removed with Delete; evidence goes with undo."); return; }
  const m = state.mentions[id];
  const refused = await act({ action: "unmention", target: m.kind, id: m.id, index: m.index });
  if (refused && !refused.length) say(`Removed “${m.words}” from ${m.kind} ${m.id}.`);
}

// ---- keys -----------------------------------------------------------------------------------

function inForm(target) {
  return target.closest && (target.closest("form") || target.id === "find");
}

const KEYS = {
  m: linkForm, e: eventForm, c: claimForm, d: dateForm, p: placeForm, r: participantForm,
  f: figureForm, v: addEvidence, a: () => decide(true), x: () => decide(false),
  j: () => stepProposal(1), k: () => stepProposal(-1),
  t: () => textBox.focus(),
  l: () => { const first = document.querySelector(".items button"); if (first) first.focus(); },
  "!": () => { const first = document.querySelector("#problems button, #problems li"); if (first) { first.tabIndex = first.tabIndex < 0 ? -1 : first.tabIndex; first.focus(); } },
  "?": () => { $("keys").hidden = !$("keys").hidden; },
  "/": () => { $("find-bar").hidden = false; $("find").focus(); $("find").select(); },
};

document.addEventListener("keydown", (event) => {
  if ((event.ctrlKey || event.metaKey) && !event.altKey) {
    const key = event.key.toLowerCase();
    if (key === "z" || key === "y") {
      if (inForm(event.target)) return;
      event.preventDefault();
      history(key === "z" && !event.shiftKey);
    }
    return;
  }
  if (event.altKey || inForm(event.target) || !state) return;
  if (event.target === textBox || event.target.closest("#doc-text")) {
    if (event.key === "ArrowRight" || event.key === "ArrowLeft") {
      event.preventDefault();
      moveWord(event.key === "ArrowRight" ? 1 : -1, event.shiftKey);
      return;
    }
    if (event.shiftKey && (event.key === "End" || event.key === "Home")) {
      event.preventDefault();
      extendToSentence(event.key === "End");
      return;
    }
    if ((event.key === "Delete" || event.key === "Backspace") && event.target.tagName === "MARK") {
      event.preventDefault();
      removeMention(event.target);
      return;
    }
    if (event.key === "Enter" && event.target.tagName === "MARK") {
      const ids = event.target.dataset.mentionId.split(" ");
      const m = state.mentions[ids[0]];
      if (m) { proposal = m.aspect === "proposal" ? ids[0] : null; select(m.start, m.end, true); say(ids.map(describe).join("; ")); }
      return;
    }
  }
  const run = KEYS[event.key];
  if (run) { event.preventDefault(); run(); }
});

$("find").addEventListener("keydown", (event) => {
  if (event.key === "Escape") { $("find-bar").hidden = true; textBox.focus(); return; }
  if (event.key !== "Enter") return;
  event.preventDefault();
  const wanted = $("find").value;
  if (!wanted) return;
  const from = selection ? unitOf(selection.start) + 1 : 0;
  let at = text.indexOf(wanted, from);
  if (at === -1) at = text.indexOf(wanted);
  if (at === -1) { say(`“${wanted}” is not in the text.`); return; }
  proposal = null;
  const [start, end] = snapToWords(cps[at], cps[at + wanted.length]);
  select(start, end);
  $("find-bar").hidden = true;
  textBox.focus();
});

textBox.addEventListener("mouseup", () => setTimeout(fromMouse, 0));
textBox.addEventListener("click", (event) => {
  const mark = event.target.closest("mark");
  if (!mark || !window.getSelection().isCollapsed) return;
  const ids = mark.dataset.mentionId.split(" ");
  const p = ids.find((id) => id.startsWith("p"));
  if (p) {
    proposal = p;
    const m = state.mentions[p];
    select(m.start, m.end, true);
    say(`“${m.words}” as ${m.kind} ${m.id}: a accepts, x rejects.`);
  } else {
    say(ids.map(describe).join("; "));
  }
});
$("undo").addEventListener("click", () => history(true));
$("redo").addEventListener("click", () => history(false));
$("keys-button").addEventListener("click", KEYS["?"]);

(async () => {
  vocab = (await call("GET", "/api/vocab")).data;
  await refresh();
  say("Ready. Select words (arrows, / or the mouse), then a key: ? lists them.");
  setInterval(poll, 1000);
})();
