// The "Add yourself" form (templates/join.html): writes a profile file from labelled choices
// and opens the forge's new-file page with it, or (?edit=<id>) shows the new text of an
// existing profile to paste into the forge's editor. Choices come from the taxonomy, so ids
// are always right; the free fields are checked against the limits and patterns of the
// published schema (/schema/volunteer.json). The robot checks the file again on the forge.
"use strict";

document.addEventListener("DOMContentLoaded", async () => {
  const form = document.getElementById("join-form");
  if (!form) return;
  const $ = (id) => document.getElementById(id);
  const words = JSON.parse(form.dataset.messages);
  const status = $("join-status");
  const plurals = new Intl.PluralRules(document.documentElement.lang || "en");
  const plural = (entry, n) => (entry[plurals.select(n)] || entry.other).replace("{n}", n);
  const idPattern = new RegExp(form.dataset.idPattern);
  const reserved = new Set(form.dataset.reserved.split(" "));
  const slugPattern = /^[a-z][a-z0-9-]{0,62}$/;
  const checked = (name) => [...form.querySelectorAll(`input[name=${name}]:checked`)].map((box) => box.value);

  // The schema's limits; if it cannot be read, the robot still checks them on the forge.
  let schema = {};
  try {
    const response = await fetch(form.dataset.schema);
    if (response.ok) schema = (await response.json()).properties || {};
  } catch (error) { /* offline: the checks below that need the schema are skipped */ }
  const rule = (...path) => path.reduce((node, key) => (node && node[key]) || (node && node.properties && node.properties[key]), schema) || {};

  let mode = "new";
  const levels = {};
  // Editing: the order the file lists skills, themes and languages in (its first skill is shown
  // first); what is ticked keeps it, and what is new comes after, in the form's order.
  const fileOrder = { skills: [], themes: [], languages: [] };
  const inFileOrder = (key, chosen) => [...chosen].sort((a, b) => rank(fileOrder[key], a) - rank(fileOrder[key], b));
  const rank = (order, id) => (order.includes(id) ? order.indexOf(id) : order.length);
  let endorses = [];
  let idTouched = false;

  // --- the profile's name follows the person's name until it is edited --------------------
  // Letters with no accent to take off (Ł, ø, ß…) are spelt in ASCII first, as the command line's
  // suggested names are (unidecode): Łukasz Żółć → lukasz-zolc.
  const SPELT = { ł: "l", ø: "o", đ: "d", ð: "d", ß: "ss", æ: "ae", œ: "oe", þ: "th", ı: "i", ħ: "h", ŧ: "t" };
  // As joinedup.load.files.suggested_id: apostrophes go, a leading digit gets "p-" before it.
  const slug = (text) => {
    const plain = text.toLowerCase().normalize("NFKD").replace(/[\u0300-\u036f]/g, "")
      .replace(/[łøđðßæœþıħŧ]/g, (letter) => SPELT[letter]).replace(/['’`]/g, "")
      .replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "").slice(0, 60).replace(/-+$/, "");
    return plain && !/^[a-z]/.test(plain) ? `p-${plain}` : plain;
  };
  $("join-name").addEventListener("input", () => { if (!idTouched) $("join-id").value = slug($("join-name").value); });
  $("join-id").addEventListener("input", () => { idTouched = true; });

  // --- skills: a filter box and a count of the ticked ones -----------------------------------
  const skills = $("join-skills");
  const countSkills = () => { $("join-skills-count").textContent = plural(words.chosen, checked("skill").length); };
  skills.addEventListener("change", countSkills);
  $("join-skill-filter").addEventListener("input", () => {
    const terms = $("join-skill-filter").value.toLowerCase().split(/\s+/).filter(Boolean);
    let shown = 0;
    for (const group of skills.querySelectorAll(".skill-group")) {
      let inGroup = 0;
      for (const label of group.querySelectorAll("label[data-words]")) {
        const show = label.querySelector("input").checked || terms.every((term) => label.dataset.words.includes(term));
        label.hidden = !show;
        inGroup += show;
      }
      group.hidden = inGroup === 0;
      shown += inGroup;
    }
    $("join-skill-filter-result").textContent = shown ? "" : words["no-skill-matches"];
  });
  countSkills();

  // --- checking the answers ------------------------------------------------------------------
  const PRIVATE = [/[^\s@]+@[^\s@]+\.[a-z]{2,}/i, /(?:\+|\b)\d(?:[\s().-]?\d){8,}/];
  const clean = (text) => text.replace(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/g, " ").trim();
  const value = (id) => clean($(id).value);

  function clearErrors() {
    for (const old of form.querySelectorAll(".field-error")) old.remove();
    for (const field of form.querySelectorAll("[aria-invalid]")) {
      field.removeAttribute("aria-invalid");
      const rest = (field.getAttribute("aria-describedby") || "").split(" ").filter((id) => id && !id.endsWith("-error"));
      if (rest.length) field.setAttribute("aria-describedby", rest.join(" ")); else field.removeAttribute("aria-describedby");
    }
  }

  // The message goes after the field's label (or the group's legend) and is read with the field.
  function fail(errors, field, message, where) {
    const error = document.createElement("p");
    error.className = "field-error";
    error.id = `${field.id || field.name}-error`;
    error.textContent = message;
    const anchor = where || form.querySelector(`label[for="${field.id}"]`) || field;
    anchor.after(error);
    field.setAttribute("aria-invalid", "true");
    field.setAttribute("aria-describedby", [field.getAttribute("aria-describedby"), error.id].filter(Boolean).join(" "));
    errors.push(field);
  }

  function text(errors, id, limits, required = true) {
    const field = $(id);
    const answer = value(id);
    if (!answer) {
      if (required) fail(errors, field, words.required);
    } else if (limits.maxLength && [...answer].length > limits.maxLength) {  // characters, as the robot counts, not UTF-16 units
      fail(errors, field, words["too-long"].replace("{n}", limits.maxLength));
    } else if (limits.pattern && !new RegExp(limits.pattern, "u").test(answer)) {
      fail(errors, field, words[`pattern-${field.name}`]);
    } else if (limits.private && PRIVATE.some((pattern) => pattern.test(answer))) {
      fail(errors, field, words.private);
    }
    return answer;
  }

  function read() {
    const errors = [];
    const profile = {};
    profile.name = text(errors, "join-name", { ...rule("name"), private: true });
    const id = value("join-id");
    if (!id) fail(errors, $("join-id"), words.required);
    else if (!idPattern.test(id)) fail(errors, $("join-id"), words["pattern-id"]);
    else if (reserved.has(id)) fail(errors, $("join-id"), words["reserved-id"]);
    profile.github = text(errors, "join-github", rule("github"));
    profile.headline = text(errors, "join-headline", { ...rule("headline"), private: true });
    profile.bio = text(errors, "join-bio", { ...rule("bio"), private: true }, false);
    const chosen = checked("skill");
    const most = rule("skills").maxItems || 15;
    if (!chosen.length) fail(errors, $("join-skill-filter"), words["skills-none"], $("join-skills-count"));
    else if (chosen.length > most) fail(errors, $("join-skill-filter"), words["skills-many"].replace("{n}", most), $("join-skills-count"));
    profile.skills = inFileOrder("skills", chosen);
    profile.place = text(errors, "join-place", { ...rule("location", "place"), private: true });
    if (!$("join-region").value) fail(errors, $("join-region"), words.required);
    profile.region = $("join-region").value;
    profile.remote = $("join-remote").checked;
    const hours = $("join-hours");
    const low = rule("availability", "hours_per_week").minimum || 1;
    const high = rule("availability", "hours_per_week").maximum || 60;
    if (!/^\d+$/.test(hours.value.trim()) || +hours.value < low || +hours.value > high) {
      fail(errors, hours, words.hours.replace("{min}", low).replace("{max}", high));
    }
    profile.hours = +hours.value;
    profile.when = checked("when");
    for (const key of ["from", "until"]) {
      const field = $(`join-${key}`);
      if (field.validity.badInput || (field.value && !/^\d{4}-\d\d-\d\d$/.test(field.value))) fail(errors, field, words.date);
      profile[key] = field.value;
    }
    if (profile.from && profile.until && profile.until < profile.from) fail(errors, $("join-until"), words.dates);
    const other = $("join-other-languages");
    const typed = other.value.toLowerCase().split(/[\s,;]+/).filter(Boolean);
    if (typed.some((code) => !/^[a-z]{2}$/.test(code))) fail(errors, other, words["pattern-language"]);
    profile.languages = inFileOrder("languages", new Set([...checked("language"), ...typed]));
    const firstLanguage = form.querySelector("input[name=language]");
    const languageLimit = rule("languages").maxItems || 8;
    if (!profile.languages.length) fail(errors, firstLanguage, words["languages-none"], $("join-languages").querySelector("legend"));
    else if (profile.languages.length > languageLimit) {
      fail(errors, firstLanguage, words["languages-many"].replace("{n}", languageLimit), $("join-languages").querySelector("legend"));
    }
    profile.themes = inFileOrder("themes", checked("theme"));
    const themeLimit = rule("themes").maxItems || 10;
    if (profile.themes.length > themeLimit) {
      const first = form.querySelector("input[name=theme]");
      fail(errors, first, words["themes-many"].replace("{n}", themeLimit), $("join-themes").querySelector("legend"));
    }
    profile.contact = {};
    for (const key of ["email", "website", "mastodon", "bluesky"]) {
      const answer = text(errors, `join-${key}`, rule("contact", key), false);
      if (answer) profile.contact[key] = answer;
    }
    if (!$("join-publish").checked) fail(errors, $("join-publish"), words.consent, $("join-publish").parentElement);
    return { id, profile, errors };
  }

  // --- writing the file -----------------------------------------------------------------------
  // Plain words stay plain; anything YAML could read otherwise (a colon, a leading digit, "no")
  // is written as a double-quoted string, whose escapes JSON's are a subset of.
  const PLAIN = /^\p{L}[\p{L}\p{M}\p{N} .,'’()&/+!?-]*$/u;
  const KEYWORDS = /^(y|n|yes|no|true|false|on|off|null)$/i;
  const scalar = (answer) => (PLAIN.test(answer) && !/\s$/.test(answer) && !KEYWORDS.test(answer) ? answer : JSON.stringify(answer));

  function yaml(profile) {
    const lines = ["# yaml-language-server: $schema=schema.json", `name: ${scalar(profile.name)}`,
      `github: ${scalar(profile.github)}`, `headline: ${scalar(profile.headline)}`];
    if (profile.bio) {
      const bio = profile.bio.replace(/\t/g, "  ").replace(/\r\n?/g, "\n").replace(/[ ]+$/gm, "");
      if (/^\S/.test(bio)) lines.push("bio: |-", ...bio.split("\n").map((line) => (line ? `  ${line}` : "")));
      else lines.push(`bio: ${JSON.stringify(bio)}`);
    }
    lines.push("skills:", ...profile.skills.map((id) => (levels[id] ? `  - id: ${id}\n    level: ${levels[id]}` : `  - ${id}`)));
    if (profile.themes.length) lines.push("themes:", ...profile.themes.map((id) => `  - ${id}`));
    lines.push("location:", `  place: ${scalar(profile.place)}`, `  region: ${profile.region}`,
      `remote: ${profile.remote}`, "availability:", `  hours_per_week: ${profile.hours}`);
    if (profile.when.length) lines.push(`  when: [${profile.when.join(", ")}]`);
    if (profile.from) lines.push(`  from: ${profile.from}`);
    if (profile.until) lines.push(`  until: ${profile.until}`);
    lines.push(`languages: [${profile.languages.map(scalar).join(", ")}]`);  // Norwegian, "no", is not false
    const contact = Object.entries(profile.contact);
    if (contact.length) lines.push("contact:", ...contact.map(([key, answer]) => `  ${key}: ${scalar(answer)}`));
    if (endorses.length) lines.push("endorses:", ...endorses.map((proposal) => `  - ${proposal}`));
    lines.push("publish: true");
    return lines.join("\n") + "\n";
  }

  // The first of id-2 … id-9 (cut to fit an id) that nobody has, or "" when all are taken.
  const freeName = async (id) => {
    for (let number = 2; number < 10; number += 1) {
      const name = `${id.slice(0, 63 - 2).replace(/-+$/, "")}-${number}`;
      if (!(await published(name))) return name;
    }
    return "";
  };
  let checking = false;
  // Whether the site has a person's page at ``id`` (offline or unreadable: as if not). A free
  // name's answer is a 404, which the browser's console shows: that is the answer, not a fault.
  const published = async (id) => {
    const response = await fetch(`${form.dataset.site}/people/${id}/`, { method: "HEAD" }).catch(() => null);
    return Boolean(response && response.ok);
  };

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (checking) return;  // a second press while the name is being looked up
    clearErrors();
    const { id, profile, errors } = read();
    // A new profile's name must be free: another person's page at it means their file has it.
    checking = true;
    try {
      if (mode === "new" && !$("join-id").hasAttribute("aria-invalid") && await published(id)) {
        const free = await freeName(id);
        fail(errors, $("join-id"), (free ? words["taken-id"].replace("{free}", free) : words["taken-id-choose"]).replace("{id}", id));
        // The first field in error on the page gets the focus, this one included.
        errors.sort((a, b) => (a.compareDocumentPosition(b) & Node.DOCUMENT_POSITION_FOLLOWING ? -1 : 1));
      }
    } finally {
      checking = false;
    }
    if (errors.length) {
      status.textContent = plural(words.errors, errors.length);
      errors[0].focus();
      return;
    }
    status.textContent = "";
    const file = yaml(profile);
    $("join-text").value = file;
    $("join-path").textContent = `volunteers/${id}.yaml`;
    $("join-forge-new").href = `${form.dataset.new}?${new URLSearchParams({ filename: `${id}.yaml`, value: file })}`;
    $("join-forge-edit").href = `${form.dataset.edit}${id}.yaml`;
    for (const part of document.querySelectorAll("#join-result [data-mode]")) part.hidden = part.dataset.mode !== mode;
    form.hidden = true;
    $("join-result").hidden = false;
    $("join-result-heading").focus();
  });

  $("join-back").addEventListener("click", () => {
    $("join-result").hidden = true;
    form.hidden = false;
    $("join-name").focus();
  });

  $("join-copy").addEventListener("click", async () => {
    try {
      await navigator.clipboard.writeText($("join-text").value);
      $("join-copy-status").textContent = words.copied;
    } catch (error) {
      $("join-text").select();
      $("join-copy-status").textContent = words["copy-failed"];
    }
  });

  // Shown only now that its handlers are in place: a click on "Write my file" before them would
  // send the form to the page itself and lose every answer.
  form.hidden = false;

  // --- editing: the form filled in from the person's page --------------------------------------
  const asked = new URLSearchParams(location.search);
  const editing = asked.get("edit") || "";
  const endorsing = asked.get("endorse") || "";
  if (!editing) return;
  if (!idPattern.test(editing)) {
    status.textContent = words["not-found"].replace("{id}", editing);
    return;
  }
  status.textContent = words.loading;
  const response = await fetch(`${form.dataset.site}/people/${editing}/`).catch(() => null);
  const page = response && response.ok ? new DOMParser().parseFromString(await response.text(), "text/html") : null;
  const source = page && page.querySelector("[data-profile]");
  if (!source) {
    status.textContent = words["not-found"].replace("{id}", editing);
    return;
  }
  // Values the file leaves out are left out here too (joinedup.render.editing.profile_source).
  const person = { when: [], languages: [], themes: [], skills: [], mastodon: [], endorses: [], ...JSON.parse(source.dataset.profile) };
  mode = "edit";
  document.title = document.title.replace($("join-title").textContent, words["edit-title"]);
  $("join-title").textContent = words["edit-title"];
  const fill = (id, answer) => { $(id).value = answer || ""; };
  fill("join-name", page.querySelector("h1").textContent.trim());
  fill("join-id", editing);
  $("join-github-hint").textContent = words["github-edit"];
  $("join-id").readOnly = true;
  idTouched = true;
  fill("join-headline", (page.querySelector(".profile .lead") || {}).textContent);
  const bio = page.querySelector(".profile .bio");
  fill("join-bio", bio ? markdown(bio).replace(/\n{3,}/g, "\n\n").trim() : "");
  fill("join-place", person.place);
  fill("join-region", person.region);
  $("join-remote").checked = person.remote;
  fill("join-hours", person.hours);
  fill("join-from", person.from);
  fill("join-until", person.until);
  const known = new Set();
  for (const [name, values] of [["skill", person.skills.map(([id]) => id)], ["when", person.when], ["theme", person.themes], ["language", person.languages]]) {
    for (const box of form.querySelectorAll(`input[name=${name}]`)) {
      box.checked = values.includes(box.value);
      if (name === "language") known.add(box.value);
    }
  }
  fill("join-other-languages", person.languages.filter((code) => !known.has(code)).join(", "));
  for (const [id, level] of person.skills) if (level) levels[id] = level;
  Object.assign(fileOrder, { skills: person.skills.map(([id]) => id), themes: person.themes, languages: person.languages });
  const email = page.querySelector(".contact .email[data-encoded]");
  if (email) {
    const bytes = Uint8Array.from(atob(email.dataset.encoded), (c) => c.charCodeAt(0));
    fill("join-email", new TextDecoder().decode(bytes).split("").reverse().join(""));
  }
  for (const key of ["website", "bluesky"]) fill(`join-${key}`, person[key]);
  fill("join-mastodon", person.mastodon.length ? `@${person.mastodon.join("@")}` : "");
  endorses = person.endorses;
  if (slugPattern.test(endorsing) && !endorses.includes(endorsing)) endorses = [...endorses, endorsing];
  $("join-publish").checked = true;
  countSkills();
  status.textContent = slugPattern.test(endorsing) ? words.endorsing.replace("{slug}", endorsing) : "";
});

