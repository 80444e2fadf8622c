// Site-wide behaviour: on narrow screens the main navigation folds behind a "Menu" button.
// Without JavaScript the navigation simply stays open.
(function () {
  "use strict";
  var button = document.querySelector(".menu-toggle");
  var nav = document.getElementById("main-nav");
  if (!button || !nav) return;
  var narrow = window.matchMedia("(max-width: 799px)");

  function fold() {
    if (narrow.matches) {
      button.hidden = false;
      nav.classList.add("collapsed");
      button.setAttribute("aria-expanded", "false");
    } else {
      button.hidden = true;
      nav.classList.remove("collapsed");
    }
  }

  button.addEventListener("click", function () {
    var open = nav.classList.toggle("collapsed") === false;
    button.setAttribute("aria-expanded", open ? "true" : "false");
  });
  narrow.addEventListener("change", fold);
  fold();
})();
