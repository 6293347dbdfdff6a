// WCAG 2.2 checks a page can fail, run in the browser by tests/browser/capture_steps.py:
// text contrast (1.4.3: 4.5:1, 3:1 for large text), a name for every control and image (4.1.2,
// 1.1.1) and keyboard reachability of every enabled control (2.1.1). Returns the problems found.
() => {
  const rgb = (c) => (c.match(/[\d.]+/g) || []).map(Number);
  const lum = ([r, g, b]) => { const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b); };
  const background = (el) => { for (let e = el; e; e = e.parentElement) { const c = rgb(getComputedStyle(e).backgroundColor);
    if (c.length === 3 || (c.length === 4 && c[3] > 0.9)) return c.slice(0, 3); } return [255, 255, 255]; };
  const visible = (el) => el.offsetParent !== null && getComputedStyle(el).visibility !== "hidden";
  const problems = [];
  for (const el of document.querySelectorAll("body *")) {
    if (!visible(el) || el.closest("[aria-hidden=true]")) continue;
    const own = [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim());
    if (own) {
      const s = getComputedStyle(el), fg = rgb(s.color).slice(0, 3), bg = background(el);
      const [a, b] = [lum(fg), lum(bg)].sort((x, y) => y - x), ratio = (a + 0.05) / (b + 0.05);
      const size = parseFloat(s.fontSize), bold = Number(s.fontWeight) >= 700;
      const need = size >= 24 || (bold && size >= 18.66) ? 3 : 4.5;
      if (ratio < need) problems.push(`contrast ${ratio.toFixed(2)} < ${need}: ${el.tagName}#${el.id} "${el.textContent.trim().slice(0, 40)}"`);
    }
    if (el.matches("button, input, select, textarea") && !(el.labels && el.labels.length)
        && !(el.getAttribute("aria-label") || el.textContent.trim())) problems.push(`no name: ${el.tagName}#${el.id}`);
    if (el.matches("img") && !el.hasAttribute("alt")) problems.push(`no alt: img#${el.id}`);
    if (el.matches("button:not([disabled]), input:not([disabled])") && el.tabIndex < 0) problems.push(`not focusable: ${el.id}`);
  }
  return problems;
}
