/* Progressive enhancement: re-evaluate a moment after typing stops; without JavaScript the button does it. */
(function () {
  var form = document.getElementById("rule-editor"), timer = null;
  if (!form || !window.fetch || !window.DOMParser) return;
  form.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(function () {
      var body = new FormData(form); body.set("action", "preview");
      fetch(form.action || location.href, {method: "POST", body: body, credentials: "same-origin"})
        .then(function (r) { return r.text(); })
        .then(function (html) {
          var fresh = new DOMParser().parseFromString(html, "text/html").getElementById("preview"),
              old = document.getElementById("preview");
          if (fresh && old) old.replaceWith(fresh);
        }).catch(function () {});
    }, 700);
  });
})();
