// The meldcode's copy button: progressive enhancement. Without JavaScript, or without a clipboard,
// the button stays hidden and the page asks to write the code down or photograph it.
document.addEventListener("DOMContentLoaded", () => {
  const button = document.querySelector("[data-copy]");
  if (!button || !navigator.clipboard) return;
  const note = button.parentElement.querySelector(".sa-receipt__copied");
  button.parentElement.hidden = false;
  button.addEventListener("click", async () => {
    try {
      await navigator.clipboard.writeText(button.dataset.copy);
      note.textContent = button.dataset.copied;
    } catch (error) {
      note.textContent = "";
    }
  });
});
