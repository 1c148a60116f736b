// The event poster's print button: without JavaScript it stays hidden and the browser's print command works.
document.querySelectorAll(".poster-print").forEach((button) => {
  button.hidden = false;
  button.addEventListener("click", () => window.print());
});
