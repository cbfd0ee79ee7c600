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
      // A group's "I can help" names the need in the message's subject.
      link.href = "mailto:" + address + (element.dataset.subject ? "?subject=" + encodeURIComponent(element.dataset.subject) : "");
      link.textContent = address;
      element.replaceChildren(link);
      link.focus();
    });
    element.replaceChildren(button);
  }
});

// "Edit this profile" opens the site's form (/join/?edit=<id>, which reads the person's page)
// instead of the forge's editor: the link names the form in data-join. Without this script it
// stays a link to the file on the forge. "Add yourself" is the form itself everywhere (/join/),
// which, without JavaScript, offers the forge's commented template.
document.addEventListener("DOMContentLoaded", () => {
  for (const link of document.querySelectorAll("a[data-join]")) {
    link.href = link.dataset.join;
  }
});
