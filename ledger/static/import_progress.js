/* Excel import forms: on submit, show "Đang nhập…" and a moving bar while the file uploads and is read,
   and stop a second click from sending it twice. Without JavaScript the form posts the same way. */
(function () {
  var forms = document.querySelectorAll("form.import-form");
  Array.prototype.forEach.call(forms, function (form) {
    form.addEventListener("submit", function () {
      var status = form.querySelector(".import-status"), button = form.querySelector("button[type=submit]");
      if (status) status.hidden = false;
      if (button) button.disabled = true;
    });
  });
})();
