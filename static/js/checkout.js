/* Checkout: choosing an address re-prices the page; the success page celebrates.
   Everything works without this file (the address form has its own button). */
(function () {
  "use strict";

  /* <form data-autosubmit>: picking a radio button submits the form. */
  function initAutoSubmit() {
    document.querySelectorAll("form[data-autosubmit]").forEach(function (form) {
      form.addEventListener("change", function (event) {
        if (event.target && event.target.type === "radio") {
          if (form.requestSubmit) { form.requestSubmit(); } else { form.submit(); }
        }
      });
    });
  }

  function prefersReducedMotion() {
    return Boolean(window.matchMedia &&
      window.matchMedia("(prefers-reduced-motion: reduce)").matches);
  }

  /* [data-confetti] on the page: a short burst of canvas-confetti, drawn on the main thread
     (useWorker: false) because the CSP allows no blob: workers; none for reduced motion. */
  function initConfetti() {
    var marker = document.querySelector("[data-confetti]");
    if (!marker || typeof window.confetti !== "function" || prefersReducedMotion()) { return; }
    var canvas = document.createElement("canvas");
    canvas.className = "checkout-confetti";
    canvas.setAttribute("aria-hidden", "true");
    canvas.style.position = "fixed";
    canvas.style.inset = "0";
    canvas.style.width = "100%";
    canvas.style.height = "100%";
    canvas.style.pointerEvents = "none";
    canvas.style.zIndex = "1080";
    document.body.appendChild(canvas);
    var fire = window.confetti.create(canvas, { resize: true, useWorker: false,
                                                disableForReducedMotion: true });
    var colors = ["#5b4bdb", "#ffb020", "#22b07d", "#ff5c8a"];
    fire({ particleCount: 120, spread: 75, startVelocity: 45, origin: { y: 0.6 }, colors: colors });
    window.setTimeout(function () {
      fire({ particleCount: 60, angle: 60, spread: 55, origin: { x: 0 }, colors: colors });
      fire({ particleCount: 60, angle: 120, spread: 55, origin: { x: 1 }, colors: colors });
    }, 300);
    window.setTimeout(function () {
      fire.reset();
      canvas.remove();
    }, 6000);
  }

  function init() {
    initAutoSubmit();
    initConfetti();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
