// What does not fit across the current page, as sentences; [] when everything fits.
// Called by tests/e2e/test_layouts.py with the header items the role must see: {store, portal}.
(labels) => {
  const width = window.innerWidth;
  const problems = new Set();
  const text = (el) => (el.innerText || el.value || el.getAttribute("aria-label") || "")
    .replace(/\s+/g, " ").trim();
  const describe = (el) => {
    let name = el.tagName.toLowerCase() + (el.id ? `#${el.id}` : "");
    name += [...el.classList].slice(0, 3).map((c) => `.${c}`).join("");
    const words = text(el).slice(0, 40);
    return words ? `${name} "${words}"` : name;
  };
  // Rendered and bigger than a screen-reader-only 1 px box.
  const shown = (el) => {
    const box = el.getBoundingClientRect();
    return box.width > 1 && box.height > 1 && el.checkVisibility({ visibilityProperty: true });
  };
  const sticksOut = (el) => {
    const box = el.getBoundingClientRect();
    return box.left < -0.5 || box.right > width + 0.5;
  };
  // What cuts `el` off sideways (the viewport, or an ancestor that clips or scrolls), or null.
  const cutOffBy = (el) => {
    const box = el.getBoundingClientRect();
    for (let up = el.parentElement; up && up !== document.body; up = up.parentElement) {
      if (getComputedStyle(up).overflowX === "visible") continue;
      const frame = up.getBoundingClientRect();
      if (box.left < frame.left - 0.5 || box.right > frame.right + 0.5) return describe(up);
    }
    return sticksOut(el) ? "the viewport" : null;
  };

  // True when some horizontal line crosses every element: they sit in one row.
  const oneRow = (elements) => {
    const boxes = elements.map((el) => el.getBoundingClientRect());
    return Math.max(...boxes.map((b) => b.top)) < Math.min(...boxes.map((b) => b.bottom));
  };

  // True when the words of header item `el` (its link or button, not an open menu under it)
  // take one line: their line boxes overlap vertically.
  const oneLine = (el) => {
    const range = document.createRange();
    range.selectNodeContents(el.querySelector(":scope > a, :scope > button") || el);
    const boxes = [...range.getClientRects()].filter((b) => b.width > 1 && b.height > 1);
    return !boxes.length
      || Math.max(...boxes.map((b) => b.top)) < Math.min(...boxes.map((b) => b.bottom));
  };

  const pageWidth = document.documentElement.scrollWidth;
  if (pageWidth > width) {
    // Name the outermost elements that stick out (their parent fits) and nothing clips, however
    // small: a screen-reader-only text placed outside a scrolling box widens the page too.
    const outermost = [...document.body.querySelectorAll("*")].filter((el) =>
      el.getClientRects().length && sticksOut(el) && !sticksOut(el.parentElement));
    const unclipped = outermost.filter((el) => cutOffBy(el) === "the viewport");
    // (an absolute element escapes a scrolling box that is not its containing block)
    const culprits = unclipped.length ? unclipped : outermost;
    const named = culprits.slice(0, 4).map(describe).join("; ");
    problems.add(`the page scrolls sideways: ${pageWidth}px wide (${named || "?"})`);
  }

  // Every field and button must be usable without scrolling some box sideways to find it.
  const controls = document.querySelectorAll(
    "main input:not([type=hidden]), main select, main textarea, main button, main a.btn");
  // (the account tabs are checked below, with their own words)
  for (const el of controls) {
    if (!shown(el) || el.closest(".account-nav")) continue;
    const by = cutOffBy(el);
    if (by) problems.add(`${describe(el)} is cut off by ${by}`);
  }

  // The header: every item of the bar in view, on one row, and the role's items among them.
  const store = document.querySelector(".site-header");
  const portal = document.querySelector(".portal-topbar");
  const header = portal || store;
  const toggler = store && store.querySelector(".navbar-toggler");
  const collapsed = toggler && shown(toggler)
    && !store.querySelector(".navbar-collapse.show");
  if (header) {
    const selector = portal ? "a, button" : (collapsed
      ? ".navbar-brand, .navbar-toggler" : ".navbar-brand, .navbar-nav > .nav-item");
    const items = [...header.querySelectorAll(selector)].filter(shown);
    for (const el of items) {
      const by = cutOffBy(el);
      if (by) problems.add(`header item ${describe(el)} is cut off by ${by}`);
      if (!oneLine(el)) problems.add(`header item ${describe(el)} breaks over two lines`);
    }
    if (!oneRow(items) && !(store && store.querySelector(".navbar-collapse.show"))) {
      problems.add("the header wraps onto a second row");
    }
    if (!collapsed) {
      const candidates = [...header.querySelectorAll("a, button")].filter(shown);
      for (const label of portal ? labels.portal : labels.store) {
        const match = candidates.find((el) => text(el).includes(label) && !cutOffBy(el));
        if (!match) problems.add(`the header does not show "${label}"`);
      }
    }
  }

  // The account pages' tabs ("Log out" included) and the portals' menu; on a laptop or wider,
  // the tabs in one row.
  for (const el of document.querySelectorAll(".account-nav .nav-link, .portal-sidebar a")) {
    const by = shown(el) ? cutOffBy(el) : "display";
    if (by) problems.add(`menu item ${describe(el)} is cut off by ${by}`);
  }
  const tabs = [...document.querySelectorAll(".account-nav .nav-link")].filter(shown);
  if (width >= 1200 && !oneRow(tabs)) {
    problems.add("the account tabs wrap onto a second row");
  }
  return [...problems];
}