// A bio as the page shows it, back to the limited Markdown it was written in.
function markdown(node) {
  let out = "";
  for (const child of node.childNodes) {
    if (child.nodeType === Node.TEXT_NODE) {
      // Spaces between blocks (paragraphs, lists) are the page's layout, not the bio's words.
      if (child.textContent.trim() || !/^(DIV|UL|OL|BLOCKQUOTE)$/.test(node.tagName)) out += child.textContent.replace(/\s+/g, " ");
      continue;
    }
    if (child.nodeType !== Node.ELEMENT_NODE) continue;
    const inner = markdown(child);
    switch (child.tagName) {
      case "STRONG": out += `**${inner}**`; break;
      case "EM": out += `*${inner}*`; break;
      case "CODE": out += `\`${inner}\``; break;
      case "A": out += `[${inner}](${child.getAttribute("href")})`; break;
      case "BR": out += "\n"; break;
      case "LI": out += `${child.parentElement.tagName === "OL" ? "1." : "-"} ${inner.trim()}\n`; break;
      case "UL": case "OL": out += `\n${inner}\n`; break;
      case "BLOCKQUOTE": out += `\n${inner.trim().split("\n").map((line) => `> ${line}`).join("\n")}\n\n`; break;
      case "P": out += `\n${inner.trim()}\n\n`; break;
      default: out += inner;
    }
  }
  return out;
}
