// The search page. For people, filters and words (of names, headlines, places, skills and bios)
// are answered from the static per-facet files (search/facets/, written by the build), so a search
// fetches a few small files whatever the size of the directory. Proposals and groups (the "What"
// choice) are few: Pagefind alone answers them, with their type, status, theme and skill filters. The form's state lives in the URL: a search can be
// shared, and reloading the page restores it. Without JavaScript the page points to the
// browse pages instead.

const form = document.getElementById("search-form");
const words = document.getElementById("search-q");
const statusLine = document.getElementById("search-status");
const list = document.getElementById("search-results");
const moreWrap = document.getElementById("search-more-wrap");
const moreButton = document.getElementById("search-more");
const site = form.dataset.site || "";
const PAGE = 20;
// Within one filter any ticked value will do, except skills: people must have them all (and
// proposals and groups need them all). "type" is the What choice; empty means people.
const FILTERS = ["type", "status", "skill", "region", "remote", "availability", "hours", "theme"];
const ALL_OF = new Set(["skill"]);

let generation = 0;
let showMore = null;

// The words shown, in the page's language: search.html puts them in data-messages ({n} is a number).
const MESSAGES = JSON.parse(form.dataset.messages || "{}");
const counting = new Intl.NumberFormat(document.documentElement.lang || undefined);
const plurals = new Intl.PluralRules(document.documentElement.lang || undefined);
function say(key, n) {
  const words = MESSAGES[key];
  const text = typeof words === "string" ? words : words[plurals.select(n) === "one" ? "one" : "other"];
  return text.replace("{n}", counting.format(n));
}

function kind() {
  return form.querySelector("input[name=type]:checked")?.value || "";
}

// Show the words' hint and the filters that apply to what is searched for; a disabled fieldset
// leaves its values out of the form, so they are neither searched nor put in the URL.
function showKind() {
  const current = kind() || "person";
  for (const element of form.querySelectorAll("[data-for]")) {
    const applies = element.dataset.for.split(" ").includes(current);
    element.hidden = !applies;
    if (element.tagName === "FIELDSET") element.disabled = !applies;
  }
}

function chosen() {
  const data = new FormData(form);
  const filters = {};
  for (const key of FILTERS) {
    const values = data.getAll(key).filter(Boolean);
    if (values.length) filters[key] = values;
  }
  return { q: (data.get("q") || "").trim(), filters };
}

function restore() {
  const params = new URLSearchParams(location.search);
  words.value = params.get("q") || "";
  for (const field of form.elements) {
    if (!FILTERS.includes(field.name)) continue;
    const values = params.getAll(field.name);
    if (field.type === "radio") {
      field.checked = field.value === (values[0] || "");
    } else if (field.type === "checkbox") {
      field.checked = values.includes(field.value);
      const group = field.closest("details");
      if (field.checked && group) group.open = true;
    }
    else if (field.tagName === "SELECT") field.value = values[0] || "";
  }
}

function remember({ q, filters }) {
  const params = new URLSearchParams();
  if (q) params.set("q", q);
  for (const [key, values] of Object.entries(filters)) for (const value of values) params.append(key, value);
  const query = params.toString();
  const ticked = Object.entries(filters).reduce((sum, [key, values]) => sum + (key === "type" ? 0 : values.length), 0);
  document.getElementById("search-filter-count").textContent = ticked ? say("chosen", ticked) : "";
  history.replaceState(null, "", query ? `?${query}` : location.pathname);
}

// --- filters alone: the facet files ------------------------------------------------------

const facets = form.dataset.facets;
const fetched = new Map();

function fetchOnce(url, how) {
  if (!fetched.has(url)) {
    fetched.set(url, fetch(url).then((response) => {
      if (!response.ok) throw new Error(`${url}: ${response.status}`);
      return how === "json" ? response.json() : response.arrayBuffer();
    }));
  }
  return fetched.get(url);
}

