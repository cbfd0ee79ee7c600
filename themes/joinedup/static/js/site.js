// Progressive enhancement only: every page works without this file.
// Turns the spelled-out e-mail address into a mailto link. The address is never in the
// page as plain text, so robots that harvest addresses do not find it.
document.addEventListener("DOMContentLoaded", () => {
  for (const element of document.querySelectorAll(".email[data-encoded]")) {
    const bytes = Uint8Array.from(atob(element.dataset.encoded), (c) => c.charCodeAt(0));
    const address = new TextDecoder().decode(bytes).split("").reverse().join("");
    const button = document.createElement("button");
    button.type = "button";
    button.className = "link-button";
    button.textContent = element.dataset.show || "Show e-mail address";
    button.addEventListener("click", () => {
      const link = document.createElement("a");
      link.href = "mailto:" + address;
      link.textContent = address;
      element.replaceChildren(link);
      link.focus();
    });
    element.replaceChildren(button);
  }
});
