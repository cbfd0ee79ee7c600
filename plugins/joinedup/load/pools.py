"""Pools: the other Joined Up sites this one draws on (``pools:`` in site.yaml, docs/federation.md).

Each site publishes the people it shares (``data/pool.json``) and its open needs
(``data/needs.json``), each with a version and a JSON Schema (``/schema/``). A site that names a
pool fetches those files when it builds, and then offers the pool's people wherever a helper is
sought (``search``, ``match``, "people who could help", the needs board's counts) and shows its
needs on the needs board and feeds, each marked with the site it comes from and linked to its
page there. Nothing of a pool becomes a page of this site: a person has one page, at home.

**Everything fetched is untrusted.** A file is read over HTTP(S) only (no redirect to another
scheme), within a time limit for the whole file and a size limit, then held to the same rules as
a profile: the schema, the privacy rules (no phone number, postcode, street or e-mail address),
no control characters, links only to the pool's own site. A record breaking one is refused, with
a warning naming the pool and the record; a file that cannot be used at all (the pool is down,
slow, too big, not JSON, another version) gives a warning and the last good copy is used.

**The last good copy** of each file is kept in the cache folder (``pools/<name>/``), outside the
repository, as JSON, with what the next fetch needs to ask "changed since?" (ETag,
Last-Modified): an unchanged pool costs one round trip. A copy read back is checked again like a
fresh one: a cache can be tampered with too.

Nothing here imports Pelican.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import time
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path
from typing import NamedTuple

from joinedup.core import problems as P
from joinedup.core.buildcache import cache_dir
from joinedup.core.i18n import gettext as _
from joinedup.core.model import AskedNeed, Availability, Taxonomy
from joinedup.load.privacy import private_matches
from joinedup.load.settings import Pool

FILES = {"people": "data/pool.json", "needs": "data/needs.json"}
SCHEMAS = Path(__file__).resolve().parent.parent / "render" / "schemas"
SCHEMA_OF = {"people": "pool.json", "needs": "needs.json"}
VERSION = 1
# A whole file may take this many times the pool's timeout (site.yaml's timeout_seconds, 10 s),
# headers and redirects included.
DEADLINES = 5
# A last good copy older than this is no longer used: someone removed at home (a takedown) leaves
# the other sites within this many days even while their home site cannot be reached.
COPY_KEPT_DAYS = 14
# The longest texts a pool's need may hold, as a site's own groups are held to (group.schema.json).
NEED_TEXTS = {"note": 200, "asked_by/name": 120, "id": 300}
MAX_HOURS = 168
# Refused records named one by one in the warnings, per file; the rest are counted.
NAMED_UP_TO = 20
_STATE = "state.json"
_STATE_BYTES = 1_000_000
_REFUSED_KEPT = 1000  # reasons kept for `tasks.py pools`
# Controls, invisible and bidirectional characters, and lone surrogates (which no page can be written with).
_CONTROL_OR_HIDDEN = re.compile(r"[\x00-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2066-\u2069\ufeff\ud800-\udfff]")
_TEXTS = {"people": ("name", "headline", "place"), "needs": ("note",)}


class PooledPerson(NamedTuple):
    """Someone from a pool, as matching and search read them (``joinedup.match.matching.Candidate.pooled``):
    their id here (``<pool>:<id>``), their page at home, and the day it last changed there.
    A tuple, not a dataclass: a pool may hold 100,000 people, made on every build."""

    id: str
    name: str
    headline: str
    place: str
    region: str          # '' when this site's data/regions.yaml does not know it
    remote: bool
    hours: int
    start: dt.date | None
    until: dt.date | None
    skills: tuple[str, ...]
    levels: tuple[str, ...]
    updated: dt.date | None
    home: str            # their page on the pool's site
    pool: str            # the pool's title: "from <pool>"

    # What search reads of a profile (joinedup.match.words.searchable_text): a pool shares no
    # themes and no bio.
    skill_ids = property(lambda self: self.skills)
    themes = ()
    bio = ""

    def is_available_on(self, day: dt.date) -> bool:
        return Availability(self.hours, (), self.start, self.until).is_available_on(day)


class PooledNeed(NamedTuple):
    """An open need from a pool, as its needs.json says it (skills as this site knows them):
    what it asks (its key ``<pool>:<its id at home>``, its ``home`` the asking page on the
    pool's site, its ``pool`` the pool's title), and the day it was last changed at home."""

    asked: AskedNeed
    declared: dt.date | None


@dataclass(frozen=True, slots=True)
class FileState:
    """What this site knows of one file of one pool: from its last fetch and its last good copy."""

    url: str
    fetched: str = ""            # when the last good copy was fetched, or last found unchanged (ISO, UTC)
    checked: str = ""            # when the pool was last asked
    records: int = 0             # records taken from the last good copy
    refused: tuple[str, ...] = ()  # why records were refused, one line each
    error: str = ""              # why the last fetch could not be used ('' when it could)
    etag: str = ""
    last_modified: str = ""
    sha: str = ""                # of the last good copy: the same file fetched again keeps its counts


class Taken:
    """What a build takes from its pools: the files fetched (or their last good copies), the
    warnings about fetching them, and a digest of it all (what the pages showing pooled people
    and needs depend on). The records are read and checked only when first asked for
    (``people``, ``needs``, ``problems``): a quick rebuild needs only the digest."""

    def __init__(self, root=None, files=(), fetched=(), states=None, digest="", taxonomy=None, today=None):
        self.root, self.files, self.fetch_problems = root, tuple(files), tuple(fetched)
        self.states = states or {}   # (pool name, kind) → FileState
        self.digest, self.taxonomy, self.today = digest, taxonomy, today

    @cached_property
    def _checked(self) -> tuple[tuple, tuple, tuple]:
        people, needs, problems = [], [], []
        for pool, kind, body in self.files:
            records, refused = _records(pool, kind, body, self.taxonomy, self.today) if body is not None else ([], [])
            state = self.states[(pool.name, kind)] = _replace(
                self.states[(pool.name, kind)], records=len(records), refused=tuple(line for line, _why in refused))
            _save_state(self.root, pool, kind, state)
            problems += _refused_problems(pool, kind, refused)
            (people if kind == "people" else needs).extend(records)
        return tuple(people), tuple(needs), tuple(problems)

    @property
    def people(self) -> tuple[PooledPerson, ...]:
        return self._checked[0]

    @property
    def needs(self) -> tuple[PooledNeed, ...]:
        return self._checked[1]

    @property
    def problems(self) -> tuple[P.Problem, ...]:
        """Every warning: the fetches' (JU600) and the refused records' (JU601)."""
        return self.fetch_problems + self._checked[2]


NOTHING = Taken()


def take(root: Path | str, pools: tuple[Pool, ...], taxonomy: Taxonomy, today: dt.date, *,
         fetch: bool = True) -> Taken:
    """What ``pools`` give: with ``fetch``, asked for again first; else their last good copies."""
    if not pools:
        return NOTHING
    files, problems, states = [], [], {}
    digest = hashlib.blake2b(digest_size=16)
    for pool in pools:
        for kind in ("people", "needs"):
            if not getattr(pool, kind):
                continue
            body, state, warnings = _file(root, pool, kind, fetch)
            problems += warnings
            if body is not None:
                digest.update(hashlib.blake2b(body, digest_size=16).digest())
            states[(pool.name, kind)] = state
            _save_state(root, pool, kind, state)
            files.append((pool, kind, body))
    # What the records become depends on the pool's settings and this site's taxonomies and day too.
    digest.update(repr((pools, today.isoformat(), sorted(taxonomy.skills), sorted(taxonomy.aliases),
                        sorted(taxonomy.regions))).encode())
    return Taken(root, files, problems, states, digest.hexdigest(), taxonomy, today)


def states(root: Path | str, pools: tuple[Pool, ...]) -> dict:
    """(pool name, kind) → the FileState kept of each file the pools give (for ``tasks.py pools``)."""
    return {(pool.name, kind): _read_state(root, pool, kind)
            for pool in pools for kind in ("people", "needs") if getattr(pool, kind)}


# --- Fetching -------------------------------------------------------------------------------

class Unusable(Exception):
    """A file of a pool that cannot be used: why, in words for the maintainer."""


def _folder(root, pool: Pool) -> Path:
    return cache_dir(root) / "pools" / pool.name


def _file(root, pool: Pool, kind: str, fetch: bool) -> tuple[bytes | None, FileState, list[P.Problem]]:
    """The body to read (fresh, or the last good copy) and the file's state; a warning when
    the fetch could not be used."""
    url = f"{pool.url}/{FILES[kind]}"
    state = _read_state(root, pool, kind)
    if state.url != url:  # the pool moved: nothing kept from its old address applies
        state = FileState(url)
    copy = _folder(root, pool) / f"{kind}.json"
    kept = _read_copy(copy, pool.max_bytes) if state.fetched else None
    if kept is None:  # no copy to fall back on: nothing of the last fetch holds
        state = FileState(url)
    now = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    stamp = now.isoformat()
    if fetch:
        try:
            body, headers = _fetch(url, state, pool.max_bytes, pool.timeout)
            if body is None:  # not modified: the copy is the pool as it is now
                state = _replace(state, fetched=stamp, checked=stamp, error="")
            else:
                _check_envelope(body, kind)
                try:
                    _write(copy, body)
                except OSError:
                    pass  # a read-only cache folder: used now, asked for in full next time
                sha = hashlib.sha256(body).hexdigest()
                counts = {"records": state.records, "refused": state.refused} if sha == state.sha else {}
                state = FileState(url, fetched=stamp, checked=stamp, etag=headers.get("ETag", "")[:200],
                                  last_modified=headers.get("Last-Modified", "")[:100], sha=sha, **counts)
                return body, state, []
        except Unusable as error:
            state = _replace(state, checked=stamp, error=str(error))
    body = kept
    if body is not None:
        try:
            _check_envelope(body, kind)
            if _age_in_days(state.fetched, now) > COPY_KEPT_DAYS and state.error:
                raise Unusable(_("the last good copy, fetched %(fetched)s, is over %(days)d days old")
                               % {"fetched": state.fetched, "days": COPY_KEPT_DAYS})
        except Unusable as error:  # damaged since it was kept, or too old to stand for the pool
            # Not asked "changed since?" next time: a "no" would leave the pool out for good.
            body, state = None, _replace(state, error=f"{state.error}; {error}" if state.error else str(error),
                                         etag="", last_modified="")
    warnings = []
    if state.error:
        fallback = (_("the last good copy, fetched %s, is used") % state.fetched if body is not None
                    else _("nothing of it is used until a fetch succeeds"))
        warnings.append(P.problem(
            P.POOL_UNAVAILABLE, url, 0, 0,
            _("The pool '%(pool)s' could not be used: %(why)s; %(kept)s.")
            % {"pool": pool.name, "why": state.error, "kept": fallback},
            _("Check the address in site.yaml and that the site answers; `python tasks.py pools` shows each "
              "pool's state.")))
    return body, state, warnings


def _age_in_days(stamp: str, now: dt.datetime) -> float:
    try:
        return (now - dt.datetime.fromisoformat(stamp)).total_seconds() / 86400
    except (ValueError, TypeError):
        return float("inf")


def _fetch(url: str, state: FileState, max_bytes: int, timeout: int) -> tuple[bytes | None, dict]:
    """The file at ``url`` and the response's headers (None, {}: not modified since
    ``state``'s copy), within ``timeout`` seconds per wait and DEADLINES times that in all,
    headers and redirects included, and ``max_bytes``. Raises Unusable.

    The request runs in a thread of its own, so that a pool that sends its headers byte by byte
    cannot hold the build past the deadline (the thread, left behind, stops at its next wait)."""
    import threading

    deadline = DEADLINES * timeout
    outcome: dict = {}

    def run():
        try:
            outcome["value"] = _fetch_now(url, state, max_bytes, timeout, time.monotonic() + deadline)
        except BaseException as error:  # handed to the build's thread below
            outcome["error"] = error

    worker = threading.Thread(target=run, name=f"pool {url}", daemon=True)
    worker.start()
    worker.join(deadline + 1)
    if worker.is_alive():
        raise Unusable(_("it took over %d seconds to send") % deadline)
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


def _fetch_now(url: str, state: FileState, max_bytes: int, timeout: int, deadline: float) -> tuple[bytes | None, dict]:
    """:func:`_fetch`'s request, in its thread; ``deadline`` on the monotonic clock."""
    import http.client
    import urllib.error
    import urllib.request

    headers = {"Accept": "application/json", "Accept-Encoding": "identity", "User-Agent": "joinedup-pools/1"}
    if state.fetched and state.etag:
        headers["If-None-Match"] = state.etag
    if state.fetched and state.last_modified:
        headers["If-Modified-Since"] = state.last_modified
    request = urllib.request.Request(url, headers=headers)
    try:
        with _opener().open(request, timeout=timeout) as response:
            length = response.headers.get("Content-Length", "")
            if length.isdigit() and int(length) > max_bytes:
                raise Unusable(_("the file is %(size)s MB, over the limit of %(limit)s MB")
                               % {"size": _megabytes(int(length)), "limit": _megabytes(max_bytes)})
            chunks, size = [], 0
            while True:
                if time.monotonic() > deadline:
                    raise Unusable(_("it took over %d seconds to send") % (DEADLINES * timeout))
                chunk = response.read1(65536)  # what has come, not 64 KB whatever it takes
                if not chunk:
                    break
                size += len(chunk)
                if size > max_bytes:
                    raise Unusable(_("the file is over the limit of %s MB") % _megabytes(max_bytes))
                chunks.append(chunk)
            return b"".join(chunks), response.headers
    except urllib.error.HTTPError as error:
        if error.code == 304:
            return None, {}
        raise Unusable(_("the site answered HTTP %d") % error.code) from None
    except (urllib.error.URLError, OSError, ValueError) as error:
        reason = getattr(error, "reason", error)
        if isinstance(reason, TimeoutError) or isinstance(error, TimeoutError) or "timed out" in str(reason):
            raise Unusable(_("no answer within %d seconds") % timeout) from None
        raise Unusable(_("it could not be reached (%s)") % str(reason)[:200]) from None
    except (http.client.HTTPException, EOFError) as error:  # a broken answer: cut short, a bad status line
        raise Unusable(_("it could not be reached (%s)") % type(error).__name__) from None


