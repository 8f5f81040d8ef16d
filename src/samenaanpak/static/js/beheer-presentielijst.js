// The sign-in list's "Afdrukken" button: shown only when this script runs (without it the page
// says to use the browser's print menu). A static file: the strict CSP has no inline scripts.
document.querySelectorAll(".sa-signin__print").forEach((button) => {
  button.hidden = false;
  button.addEventListener("click", () => window.print());
});
