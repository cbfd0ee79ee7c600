// The search page. For people, filters and words (of names, headlines, places, skills and bios)
// are answered from the static per-facet files (search/facets/, written by the build), so a search
// fetches a few small files whatever the size of the directory. Proposals and groups (the "What"
// choice) are few: Pagefind alone answers them, with their type, status, theme and skill filters. The form's state lives in the URL: a search can be
// shared, and reloading the page restores it. Without JavaScript the page points to the
// browse pages instead. People of the site's pools (other Joined Up sites, docs/federation.md) are
// found the same way, from their own sites' facet files, ranked in one list with this site's and
// linked to their page at home; "Only this site" leaves them out.

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
const FILTERS = ["type", "status", "skill", "region", "remote", "availability", "hours", "from", "until", "theme", "here"];
const ALL_OF = new Set(["skill"]);
// Not sets of people: what the ranking asks for (hours is also a filter, "at least"), and "here"
// (only this site's people, not the pools').
const RANKING = new Set(["hours", "from", "until", "here"]);
// The pools whose people are searched too: [{name, title, url}] (search.html, from site.yaml).
const POOLS = JSON.parse(form.dataset.pools || "[]");
const PROFILE_ID = /^[a-z][a-z0-9-]{0,62}$/;
const ISO_DAY = /^\d{4}-\d\d-\d\d$/;

// A row of a pool's facts as this site's build writes them: another site's file is checked
// before it is ranked or shown (an id its pages could have, whole hours, real dates).
function plausible(row) {
  if (!Array.isArray(row) || row.length < 8) return false;
  const [id, hours, , , start, until, updated, skills] = row;
  const day = (value) => value === null || value === "" || (typeof value === "string" && ISO_DAY.test(value)
    && !Number.isNaN(Date.parse(`${value}T00:00:00Z`)));
  return typeof id === "string" && PROFILE_ID.test(id) && Number.isInteger(hours) && hours >= 0
    && day(start) && day(until) && day(updated) && (skills === null || typeof skills === "string");
}

let generation = 0;
let showMore = null;