@lru_cache(maxsize=1)
def _opener():
    # Only the handlers HTTP(S) needs: no file:, ftp: or data: URL can be opened, even by a redirect.
    # urllib is imported here, when a pool is fetched: a build without one spares its 30 ms.
    import urllib.error
    import urllib.request

    class SameSchemes(urllib.request.HTTPRedirectHandler):
        """Follows a redirect only to http(s) (urllib would follow one to ftp)."""

        def redirect_request(self, request, fp, code, message, headers, url):
            if not url.lower().startswith(("https://", "http://")):
                raise urllib.error.HTTPError(url, code, "redirect to another scheme", headers, fp)
            if request.full_url.lower().startswith("https://") and not url.lower().startswith("https://"):
                raise urllib.error.HTTPError(url, code, "redirect from https to http", headers, fp)
            # Closed now: urllib would read the redirect's whole body, with no limit, before following it.
            fp.close()
            return super().redirect_request(request, fp, code, message, headers, url)

    opener = urllib.request.OpenerDirector()
    for handler in (urllib.request.ProxyHandler(), urllib.request.HTTPHandler(), urllib.request.HTTPSHandler(),
                    SameSchemes(), urllib.request.HTTPErrorProcessor(), urllib.request.HTTPDefaultErrorHandler()):
        opener.add_handler(handler)
    return opener


