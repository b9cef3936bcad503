/* The rule editor: changing a condition's field or comparison redraws its values (the form posts "refresh"),
   and every redraw comes back scrolled to the row being edited. Without JavaScript, buttons do the same. */
(function () {
  var form = document.getElementById("rule-editor");
  if (!form) return;
  function backTo(element) {
    var row = element && element.closest(".rule-row");
    form.action = location.pathname + (row ? "#" + row.id : "");
  }
  form.addEventListener("change", function (event) {
    if (!event.target.classList.contains("refresh")) return;
    var action = document.createElement("input");
    action.type = "hidden"; action.name = "action"; action.value = "refresh";
    form.appendChild(action);
    backTo(event.target);
    form.submit();
  });
  form.addEventListener("submit", function (event) { backTo(event.submitter); });
})();
