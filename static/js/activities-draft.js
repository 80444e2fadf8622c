/* Keeps what was typed in a form with data-draft in localStorage, restores it after a
   dropped connection or a closed tab, and forgets it once the server accepted the form.
   A list that an HTMX request fills (the kelurahan after the kecamatan) gets its saved
   value back once its options have arrived. */
(function () {
  "use strict";
  var forms = document.querySelectorAll("form[data-draft]");
  var PREFIX = "mitra-draft:";
  function key(form) { return PREFIX + location.pathname + ":" + form.getAttribute("data-draft"); }
  function fields(form) {
    return Array.prototype.filter.call(form.elements, function (el) {
      return el.name && el.type !== "file" && el.type !== "hidden" && el.type !== "submit" && el.type !== "button";
    });
  }
  var pending = {};  // saved values of lists whose options are still on their way
  function save(form) {
    var data = {};
    fields(form).forEach(function (el) {
      if (pending[el.name] && !el.value) { data[el.name] = pending[el.name]; return; }
      if (el.type === "checkbox" || el.type === "radio") {
        data[el.name + "=" + el.value] = el.checked;
      } else if (el.multiple) {
        data[el.name] = Array.prototype.filter.call(el.options, function (o) { return o.selected; }).map(function (o) { return o.value; });
      } else {
        data[el.name] = el.value;
      }
    });
    try { localStorage.setItem(key(form), JSON.stringify({ at: Date.now(), data: data })); } catch (e) { /* full or private mode */ }
  }
  function restore(form) {
    var raw = null;
    try { raw = localStorage.getItem(key(form)); } catch (e) { return false; }
    if (!raw) { return false; }
    var saved;
    try { saved = JSON.parse(raw).data; } catch (e) { return false; }
    var changed = [];
    fields(form).forEach(function (el) {
      if (el.type === "checkbox" || el.type === "radio") {
        var k = el.name + "=" + el.value;
        if (k in saved) { el.checked = saved[k]; }
      } else if (el.multiple && Array.isArray(saved[el.name])) {
        Array.prototype.forEach.call(el.options, function (o) { o.selected = saved[el.name].indexOf(o.value) >= 0; });
      } else if (el.name in saved && saved[el.name] !== "" && (el.value === "" || el.value === "0" || el.defaultValue === el.value || el.tagName === "SELECT")) {
        var before = el.value;
        el.value = saved[el.name];
        if (el.tagName === "SELECT" && el.value !== saved[el.name]) {
          pending[el.name] = saved[el.name];  // its option comes with the HTMX answer
        }
        if (el.value !== before && el.hasAttribute("hx-get") && window.htmx) { changed.push(el); }
      }
    });
    // After HTMX has read the page (it starts at DOMContentLoaded, as this script ends).
    var ask = function () { changed.forEach(function (el) { window.htmx.trigger(el, "change"); }); };
    if (document.readyState !== "complete") { document.addEventListener("DOMContentLoaded", ask); } else { ask(); }
    return true;
  }
  document.body.addEventListener("htmx:afterSwap", function (event) {
    var target = event.detail.target;
    if (target && target.name && pending[target.name]) {
      target.value = pending[target.name];
      delete pending[target.name];
    }
  });
  Array.prototype.forEach.call(forms, function (form) {
    var note = form.querySelector(".draft-note");
    var hasErrors = form.querySelector(".errorlist");
    // After a server-side error the server's values are newer than the draft.
    var restored = hasErrors ? false : restore(form);
    if (note && restored) { note.hidden = false; }
    var timer = null;
    form.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () { save(form); if (note) { note.hidden = false; } }, 300);
    });
    form.addEventListener("change", function () { save(form); });
    form.addEventListener("submit", function () {
      save(form);
      // Forget the draft only when the next page loads without this form's errors.
      try { sessionStorage.setItem(PREFIX + "sent", key(form)); } catch (e) { /* ignore */ }
    });
  });
  try {
    var sent = sessionStorage.getItem(PREFIX + "sent");
    if (sent) {
      sessionStorage.removeItem(PREFIX + "sent");
      var stillHere = Array.prototype.some.call(forms, function (f) { return key(f) === sent && f.querySelector(".errorlist"); });
      if (!stillHere) { localStorage.removeItem(sent); }
    }
  } catch (e) { /* ignore */ }
})();