def _megabytes(size: int) -> str:
    return f"{size / 1_000_000:.0f}" if size >= 10_000_000 else f"{size / 1_000_000:.1f}"


# --- Reading and checking ----------------------------------------------------------------

def _check_envelope(body: bytes, kind: str) -> dict:
    """The document ``body`` holds, if it is one this site reads (JSON, an object, this
    version, a list of records). Raises Unusable."""
    try:
        document = json.loads(body)
    except (ValueError, RecursionError) as error:
        raise Unusable(_("it is not JSON (%s)") % str(error)[:120]) from None
    if not isinstance(document, dict) or not isinstance(document.get(kind), list):
        raise Unusable(_("it is not a Joined Up %s file") % FILES[kind])
    if type(document.get("version")) is not int or document["version"] != VERSION:
        raise Unusable(_("it is version %(version)s, and this site reads version %(ours)d")
                       % {"version": str(document.get("version"))[:20], "ours": VERSION})
    return document


def _records(pool: Pool, kind: str, body: bytes, taxonomy: Taxonomy, today: dt.date):
    """The records of ``body`` this site takes, and (why, problem text) for each one refused."""
    document = json.loads(body)
    validator = _validator(kind)
    taken, refused, seen = [], [], set()
    for number, record in enumerate(document[kind], 1):
        label = f"{number}"
        if isinstance(record, dict) and isinstance(record.get("id"), str):
            label = f"{number} ({record['id'][:64]!r})"
        try:
            if not validator.is_valid(record):
                error = next(iter(validator.iter_errors(record)))
                where = "/".join(str(part) for part in error.instance_path) or _("the record")
                raise Unusable(_("%(where)s: %(message)s") % {"where": where, "message": str(error.message)[:160]})
            if record["id"] in seen:
                raise Unusable(_("its id is given twice"))
            _check_texts(record, kind)
            made = (_person if kind == "people" else _need)(pool, record, taxonomy, today)
        except Unusable as why:
            refused.append((f"{label}: {why}", why))
            continue
        except Exception as error:  # what the schema let through and nothing here expects: refused all the same
            refused.append((f"{label}: " + _("it cannot be read (%s)") % type(error).__name__, error))
            continue
        seen.add(record["id"])
        if made is not None:
            taken.append(made)
    return taken, refused


