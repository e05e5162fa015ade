/* "Print this plan": the button shows only where it can work; the print styles do the rest. */
for (const button of document.querySelectorAll("[data-print]")) {
  button.hidden = false;
  button.addEventListener("click", () => window.print());
}