async function facetSet(manifest, key, value, known = false) {
  const words = new Uint32Array(Math.ceil(manifest.count / 32));
  if (!known && !(manifest.values[key] || []).includes(value)) return words;
  const bytes = new Uint8Array(await fetchOnce(`${facets}${key}/${encodeURIComponent(value)}.bin`, "bin"));
  if (bytes[0] === 0) {
    new Uint8Array(words.buffer).set(bytes.subarray(1));
    return words;
  }
  let number = -1, gap = 0, shift = 0;
  for (let i = 1; i < bytes.length; i++) {
    gap |= (bytes[i] & 0x7f) << shift;
    shift += 7;
    if (!(bytes[i] & 0x80)) {
      number += gap;
      words[number >>> 5] |= 1 << (number & 31);
      gap = 0;
      shift = 0;
    }
  }
  return words;
}

function listed(manifest, numbers) {
  const words = new Uint32Array(Math.ceil(manifest.count / 32));
  for (const number of numbers) words[number >>> 5] |= 1 << (number & 31);
  return words;
}

function tokens(text) {
  return text.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase()
    .split(/[^a-z0-9]+/).filter((word) => word.length >= 2);
}

// The people having every word (the last one may be the start of a word still being typed),
// or null when a word is known of nobody. A rare word's numbers are in the vocabulary itself.
async function wordSet(manifest, q) {
  const words = tokens(q);
  let result = null;
  for (const [position, word] of words.entries()) {
    const prefix = word.slice(0, 2);
    if (!manifest.prefixes.includes(prefix)) return null;
    const vocabulary = await fetchOnce(`${facets}words/${prefix}.json`, "json");
    const typing = position === words.length - 1 && !/\s$/.test(q);
    const hits = vocabulary.filter(([known]) => (typing ? known.startsWith(word) : known === word))
      .sort((a, b) => b[1] - a[1]).slice(0, 30);
    if (!hits.length) return null;
    const sets = await Promise.all(hits.map(([known, , inline]) => (inline ? listed(manifest, inline)
      : facetSet(manifest, "word", known, true))));
    const any = sets.reduce((a, b) => a.map((bits, i) => bits | b[i]));
    result = result ? result.map((bits, i) => bits & any[i]) : any;
  }
  return result;
}

async function facetSearch(q, filters) {
  const manifest = await fetchOnce(`${facets}index.json`, "json");
  const nobody = { total: 0, cards: async () => [] };
  let result = null;
  if (tokens(q).length) {
    result = await wordSet(manifest, q);
    if (result === null) return nobody;
  }
  for (const [key, values] of Object.entries(filters)) {
    const sets = await Promise.all(values.map((value) => facetSet(manifest, key, value)));
    const combined = sets.reduce((a, b) => a.map((word, i) => (ALL_OF.has(key) ? word & b[i] : word | b[i])));
    result = result ? result.map((word, i) => word & combined[i]) : combined;
  }
  if (result === null) return nobody; // only a one-letter word so far, and no filter
  const numbers = [];
  result.forEach((word, i) => {
    for (let bit = 0; word; bit++, word >>>= 1) if (word & 1) numbers.push(i * 32 + bit);
  });
  const cards = async (start) => {
    const slice = numbers.slice(start, start + PAGE);
    const shards = [...new Set(slice.map((n) => Math.floor(n / manifest.shard)))];
    const loaded = new Map(await Promise.all(
      shards.map(async (shard) => [shard, await fetchOnce(`${facets}cards/${shard}.json`, "json")])));
    return slice.map((n) => {
      const [id, name, headline, place, skills] = loaded.get(Math.floor(n / manifest.shard))[n % manifest.shard];
      return { url: `${site}/people/${id}/`, name, headline, place, skills };
    });
  };
  return { total: numbers.length, cards };
}

// --- proposals and groups: Pagefind ------------------------------------------------------

let pagefind = null;

async function loadPagefind() {
  if (!pagefind) {
    pagefind = await import(`${form.dataset.pagefind}pagefind.js`);
    await pagefind.options({ baseUrl: `${site}/` });
    // Without this the first search can wait on the worker's start (seen in headless Chromium with
    // virtual time, the way the docs' screenshots are taken).
    await pagefind.init();
  }
  return pagefind;
}

function pagefindFilters(filters) {
  const converted = {};
  for (const [key, values] of Object.entries(filters)) {
    converted[key] = ALL_OF.has(key) ? { all: values } : { any: values };
  }
  return converted;
}

