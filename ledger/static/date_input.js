// Date inputs (input[data-date]) read and write dd/mm/yyyy: typing "15032026" shows "15/03/2026" as the digits
// come, and on leaving the field "15-3-2026", "15.3.2026" or "2026-03-15" become "15/03/2026".
// The server reads all of these too, so a form posts the same without this script.
(function () {
  function slashed(digits) {
    return [digits.slice(0, 2), digits.slice(2, 4), digits.slice(4, 8)].filter(Boolean).join("/");
  }

  function tidy(text) {
    var typed = /^(\d{1,2})([\/.\-])(\d{1,2})\2(\d{4})$/.exec(text);
    var iso = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
    var two = function (n) { return ("0" + n).slice(-2); };
    if (typed) { return two(typed[1]) + "/" + two(typed[3]) + "/" + typed[4]; }
    if (iso) { return iso[3] + "/" + iso[2] + "/" + iso[1]; }
    return text;
  }

  // Digits typed at the end, with slashes only where this script puts them (after the day and the month).
  function ours(field) {
    var text = field.value;
    return /^[\d\/]+$/.test(text) && field.selectionStart === text.length &&
      text.split("").every(function (c, i) { return c !== "/" || i === 2 || i === 5; });
  }

  document.addEventListener("input", function (event) {
    var field = event.target;
    // Deleting, or text with separators of its own ("1/3/2026", "15-3-2026"), is left as it is.
    if (!field.matches("input[data-date]") || /^delete/.test(event.inputType || "") || !ours(field)) { return; }
    var digits = field.value.replace(/\//g, "");
    if (digits.length > 2) { field.value = slashed(digits); }
  });

  document.addEventListener("change", function (event) {
    var field = event.target;
    if (field.matches("input[data-date]")) { field.value = tidy(field.value.trim()); }
  });
})();
