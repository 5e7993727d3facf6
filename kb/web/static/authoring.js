// Authoring form, progressive enhancement (the form works without this file: plain posts).
// - live preview and checks while typing (POST data-check: nothing is saved),
// - autosave: every change goes to localStorage at once and to the server a moment later, so a closed tab
//   or a lost connection loses nothing; on the next visit an unsaved copy is put back into the form,
// - "add row" for lists of sources, awards and replications.
(function () {
  "use strict";
  var form = document.getElementById("draft-form");
  if (!form || !window.fetch || !window.FormData) { return; }
  var status = document.getElementById("autosave");
  var preview = document.getElementById("preview-body");
  var summary = document.getElementById("checks-summary");
  var revisionInput = form.querySelector("input[name=revision]");
  var csrf = form.querySelector("input[name=csrf_token]").value;
  var checkTimer = null, saveTimer = null, saving = false, dirtyAgain = false, stopped = false, edits = 0;

  function key() { return "kb-draft:" + (form.getAttribute("data-draft") || "new"); }
  function say(name) { if (status) { status.textContent = status.getAttribute("data-" + name) || ""; } }

  function entries() {
    var out = [];
    new FormData(form).forEach(function (value, name) {
      if (name !== "csrf_token" && name !== "revision" && typeof value === "string") { out.push([name, value]); }
    });
    return out;
  }

  function remember() {
    try {
      localStorage.setItem(key(), JSON.stringify({revision: revisionInput.value, entries: entries(), at: Date.now()}));
    } catch (e) { /* storage full or off: the server copy still counts */ }
  }

  function forget() { try { localStorage.removeItem(key()); } catch (e) { /* ignore */ } }

  function showProblems(problems) {
    form.querySelectorAll("ul.problems[data-for]").forEach(function (list) { list.textContent = ""; });
    var general = summary.querySelector("ul.problems");
    if (!general) { general = document.createElement("ul"); general.className = "problems"; summary.appendChild(general); }
    general.textContent = "";
    var errors = 0, warnings = 0;
    problems.forEach(function (p) {
      if (p.severity === "error") { errors += 1; } else { warnings += 1; }
      var list = p.target ? form.querySelector('ul.problems[data-for="' + CSS.escape(p.target) + '"]') : null;
      var item = document.createElement("li");
      item.className = p.severity;
      item.textContent = list ? p.message : (p.field ? p.field + ": " : "") + p.message;
      (list || general).appendChild(item);
    });
    var line = summary.querySelector("p");
    if (line) {
      line.textContent = problems.length ? summary.getAttribute("data-some").replace("{e}", errors).replace("{w}", warnings)
        : summary.getAttribute("data-none");
    }
  }

  function post(url, data) {
    return fetch(url, {method: "POST", body: data, credentials: "same-origin",
                       headers: {"X-CSRFToken": csrf, "Accept": "application/json"}});
  }

  function check() {
    post(form.getAttribute("data-check"), new FormData(form))
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) {
        if (!data) { return; }
        preview.innerHTML = data.html;  // sanitized on the server exactly as the published page
        showProblems(data.problems);
      })
      .catch(function () { /* the preview is optional */ });
  }

  function hasContent() {
    return entries().some(function (e) { return e[0] !== "new" && e[0] !== "slug" && e[0] !== "updated" && e[1].trim(); });
  }

  function save() {
    if (stopped || !form.querySelector("button[name=action]")) { return; }
    if (saving) { dirtyAgain = true; return; }
    if (!form.getAttribute("data-draft") && !hasContent()) { return; }
    saving = true;
    dirtyAgain = false;
    var started = edits;
    var data = new FormData(form);
    data.set("action", "autosave");
    var creating = !form.getAttribute("data-draft");
    say("saving");
    post(creating ? form.getAttribute("data-create") : form.getAttribute("action"), data)
      .then(function (r) {
        return r.json().then(function (body) { return {status: r.status, body: body}; });
      })
      .then(function (res) {
        if (res.status === 409) {
          stopped = true;
          say("conflict");
          return;
        }
        if (res.status >= 400) { say(res.status === 422 && creating ? "slug" : "failed"); return; }
        if (creating) {
          forget();
          form.setAttribute("data-draft", res.body.id);
          form.setAttribute("action", res.body.url);  // (form.action would be the buttons named "action")
          history.replaceState(null, "", res.body.url);
        }
        revisionInput.value = res.body.revision;
        if (edits === started) { forget(); } else { remember(); }
        say("saved");
        if (res.body.problems) { showProblems(res.body.problems); }
      })
      .catch(function () { say("offline"); })
      .then(function () {
        saving = false;
        if (dirtyAgain) { schedule(); }
      });
  }

  function schedule() {
    clearTimeout(saveTimer);
    saveTimer = setTimeout(save, 2000);
  }

  function changed() {
    edits += 1;
    remember();
    clearTimeout(checkTimer);
    checkTimer = setTimeout(check, 400);
    schedule();
  }

  function setValues(stored) {
    var byName = {};
    stored.forEach(function (e) { (byName[e[0]] = byName[e[0]] || []).push(e[1]); });
    Object.keys(byName).forEach(function (name) {
      var m = /^(.+)\[(\d+)\]\./.exec(name);
      var guard = 0;
      while (m && !form.elements.namedItem(name) && guard < 200) {
        var rows = form.querySelector('[data-rows="' + CSS.escape(m[1]) + '"]');
        if (!rows) { break; }
        addRow(rows);
        guard += 1;
      }
    });
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.name === "csrf_token" || el.name === "revision" || el.type === "hidden" || el.type === "submit") { return; }
      var values = byName[el.name] || [];
      if (el.type === "checkbox") { el.checked = values.indexOf(el.value) >= 0; } else { el.value = values[0] || ""; }
    });
  }

  function restore() {
    var stored = null;
    try { stored = JSON.parse(localStorage.getItem(key()) || "null"); } catch (e) { stored = null; }
    if (!stored) { return; }
    if (String(stored.revision) !== String(revisionInput.value)) { forget(); return; }
    if (JSON.stringify(stored.entries) === JSON.stringify(entries())) { return; }
    setValues(stored.entries);
    say("restored");
    changed();
  }

  function addRow(rows) {
    var all = rows.querySelectorAll("fieldset.row");
    var last = all[all.length - 1];
    var copy = last.cloneNode(true);
    var next = all.length + 1, current = all.length;
    var base = rows.getAttribute("data-rows");
    var from = base + "[" + current + "]", to = base + "[" + next + "]";
    var idFrom = "-" + current + "-", idTo = "-" + next + "-";
    copy.id = last.id.replace(new RegExp("-" + current + "$"), "-" + next);
    copy.querySelectorAll("[name], [id], [for], [data-for], [aria-describedby]").forEach(function (el) {
      ["name", "data-for"].forEach(function (attr) {
        if (el.hasAttribute(attr)) { el.setAttribute(attr, el.getAttribute(attr).split(from).join(to)); }
      });
      ["id", "for", "aria-describedby"].forEach(function (attr) {
        if (el.hasAttribute(attr)) { el.setAttribute(attr, el.getAttribute(attr).split(idFrom).join(idTo).replace(new RegExp("-" + current + "$"), "-" + next)); }
      });
      if (el.tagName === "UL") { el.textContent = ""; }
      if (el.type === "checkbox") { el.checked = false; } else if ("value" in el && el.tagName !== "BUTTON") { el.value = ""; }
    });
    var legend = copy.querySelector("legend");
    if (legend) { legend.textContent = legend.textContent.replace(/\d+\s*$/, String(next)); }
    last.parentNode.insertBefore(copy, last.nextSibling);
  }

  form.querySelectorAll("fieldset.rows").forEach(function (rows) {
    var button = rows.querySelector("button.add-row");
    if (!button) { return; }
    button.hidden = false;
    button.addEventListener("click", function () { addRow(rows); });
  });
  form.addEventListener("input", changed);
  form.addEventListener("change", changed);
  form.addEventListener("submit", function () { clearTimeout(saveTimer); stopped = true; });
  restore();
}());
