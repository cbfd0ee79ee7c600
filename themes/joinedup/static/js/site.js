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

// "Add yourself" and "Edit this profile" open the site's form (/join/) instead of the forge's
// editor: the footer's "Add yourself" link is the form (which, without JavaScript, offers the
// forge's commented template), and names the forge's new-profile page and profile editor, so
// every other link to them is sent to the form too. Without this script those stay links to
// the commented template and to the file itself.
document.addEventListener("DOMContentLoaded", () => {
  const join = document.querySelector("a[data-join-new]");
  if (!join) return;
  const add = join.dataset.joinNew;
  const edit = join.dataset.joinEdit;
  for (const link of document.querySelectorAll("a[href]")) {
    const href = link.getAttribute("href");
    if (href === add || href.startsWith(`${add}?`)) {
      link.href = join.getAttribute("href");
    } else if (href.startsWith(edit) && /^[a-z][a-z0-9-]*\.yaml$/.test(href.slice(edit.length))) {
      link.href = `${join.getAttribute("href")}?edit=${href.slice(edit.length, -".yaml".length)}`;
    }
  }
});