@lru_cache(maxsize=None)
def _validator(kind: str):
    import jsonschema_rs

    schema = json.loads((SCHEMAS / SCHEMA_OF[kind]).read_text(encoding="utf-8"))
    record = {**schema["properties"][kind]["items"], "$defs": schema["$defs"]}
    return jsonschema_rs.validator_for(record)


def _check_texts(record: dict, kind: str) -> None:
    texts = [(name, record.get(name)) for name in _TEXTS[kind]]
    if kind == "needs":
        texts.append(("asked_by/name", record["asked_by"]["name"]))
        for name, text in (*texts, ("id", record["id"])):
            if isinstance(text, str) and len(text) > NEED_TEXTS[name]:
                raise Unusable(_("%(field)s is longer than %(most)d characters") % {"field": name, "most": NEED_TEXTS[name]})
        if _CONTROL_OR_HIDDEN.search(record["id"]):
            raise Unusable(_("%s holds a control or invisible character") % "id")
    # Read together first (the rules read line by line): nearly every record passes, and a pool
    # may hold 100,000. Only one that fails is read field by field, to name the field.
    strings = [text for _name, text in texts if isinstance(text, str)]
    if not any(_CONTROL_OR_HIDDEN.search(text) for text in strings) and not private_matches("\n".join(strings)):
        return
    for name, text in texts:
        if not isinstance(text, str):
            continue
        if _CONTROL_OR_HIDDEN.search(text):
            raise Unusable(_("%s holds a control or invisible character") % name)
        found = private_matches(text)
        if found:
            raise Unusable(_("%(field)s holds %(what)s") % {"field": name, "what": _(found[0].what)})


