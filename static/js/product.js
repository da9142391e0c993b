/* Product, shop and offers pages: gallery thumbnails, image zoom, live countdowns,
   and the quantity limit following the chosen variant. Every page reads fine without it. */
(function () {
  "use strict";

  /* Thumbnails swap the main image instead of opening the file. */
  function initGallery(gallery) {
    var main = gallery.querySelector("[data-gallery-main]");
    if (!main) { return; }
    gallery.querySelectorAll("[data-gallery-thumb]").forEach(function (thumb) {
      thumb.addEventListener("click", function (event) {
        event.preventDefault();
        main.src = thumb.getAttribute("href");
        main.alt = thumb.getAttribute("data-alt") || main.alt;
        gallery.querySelectorAll("[data-gallery-thumb]").forEach(function (other) {
          other.removeAttribute("aria-current");
        });
        thumb.setAttribute("aria-current", "true");
        var frame = gallery.querySelector("[data-zoom]");
        if (frame) { setZoom(frame, false); }
      });
    });
  }

  function setZoom(frame, on) {
    frame.classList.toggle("is-zoomed", on);
    frame.setAttribute("aria-pressed", on ? "true" : "false");
  }

  /* Hover zooms (CSS) toward the pointer; a tap, click or Enter toggles zoom. */
  function initZoom(frame) {
    var hint = frame.parentElement.querySelector("[data-zoom-hint]");
    if (hint) { hint.hidden = false; }
    frame.setAttribute("role", "button");
    frame.setAttribute("tabindex", "0");
    frame.setAttribute("aria-label", "Zoom the image");
    frame.setAttribute("aria-pressed", "false");
    function aim(x, y) {
      var box = frame.getBoundingClientRect();
      frame.style.setProperty("--zoom-x", ((x - box.left) / box.width * 100) + "%");
      frame.style.setProperty("--zoom-y", ((y - box.top) / box.height * 100) + "%");
    }
    frame.addEventListener("mousemove", function (event) { aim(event.clientX, event.clientY); });
    frame.addEventListener("click", function (event) {
      aim(event.clientX, event.clientY);
      setZoom(frame, !frame.classList.contains("is-zoomed"));
    });
    frame.addEventListener("keydown", function (event) {
      if (event.key === "Enter" || event.key === " ") {
        event.preventDefault();
        setZoom(frame, !frame.classList.contains("is-zoomed"));
      }
      if (event.key === "Escape") { setZoom(frame, false); }
    });
  }

  function pad(n) { return n < 10 ? "0" + n : String(n); }

  function remaining(ms) {
    var s = Math.floor(ms / 1000);
    var days = Math.floor(s / 86400);
    s -= days * 86400;
    var clock = pad(Math.floor(s / 3600)) + ":" + pad(Math.floor(s / 60) % 60) + ":" + pad(s % 60);
    return (days ? days + "d " : "") + clock;
  }

  /* The <time> keeps the exact end; a sibling shows the time left, once a second. */
  function initCountdowns(root) {
    var items = [];
    root.querySelectorAll("[data-countdown]").forEach(function (box) {
      var time = box.querySelector("time[datetime]");
      var live = box.querySelector("[data-countdown-live]");
      var at = time ? Date.parse(time.getAttribute("datetime")) : NaN;
      if (live && !isNaN(at)) { items.push({ at: at, live: live }); }
    });
    if (!items.length) { return; }
    function tick() {
      var now = Date.now();
      items.forEach(function (item) {
        var left = item.at - now;
        item.live.hidden = false;
        item.live.textContent = left > 0 ? "(" + remaining(left) + " left)" : "(now)";
      });
    }
    tick();
    window.setInterval(tick, 1000);
  }

  /* The quantity box may not ask for more than the chosen variant has. */
  function initQuantity(form) {
    var select = form.querySelector("[data-variant-select]");
    var quantity = form.querySelector("[data-quantity]");
    if (!select || !quantity) { return; }
    function apply() {
      var option = select.options[select.selectedIndex];
      var stock = option ? parseInt(option.getAttribute("data-stock"), 10) : NaN;
      if (!isNaN(stock) && stock > 0) {
        quantity.max = String(stock);
        if (parseInt(quantity.value, 10) > stock) { quantity.value = String(stock); }
      }
    }
    select.addEventListener("change", apply);
    apply();
  }

  document.querySelectorAll("[data-gallery]").forEach(initGallery);
  document.querySelectorAll("[data-zoom]").forEach(initZoom);
  document.querySelectorAll("[data-buy-form]").forEach(initQuantity);
  initCountdowns(document);
})();
