/* batteryloop: the Print button of printable pages (a script file, not inline: the CSP allows 'self' only). */
document.querySelectorAll("[data-print]").forEach(function (button) {
  button.hidden = false;
  button.addEventListener("click", function () { window.print(); });
});