def _day(value) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise Unusable(_("'%s' is not a date") % value[:20]) from None


def _person(pool: Pool, record: dict, taxonomy: Taxonomy, today: dt.date) -> PooledPerson | None:
    skills: dict[str, str] = {}
    for skill in record["skills"]:
        known = skill["id"] if skill["id"] in taxonomy.skills else taxonomy.canonical_skill(skill["id"])
        if known and known not in skills:
            skills[known] = skill["level"] or ""
    if not skills:
        raise Unusable(_("none of its skills is in this site's data/skills.yaml"))
    updated = _day(record["updated"])
    return PooledPerson(f"{pool.name}:{record['id']}", record["name"], record["headline"], record["place"],
                        record["region"] if record["region"] in taxonomy.regions else "", record["remote"],
                        record["hours_per_week"], _day(record["from"]), _day(record["until"]), tuple(skills),
                        tuple(skills.values()), min(updated, today) if updated else None,
                        f"{pool.url}/people/{record['id']}/", pool.title)


def _need(pool: Pool, record: dict, taxonomy: Taxonomy, today: dt.date) -> PooledNeed | None:
    skills = []
    for skill in record["skills"]:
        known = taxonomy.canonical_skill(skill)
        if known is None:
            raise Unusable(_("the skill '%s' is not in this site's data/skills.yaml") % skill)
        skills.append(known)
    region = record["region"] or ""
    if region and region not in taxonomy.regions:
        raise Unusable(_("the region '%s' is not in this site's data/regions.yaml") % region[:64])
    asked = record["asked_by"]
    home = asked["url"]
    if home.startswith("/") and not home.startswith("//"):  # a site built without its address (SITEURL "")
        home = pool.url + home
    if (not home.startswith(pool.url + "/") or _CONTROL_OR_HIDDEN.search(home) or any(c in home for c in " \"'<>\\")
            or re.search(r"/\.\.?(/|$)|%2e", home, re.IGNORECASE)):
        raise Unusable(_("it links outside the pool's site (%s)") % home[:100])
    hours = record["hours_per_week"] or 0
    if hours > MAX_HOURS:
        raise Unusable(_("it asks for %(hours)d hours a week, over %(most)d") % {"hours": min(hours, 10**6), "most": MAX_HOURS})
    until = _day(record["until"])
    if until is not None and until < today:
        return None
    declared = _day(record["declared"])
    return PooledNeed(AskedNeed(f"{pool.name}:{record['id']}", tuple(dict.fromkeys(skills)), hours, record["remote"],
                                region, until, record["note"] or "", asked["kind"], asked["slug"], asked["name"],
                                home=home, pool=pool.title), min(declared, today) if declared else None)