// Pagefind's results for `q` (null: every page the filters let through), shown by `describe`.
async function pagefindSearch(q, filters, describe) {
  await loadPagefind();
  const results = (await pagefind.search(q, { filters })).results;
  const cards = async (start) => {
    const data = await Promise.all(results.slice(start, start + PAGE).map((result) => result.data()));
    return data.map(describe);
  };
  return { total: results.length, cards };
}

// Proposals or groups: words and filters (or filters alone, which lists them all) in one query.
async function agendaSearch(q, filters) {
  const entry = (page) => ({
    url: page.url,
    name: page.meta.title,
    summary: page.meta.summary || "",
    status: (page.filters.status || [])[0] || "",
    statusLabel: page.meta.status || "",
  });
  return pagefindSearch(q || null, pagefindFilters(filters), entry);
}

// --- showing results --------------------------------------------------------------------

// An element with a class and text; nothing in a result is ever read as HTML.
function element(tag, className, text) {
  const made = document.createElement(tag);
  if (className) made.className = className;
  if (text !== undefined) made.textContent = text;
  return made;
}

function titled(kind, url, name) {
  const item = element("li", `card ${kind}-card`);
  const title = element("h3", "card-title");
  const link = element("a", "", name);
  link.href = url;
  title.append(link);
  item.append(title);
  return item;
}

function agendaCard({ url, name, summary, status, statusLabel }) {
  const item = titled(status ? "proposal" : "group", url, name);
  if (status) {
    const meta = element("p", "meta");
    meta.append(element("span", `status status-${status}`, statusLabel));
    item.prepend(meta);
  }
  if (summary) item.append(element("p", "headline", summary));
  return item;
}

function card(result) {
  if (result.summary !== undefined) return agendaCard(result);
  const { url, name, headline, place, skills } = result;
  const item = titled("person", url, name);
  if (headline) item.append(element("p", "headline", headline));
  if (place) item.append(element("p", "meta", place));
  if (skills) {
    const tags = element("ul", "tags");
    tags.setAttribute("aria-label", say("skills"));
    for (const skill of skills.split(" · ")) tags.append(element("li", "", skill));
    item.append(tags);
  }
  return item;
}

async function run() {
  showKind();
  const current = chosen();
  remember(current);
  const mine = ++generation;
  const people = !current.filters.type;
  const anything = current.q || Object.keys(current.filters).length;
  if (!anything) {
    list.replaceChildren();
    moreWrap.hidden = true;
    statusLine.textContent = say("idle");
    return;
  }
  form.setAttribute("aria-busy", "true");
  statusLine.textContent = say("searching");
  try {
    const found = people
      ? await facetSearch(current.q, current.filters)
      : await agendaSearch(current.q, current.filters);
    const first = await found.cards(0);
    if (mine !== generation) return;
    list.replaceChildren(...first.map(card));
    let shown = first.length;
    const counted = () => `${say("results", found.total)}${found.total > shown ? say("showing", shown) : ""}.`;
    statusLine.textContent = found.total === 0 ? say(`nothing-${current.filters.type?.[0] || "person"}`) : counted();
    moreWrap.hidden = shown >= found.total;
    showMore = async () => {
      const next = await found.cards(shown);
      if (mine !== generation) return;
      list.append(...next.map(card));
      shown += next.length;
      moreWrap.hidden = shown >= found.total;
      statusLine.textContent = counted();
      list.children[shown - next.length]?.querySelector("a")?.focus();
    };
  } catch (error) {
    if (mine !== generation) return;
    statusLine.textContent = say("failed");
    console.warn("search failed", error);
  } finally {
    if (mine === generation) form.removeAttribute("aria-busy");
  }
}

let typing = null;
words.addEventListener("input", () => {
  clearTimeout(typing);
  typing = setTimeout(run, 200);
});
form.addEventListener("change", (event) => {
  if (event.target !== words) run();
});
form.addEventListener("submit", (event) => {
  event.preventDefault();
  clearTimeout(typing);
  run();
});
moreButton.addEventListener("click", () => showMore && showMore());
window.addEventListener("popstate", () => {
  restore();
  run();
});

form.hidden = false;
restore();
// On a phone the filters would push the results off screen: start with them folded.
if (window.matchMedia("(max-width: 48rem)").matches) document.getElementById("search-filters").open = false;
run();
