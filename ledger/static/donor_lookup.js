/* The receipt form's donor lookup: known donors matching the typed name (accents optional) or phone appear
   to pick while typing. Without JavaScript the "Tìm trong sổ" button shows the same list from the server. */
(function () {
  var box = document.getElementById("donor-found");
  if (!box || !window.fetch || !window.URLSearchParams) return;
  var form = box.closest("form"), fields = [form.elements.donor_name, form.elements.donor_phone];
  var asked = "", timer = null;

  function option(value, strong, rest) {
    var label = document.createElement("label"), input = document.createElement("input");
    label.className = "check";
    input.type = "radio"; input.name = "donor_choice"; input.value = value;
    label.appendChild(input);
    var text = document.createElement("span");
    if (strong) { var b = document.createElement("strong"); b.textContent = strong; text.appendChild(b); }
    text.appendChild(document.createTextNode(rest));
    label.appendChild(text);
    return label;
  }

  function show(items) {
    var note = document.createElement("p");
    note.textContent = box.getAttribute(items.length ? "data-pick" : "data-none");
    var shown = [note];
    items.forEach(function (d) {
      var details = [d.phone, d.address].filter(Boolean).map(function (v) { return " · " + v; }).join("");
      shown.push(option(String(d.id), d.name, details + " (" + [d.kind, d.unit].filter(Boolean).join(", ") + ")"));
    });
    if (items.length) shown.push(option("new", "", box.getAttribute("data-new")));
    box.replaceChildren.apply(box, shown);
  }

  function lookup() {
    var typed = fields.map(function (f) { return f.value.trim(); }).filter(function (v) { return v.length >= 2; });
    var key = typed.join("\n");
    if (key === asked) return;
    asked = key;
    if (!typed.length) { box.replaceChildren(); return; }
    var query = new URLSearchParams();
    typed.forEach(function (v) { query.append("q", v); });
    fetch(box.getAttribute("data-lookup") + "?" + query, {credentials: "same-origin", headers: {Accept: "application/json"}})
      .then(function (r) { return r.ok ? r.json() : {items: []}; })
      .then(function (data) { if (key === asked) show(data.items); })
      .catch(function () {});
  }

  fields.forEach(function (field) {
    field.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(lookup, 300); });
  });
})();