// The words shown, in the page's language: search.html puts them in data-messages ({n} is a number);
// also the ranking's reasons, by their English message ids, and the locale dates are written in.
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
    if (field.type === "number") {
      const hours = parseInt(values[0], 10); // an old link's band ("3-5") asks for at least its first number
      field.value = Number.isNaN(hours) ? "" : String(hours);
    } else if (field.type === "date") {
      field.value = values[0] || "";
    } else if (field.type === "radio") {
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

// A site's facet files: its manifest, with where its files are (`base`) and whose they are.
// A pool's manifest is checked first: sizes a browser can hold, labels that are words.
async function facetManifest(source) {
  const manifest = await fetchOnce(`${source.facets}index.json`, "json");
  if (source.pool) {
    const whole = (value, most) => Number.isInteger(value) && value > 0 && value <= most;
    if (!(Number.isInteger(manifest.count) && manifest.count >= 0 && manifest.count <= 5000000) || !whole(manifest.shard, 100000) || !whole(manifest.factShard, 100000)
        || !Array.isArray(manifest.prefixes) || typeof manifest.values !== "object" || manifest.values === null) {
      throw new Error(`${source.facets}: not a search index this page reads`);
    }
    const words = (value) => Object.fromEntries(Object.entries(value && typeof value === "object" ? value : {})
      .filter(([, text]) => typeof text === "string"));
    manifest.labels = { skill: words(manifest.labels?.skill), region: words(manifest.labels?.region),
      availability: words(manifest.labels?.availability) };
  }
  return { ...manifest, base: source.facets, source };
}

// A file that takes longer than this is given up (a pool's site that hangs must not hold the page).
const FETCH_TIMEOUT_MS = 15000;

function fetchOnce(url, how) {
  if (!fetched.has(url)) {
    fetched.set(url, fetch(url, { signal: AbortSignal.timeout(FETCH_TIMEOUT_MS) }).then((response) => {
      if (!response.ok) throw new Error(`${url}: ${response.status}`);
      return how === "json" ? response.json() : response.arrayBuffer();
    }));
  }
  return fetched.get(url);
}

async function facetSet(manifest, key, value, known = false) {
  const words = new Uint32Array(Math.ceil(manifest.count / 32));
  if (!known && !(manifest.values[key] || []).includes(value)) return words;
  const bytes = new Uint8Array(await fetchOnce(`${manifest.base}${key}/${encodeURIComponent(value)}.bin`, "bin"));
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
    const vocabulary = await fetchOnce(`${manifest.base}words/${prefix}.json`, "json");
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

// --- the ranking: the same sums as joinedup/match/matching.py (see docs/search.md) ----------

const WEIGHTS = { skill: 40, window: 30, hours: 15, place: 10, freshness: 5 };
const LEVEL_POINTS = { expert: 4, intermediate: 3, "": 3, beginner: 2 };
const FRESH_DAYS = 183;
const STALE_DAYS = 365;

const day = (text) => (text ? Date.parse(`${text}T00:00:00Z`) / 86400000 : null);
const iso = (number) => new Date(number * 86400000).toISOString().slice(0, 10);

// One person's facts from facts/<n>.json as the ranking reads them.
function person([id, hours, remote, region, start, until, updated, skills]) {
  const levels = new Map(skills ? skills.split(",").map((pair) => pair.split("=")) : []);
  return { id, hours, remote: remote === 1, region, start: day(start), until: day(until), updated: day(updated), levels };
}

// matching.window_level: a window without an end (until null) is covered by whoever is
// available on its first day, and partly by whoever starts later.
function windowLevel(who, start, until) {
  const from = who.start, to = who.until;
  if ((from === null || from <= start) && (to === null || to >= (until ?? start))) return 2;
  if ((from === null || until === null || from <= until) && (to === null || to >= start)) return 1;
  return 0;
}

// The score and reasons of `who` for `need`: matching.explain, reason for reason.
function explain(who, need, today) {
  const reasons = [];
  let points = 0;
  for (const skill of need.skills) {
    const level = who.levels.get(skill);
    if (level === undefined) reasons.push(["no %(skill)s ✗", { skill: ["skill", skill] }, false]);
    else if (level) reasons.push(["%(skill)s (%(level)s) ✓", { skill: ["skill", skill], level: ["level", level] }, true]);
    else reasons.push(["%(skill)s ✓", { skill: ["skill", skill] }, true]);
    points += level === undefined ? 0 : LEVEL_POINTS[level] ?? 3;
  }
  let place = 2;
  if (need.region !== null || need.remote) {
    const wanted = { region: ["region", need.region] };
    if (need.remote && who.remote) reasons.push(["remote ✓", {}, true]);
    else if (need.region !== null && who.region === need.region) reasons.push(["in %(region)s ✓", wanted, true]);
    else if (who.remote && !need.remote) { place = 1; reasons.push(["remote, not in %(region)s", wanted, null]); }
    else if (need.remote) { place = 0; reasons.push(["not remote ✗", {}, false]); }
    else { place = 0; reasons.push(["in %(region)s, not %(wanted)s ✗", { region: ["region", who.region], wanted: ["region", need.region] }, false]); }
  }
  const hours = who.hours >= need.hours ? 2 : 2 * who.hours >= need.hours ? 1 : 0;
  if (need.hours) {
    const values = { hours: ["plain", Math.min(who.hours, need.hours)], wanted: ["plain", need.hours] };
    reasons.push([["%(hours)s of %(wanted)s hours ✗", "%(hours)s of %(wanted)s hours", "%(hours)s of %(wanted)s hours ✓"][hours],
      values, [false, null, true][hours]]);
  }
  const start = need.start ?? today;
  const until = need.until === null || need.until === undefined ? null : Math.max(start, need.until);
  const window = windowLevel(who, start, until);
  if (window === 2) {
    reasons.push(who.until !== null ? ["available until %(date)s ✓", { date: ["date", who.until] }, true]
      : ["available, no end date ✓", {}, true]);
  } else if (window === 1) {
    const shown = who.until !== null && until !== null && who.until < until ? who.until : who.start;
    reasons.push([shown === who.until ? "available until %(date)s, part of the window"
      : "available from %(date)s, part of the window", { date: ["date", shown] }, null]);
  } else if (who.until !== null && who.until < start) {
    reasons.push(["availability ended %(date)s ✗", { date: ["date", who.until] }, false]);
  } else {
    reasons.push(["available from %(date)s ✗", { date: ["date", who.start] }, false]);
  }
  let freshness = 1;
  if (who.updated !== null) {
    const age = today - who.updated;
    freshness = age <= FRESH_DAYS ? 2 : age <= STALE_DAYS ? 1 : 0;
    reasons.push([["updated %(date)s (over a year ago)", "updated %(date)s (over 6 months ago)", "updated %(date)s"][freshness],
      { date: ["date", who.updated] }, freshness === 2 ? true : null]);
  }
  const skillPart = need.skills.length ? (WEIGHTS.skill * points) / (4 * need.skills.length) : WEIGHTS.skill;
  const total = skillPart + (WEIGHTS.window * window) / 2 + (WEIGHTS.hours * hours) / 2
    + (WEIGHTS.place * place) / 2 + (WEIGHTS.freshness * freshness) / 2;
  return { score: Math.round(total * 10) / 10, reasons };
}

const dates = new Intl.DateTimeFormat(MESSAGES.locale || undefined, { day: "numeric", month: "long", year: "numeric", timeZone: "UTC" });

// A reason in the page's language, with labels for ids and dates written out (Reason.words).
function reasonText([message, values], labels) {
  const words = (MESSAGES.reasons || {})[message] || message;
  return words.replace(/%\((\w+)\)s/g, (_, name) => {
    const [kind, value] = values[name];
    if (kind === "skill") return labels.skill[value] || value;
    if (kind === "region") return labels.region[value] || value;
    if (kind === "level") return (MESSAGES.levels || {})[value] || value;
    if (kind === "date") {
      const text = dates.format(new Date(value * 86400000));
      return MESSAGES.locale?.startsWith("fr") && text.startsWith("1 ") ? `1er${text.slice(1)}` : text;
    }
    return counting.format(value);
  });
}

// The people of one site (this one, or a pool) the words and filters choose, each with its score
// and reasons for the need the filters ask for; `today` is this site's build date.
async function facetRanking(q, filters, source, today) {
  const manifest = await facetManifest(source);
  let result = null;
  if (tokens(q).length) {
    result = await wordSet(manifest, q);
    if (result === null) return [];
  }
  for (const [key, values] of Object.entries(filters)) {
    if (RANKING.has(key)) continue;
    const sets = await Promise.all(values.map((value) => facetSet(manifest, key, value)));
    const combined = sets.reduce((a, b) => a.map((word, i) => (ALL_OF.has(key) ? word & b[i] : word | b[i])));
    result = result ? result.map((word, i) => word & combined[i]) : combined;
  }
  const least = parseInt(filters.hours?.[0], 10) || 0;
  if (result === null) {
    if (!least && !filters.from && !filters.until) return []; // only a one-letter word so far, and no filter
    result = new Uint32Array(Math.ceil(manifest.count / 32)).fill(0xffffffff);
  }
  const numbers = [];
  result.forEach((word, i) => {
    for (let bit = 0; word; bit++, word >>>= 1) if (word & 1 && i * 32 + bit < manifest.count) numbers.push(i * 32 + bit);
  });
  // The need the filters ask for, as `search` makes it (search.Filters.as_need).
  const regions = filters.region || [];
  const need = {
    skills: filters.skill || [], region: regions.length === 1 ? regions[0] : null,
    remote: (filters.remote || []).includes("yes"), hours: least,
    start: day(filters.from?.[0]) ?? (filters.availability?.length === 1 && filters.availability[0] === "now" ? today : null),
    until: day(filters.until?.[0]),
  };
  const shards = [...new Set(numbers.map((n) => Math.floor(n / manifest.factShard)))];
  const facts = new Map(await Promise.all(
    shards.map(async (shard) => [shard, await fetchOnce(`${manifest.base}facts/${shard}.json`, "json")])));
  const ranked = [];
  const pool = source.pool;
  for (const n of numbers) {
    const row = facts.get(Math.floor(n / manifest.factShard))?.[n % manifest.factShard];
    if (pool && !plausible(row)) continue;
    const who = person(row);
    if (who.hours < least) continue;
    // Ids as `search` shows them, so the two lists tie the same way: a pool's people as pool:id.
    const key = pool ? `${pool.name}:${who.id}` : who.id;
    ranked.push({ n, who, key, manifest, ...explain(who, need, today) });
  }
  return ranked;
}

// People of this site and of its pools, in one ranking: best score first, then id (as `search`).
async function facetSearch(q, filters) {
  const here = await facetManifest({ facets, site, pool: null });
  const today = day(here.today);
  const sources = [{ facets, site, pool: null }];
  if (!(filters.here || []).includes("yes")) {
    for (const pool of POOLS) sources.push({ facets: `${pool.url}/search/facets/`, site: pool.url, pool });
  }
  const unreached = [];
  const lists = await Promise.all(sources.map((source) => facetRanking(q, filters, source, today).catch((error) => {
    if (!source.pool) throw error;
    unreached.push(source.pool.title);
    console.warn("pool not searched", source.pool.url, error);
    return [];
  })));
  const ranked = lists.flat();
  ranked.sort((a, b) => b.score - a.score || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const cards = async (start) => {
    const slice = ranked.slice(start, start + PAGE);
    const wanted = [...new Set(slice.map(({ n, manifest }) => `${manifest.base}cards/${Math.floor(n / manifest.shard)}.json`))];
    // This site's cards must load; a pool's that do not are left out, and the page says so.
    const loaded = new Map(await Promise.all(wanted.map(async (url) => [url, await fetchOnce(url, "json").catch((error) => {
      const source = slice.find(({ manifest }) => url.startsWith(manifest.base)).manifest.source;
      if (!source.pool) throw error;
      if (!unreached.includes(source.pool.title)) unreached.push(source.pool.title);
      return null;
    })])));
    return slice.flatMap(({ n, who, score, reasons, manifest }) => {
      const card = loaded.get(`${manifest.base}cards/${Math.floor(n / manifest.shard)}.json`)?.[n % manifest.shard];
      if (!Array.isArray(card)) return [];
      const [id, name, headline, place, skills] = card;
      const { site: home, pool } = manifest.source;
      return [{
        url: `${home}/people/${pool ? who.id : id}/`, id: pool ? `${pool.name}:${who.id}` : id, pool: pool?.title,
        name: String(name), headline: String(headline || ""), place: String(place || ""), skills: String(skills || ""),
        score, who, today,
        reasons: reasons.map((reason) => ({ text: reasonText(reason, manifest.labels), met: reason[2] })),
        availability: manifest.labels.availability,
      }];
    });
  };
  return { total: ranked.length, cards, unreached };
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

// The card's line of place and badges, as the people pages show it: remote, availability, hours.
function placeAndBadges({ place, who, today, availability }) {
  const line = element("p", "meta");
  if (place) line.append(element("span", "", place));
  if (who.remote) line.append(element("span", "badge badge-remote", say("remote")));
  const status = who.start !== null && who.start > today ? "later" : who.until !== null && who.until < today ? "ended" : "now";
  line.append(element("span", `badge badge-${status}`, availability[status]));
  line.append(element("span", "", MESSAGES.hours.replace("%(hours)s", counting.format(who.hours))));
  return line;
}

function card(result) {
  if (result.summary !== undefined) return agendaCard(result);
  const { url, name, headline, skills, reasons, score } = result;
  const item = titled("person", url, name);
  item.dataset.person = result.id;
  item.dataset.score = score.toFixed(1);
  if (result.pool) item.append(element("p", "from-pool", say("from").replace("{pool}", result.pool)));
  if (headline) item.append(element("p", "headline", headline));
  item.append(placeAndBadges(result));
  if (skills) {
    const tags = element("ul", "tags");
    tags.setAttribute("aria-label", say("skills"));
    for (const skill of skills.split(" · ")) tags.append(element("li", "", skill));
    item.append(tags);
  }
  const why = element("ul", "reasons");
  why.setAttribute("aria-label", `${say("why")} ${name}`);
  for (const { text, met } of reasons) {
    why.append(element("li", `reason-${met === true ? "met" : met === false ? "unmet" : "info"}`, text));
  }
  item.append(why);
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
    const unreached = (found.unreached || []).map((title) => ` ${say("unreached").replace("{pool}", title)}`).join("");
    const counted = () => `${say("results", found.total)}${found.total > shown ? say("showing", shown) : ""}.${unreached}`;
    statusLine.textContent = found.total === 0 ? say(`nothing-${current.filters.type?.[0] || "person"}`) + unreached
      : counted();
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