def _refused_problems(pool: Pool, kind: str, refused: list) -> list[P.Problem]:
    url = f"{pool.url}/{FILES[kind]}"
    found = [P.problem(P.POOL_RECORD_REFUSED, url, 0, 0,
                       _("The pool '%(pool)s': record %(record)s is refused.") % {"pool": pool.name, "record": line},
                       _("Nothing of it is shown here. The pool's own site should refuse it too: tell its "
                         "maintainers."))
             for line, _why in refused[:NAMED_UP_TO]]
    if len(refused) > NAMED_UP_TO:
        found.append(P.problem(P.POOL_RECORD_REFUSED, url, 0, 0,
                               _("The pool '%(pool)s': %(more)d more records are refused.")
                               % {"pool": pool.name, "more": len(refused) - NAMED_UP_TO},
                               _("`python tasks.py pools` lists them all.")))
    return found


# --- The cache folder ----------------------------------------------------------------------

def _write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    temporary.write_bytes(data)
    os.replace(temporary, path)


def _read_copy(path: Path, max_bytes: int) -> bytes | None:
    """A kept copy, if it is a plain file within the limit (never through a link)."""
    try:
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except OSError:
        return None
    with os.fdopen(descriptor, "rb") as handle:
        data = handle.read(max_bytes + 1)
    return data if len(data) <= max_bytes else None


def _read_state(root, pool: Pool, kind: str) -> FileState:
    raw = _read_copy(_folder(root, pool) / _STATE, _STATE_BYTES)
    try:
        kept = json.loads(raw)[kind] if raw else {}
        state = FileState(**{name: value for name, value in kept.items() if name in FileState.__dataclass_fields__})
        if not all(isinstance(getattr(state, name), str) for name in ("url", "fetched", "checked", "error", "etag",
                                                                       "last_modified", "sha")):
            raise TypeError
        return _replace(state, refused=tuple(str(line) for line in state.refused), records=int(state.records))
    except Exception:  # whatever a damaged or tampered state file raises: start again from nothing
        return FileState("")


def _save_state(root, pool: Pool, kind: str, state: FileState) -> None:
    path = _folder(root, pool) / _STATE
    raw = _read_copy(path, _STATE_BYTES)
    try:
        kept = json.loads(raw) if raw else {}
        kept = kept if isinstance(kept, dict) else {}
    except (ValueError, RecursionError):
        kept = {}
    kept[kind] = {name: getattr(state, name) for name in FileState.__dataclass_fields__}
    kept[kind]["refused"] = list(state.refused[:_REFUSED_KEPT])
    try:
        _write(path, json.dumps(kept, ensure_ascii=False, indent=1).encode("utf-8"))
    except OSError:
        pass  # a read-only cache folder: the next build asks again in full


def _replace(state: FileState, **changes) -> FileState:
    from dataclasses import replace

    return replace(state, **changes)
