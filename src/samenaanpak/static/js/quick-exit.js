// "Snel weg": leave for a neutral site at once. location.replace takes this page out of the
// history, so Back does not bring it back; Escape does the same from anywhere on the page.
// Without JavaScript the link still works as a plain link.
(() => {
  const leave = (link) => window.location.replace(link.href);
  document.addEventListener("click", (event) => {
    const link = event.target.closest && event.target.closest("[data-quick-exit]");
    if (!link || event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey) return;
    event.preventDefault();
    leave(link);
  });
  document.addEventListener("keydown", (event) => {
    if (event.key !== "Escape" || event.defaultPrevented) return;
    const link = document.querySelector("[data-quick-exit]");
    if (link) leave(link);
  });
})();
