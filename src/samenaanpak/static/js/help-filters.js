// The filters of /hulp/ are folded away on a phone so the results come first; on a wide screen they
// sit beside the results, so unfold them there. Without JavaScript they stay one click away.
document.addEventListener("DOMContentLoaded", () => {
  const filters = document.querySelector("[data-filters]");
  if (filters && window.matchMedia("(min-width: 52rem)").matches) filters.open = true;
});
