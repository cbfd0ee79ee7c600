"""Open data: the proposals, the directory, the groups and the open needs as JSON and CSV,
for anyone to reuse.

Each file holds exactly what the pages publish and nothing more: no e-mail address (the
person page never shows one as text), no forge login (no page shows it), no commit e-mail.
The fields are documented in docs/open-data.md; keep the two in step.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
from pathlib import Path

from joinedup.core.buildcache import kept_per_profile
from joinedup.core.markup import render_body
from joinedup.core.model import Agenda, Directory, Proposal, Volunteer

PROPOSALS_JSON = "data/proposals.json"
GROUPS_JSON = "data/groups.json"
NEEDS_JSON = "data/needs.json"
# The version of the groups' and needs' files: raised when a field changes meaning or goes
# away (adding one does not), so a site reading another's knows what it reads.
EXCHANGE_VERSION = 1
# Their JSON Schemas, published under /schema/ beside the profile's.
SCHEMA_FOLDER = Path(__file__).with_name("schemas")
PUBLISHED_SCHEMAS = {"schema/groups.json": SCHEMA_FOLDER / "groups.json",
                     "schema/needs.json": SCHEMA_FOLDER / "needs.json",
                     "schema/pool.json": SCHEMA_FOLDER / "pool.json"}
# The people this site shares with the sites that draw on it (docs/federation.md).
POOL_JSON = "data/pool.json"
PEOPLE_JSON = "data/people.json"
PEOPLE_CSV = "data/people.csv"

PEOPLE_COLUMNS = (
    "id", "url", "name", "headline", "bio", "place", "region", "remote", "hours_per_week", "when",
    "available_from", "available_until", "languages", "skills", "themes", "website", "mastodon", "bluesky",
    "proposals_written", "endorses",
)


def write_open_data(site, agenda: Agenda, directory: Directory, site_url: str, root=None, digests=None) -> None:
    """Write data/proposals.json, data/people.json and data/people.csv into the folder ``site``.

    With ``root`` and ``digests`` (ProfileCache.digest by path), a person's record and row
    are kept in the cache folder (``buildcache.cache_dir``) and reused while their profile and proposals are unchanged.
    """
    base = site_url.rstrip("/")
    with text_file(site, PROPOSALS_JSON) as out:
        out.write(_json({"build_date": directory.build_date.isoformat(), "history": agenda.history.state,
                         "proposals": [_proposal(p, agenda, directory, base) for p in agenda.ordered()]}))
    kept = kept_per_profile(root, "open-data", digests, len(directory.volunteers))
    row = io.StringIO()
    writer = csv.writer(row, lineterminator="\r\n")

    def texts(volunteer: Volunteer) -> tuple[str, str]:
        person = person_record(volunteer, agenda.written.get(volunteer.id, ()), agenda.endorsed.get(volunteer.id, ()), base)
        return person_texts(person, row, writer)

    # Written person by person into the files, never held whole: at 100,000 people the two
    # texts are 100 MB, which held at once (and copied once more to be written) were the
    # build's memory peak (benchmarks/README.md, session 15).
    with text_file(site, PEOPLE_JSON) as people_json, text_file(site, PEOPLE_CSV) as people_csv:
        people_json.write('{"build_date":' + json.dumps(directory.build_date.isoformat()) + ',"people":[')
        csv.writer(people_csv, lineterminator="\r\n").writerow(PEOPLE_COLUMNS)
        for number, volunteer in enumerate(directory.sorted_volunteers()):
            digest = digests.get(volunteer.path) if kept is not None else None
            if digest is not None:
                key = (digest, base, agenda.written.get(volunteer.id, ()), agenda.endorsed.get(volunteer.id, ()))
                record, line = kept.get(key, lambda: texts(volunteer))
            else:
                record, line = texts(volunteer)
            if number:
                people_json.write(",")
            people_json.write(record)
            people_csv.write(line)
        people_json.write("]}\n")
    if kept is not None:
        kept.save()


def text_file(site, relative: str):
    """The file ``relative`` of the folder ``site``, open to write text (UTF-8, line ends as given)."""
    target = Path(site) / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    return open(target, "w", encoding="utf-8", newline="")


def groups_and_needs(agenda: Agenda, directory: Directory, needs, site_url: str, today) -> dict[str, str]:
    """``{output path: text}`` for data/groups.json, data/needs.json and their schemas.

    ``needs`` are the open needs (``joinedup.match.board.open_needs``) in board order. A group's
    record holds what its page shows (no e-mail address: the page never shows one as text);
    a need's, what the needs board shows.
    """
    base = site_url.rstrip("/")
    groups = [_group(group, agenda, directory, base, today)
              for group in sorted(agenda.groups.values(), key=lambda g: (g.name.casefold(), g.slug))]
    files = {
        GROUPS_JSON: _json({"version": EXCHANGE_VERSION, "build_date": directory.build_date.isoformat(),
                            "groups": groups}),
        NEEDS_JSON: _json({"version": EXCHANGE_VERSION, "build_date": directory.build_date.isoformat(),
                           "needs": [_need(need, directory, base) for need in needs if not need.home]}),
    }
    files.update({target: source.read_text(encoding="utf-8") for target, source in PUBLISHED_SCHEMAS.items()})
    return files


def write_pool(site, directory: Directory, dates: dict) -> None:
    """Write data/pool.json into the folder ``site``: each person as other sites' matching
    needs them (schema/pool.json), with the day their profile last changed in git (``dates``,
    path → date). No contact, no bio: a pool links to the person's page here for the rest.
    Written person by person, as the people's files are (:func:`write_open_data`)."""
    with text_file(site, POOL_JSON) as out:
        out.write('{"version":%d,"build_date":%s,"people":[' % (EXCHANGE_VERSION, json.dumps(directory.build_date.isoformat())))
        for number, volunteer in enumerate(directory.sorted_volunteers()):
            updated = dates.get(volunteer.path)
            if number:
                out.write(",")
            out.write(pool_text(volunteer, updated.isoformat() if updated else None))
        out.write("]}\n")


def pool_text(volunteer: Volunteer, updated: str | None) -> str:
    """A person's record in data/pool.json; ``updated`` is the day their profile last changed."""
    window = volunteer.availability
    return json.dumps({
        "id": volunteer.id, "name": volunteer.name, "headline": volunteer.headline, "place": volunteer.place,
        "region": volunteer.region, "remote": volunteer.remote, "hours_per_week": window.hours_per_week,
        "from": window.start.isoformat() if window.start else None,
        "until": window.until.isoformat() if window.until else None,
        "skills": [{"id": s.skill, "level": s.level or None} for s in volunteer.skills],
        "updated": updated,
    }, ensure_ascii=False, separators=(",", ":"))


def _group(group, agenda: Agenda, directory: Directory, base: str, today) -> dict:
    known = directory.volunteers
    return {
        "slug": group.slug,
        "url": f"{base}/groups/{group.slug}/",
        "name": group.name,
        "summary": group.summary,
        "sponsor": group.sponsor,
        "vision": group.vision,
        "mission": group.mission,
        "goals": list(group.goals),
        "expected_outcomes": list(group.expected_outcomes),
        "measures_of_success": list(group.measures_of_success),
        "how_it_works": group.how_it_works or None,
        "assumptions": list(group.assumptions),
        "review": group.review.isoformat() if group.review else None,
        "themes": list(group.themes),
        "core_team": [_person_ref(p, directory, base) for p in group.core_team if p in known],
        "members": [_person_ref(p, directory, base) for p in group.members if p not in group.core_team and p in known],
        "proposals": [p.slug for p in agenda.ordered(agenda.by_group.get(group.slug, ()))],
        "needs": [{
            "skill": need.skill,
            "hours_per_week": need.hours_per_week,
            "remote": need.remote,
            "region": need.region or None,
            "until": need.until.isoformat() if need.until else None,
            "note": need.note or None,
            "state": need.state(today),
        } for need in group.needs],
        "website": group.contact.website or None,
        "discussion": group.discussion or None,
        "body_html": str(render_body(group.body)) if group.body.strip() else None,
    }


def _need(need, directory: Directory, base: str) -> dict:
    return {
        "id": need.key,
        "skills": list(need.skills),
        "hours_per_week": need.hours_per_week or None,
        "remote": need.remote,
        "region": need.region or None,
        "until": need.until.isoformat() if need.until else None,
        "note": need.note or None,
        "asked_by": {"kind": need.asked_by, "slug": need.slug, "name": need.asker, "url": f"{base}/{need.url}"},
        "declared": need.declared.isoformat() if need.declared else None,
        "could_fill": need.could_fill,
    }


def person_texts(person: dict, row=None, writer=None) -> tuple[str, str]:
    """A person's record in data/people.json and their row of data/people.csv (with its line end)."""
    if row is None:
        row = io.StringIO()
        writer = csv.writer(row, lineterminator="\r\n")
    row.seek(0)
    row.truncate()
    writer.writerow(_csv_row(person))
    return json.dumps(person, ensure_ascii=False, separators=(",", ":")), row.getvalue()


def _json(document) -> str:
    # No indent: json's C encoder serves only compact output.
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")) + "\n"


def _person_ref(volunteer_id: str, directory: Directory, base: str) -> dict:
    volunteer = directory.volunteers.get(volunteer_id)
    return {"id": volunteer_id, "name": volunteer.name if volunteer else volunteer_id,
            "url": f"{base}/people/{volunteer_id}/" if volunteer else None}


def _proposal(proposal: Proposal, agenda: Agenda, directory: Directory, base: str) -> dict:
    group = agenda.groups.get(proposal.group)
    return {
        "slug": proposal.slug,
        "url": f"{base}/proposals/{proposal.slug}/",
        "title": proposal.title,
        "summary": proposal.summary,
        "status": proposal.status,
        "status_label": proposal.status_label,
        "date": proposal.date.isoformat(),
        "consultation_closes": proposal.consultation_closes.isoformat() if proposal.consultation_closes else None,
        "last_changed": agenda.last_changed(proposal).isoformat(),
        "themes": list(proposal.themes),
        "authors": [_person_ref(a, directory, base) for a in proposal.authors],
        "group": {"id": group.slug, "name": group.name, "url": f"{base}/groups/{group.slug}/"} if group else None,
        "needs": list(proposal.needs),
        "synthesises": list(proposal.synthesises),
        "merged_into": list(agenda.merged_into.get(proposal.slug, ())),
        "discussion": proposal.discussion or None,
        "endorsement_count": len(agenda.endorsers.get(proposal.slug, ())),
        "endorsers": [_person_ref(v, directory, base) for v in agenda.endorsers.get(proposal.slug, ())],
        "revisions": [
            {"date": r.date.isoformat(), "author": None if r.withheld else r.author,
             "message": None if r.withheld else r.message, "commit": r.commit, "status": r.status or None}
            for r in agenda.history.of(proposal.path)
        ],
        "body_html": str(render_body(proposal.body)),
    }


def person_record(volunteer: Volunteer, written, endorsed, base: str) -> dict:
    window = volunteer.availability
    contact = {key: getattr(volunteer.contact, key) for key in ("website", "mastodon", "bluesky")
               if getattr(volunteer.contact, key)}
    return {
        "id": volunteer.id,
        "url": f"{base}/people/{volunteer.id}/",
        "name": volunteer.name,
        "headline": volunteer.headline,
        "bio": volunteer.bio or None,
        "place": volunteer.place,
        "region": volunteer.region,
        "remote": volunteer.remote,
        "availability": {
            "hours_per_week": window.hours_per_week,
            "when": list(window.when),
            "from": window.start.isoformat() if window.start else None,
            "until": window.until.isoformat() if window.until else None,
        },
        "languages": list(volunteer.languages),
        "skills": [{"id": s.skill, "level": s.level or None} for s in volunteer.skills],
        "themes": list(volunteer.themes),
        "contact": contact,
        "proposals_written": list(written),
        "endorses": list(endorsed),
    }


def _csv_row(person: dict) -> list[str]:
    """One person's row of data/people.csv, from their record in data/people.json."""
    window = person["availability"]
    row = {
        **{key: person[key] for key in ("id", "url", "name", "headline", "place", "region")},
        "bio": person["bio"] or "",
        "remote": "true" if person["remote"] else "false",
        "hours_per_week": window["hours_per_week"],
        "when": "; ".join(window["when"]),
        "available_from": window["from"] or "",
        "available_until": window["until"] or "",
        "languages": "; ".join(person["languages"]),
        "skills": "; ".join(s["id"] + (f" ({s['level']})" if s["level"] else "") for s in person["skills"]),
        "themes": "; ".join(person["themes"]),
        **{key: person["contact"].get(key, "") for key in ("website", "mastodon", "bluesky")},
        "proposals_written": "; ".join(person["proposals_written"]),
        "endorses": "; ".join(person["endorses"]),
    }
    return [_cell(row[column]) for column in PEOPLE_COLUMNS]


def _cell(value) -> str:
    """A CSV cell a spreadsheet will not run as a formula (OWASP: prefix =, +, -, @ with ')."""
    text = str(value)
    if text[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + text
    return text


# How each record of data/people.json begins: person_record puts "id" and "url" first; and
# each of data/pool.json (pool_text): "id" and "name".
_RECORD_START = '{"id":%s,"url":'
_POOL_START = '{"id":%s,"name":'


def update_people(site, changes) -> dict[str, list]:
    """data/people.json, data/people.csv and data/pool.json of the site at ``site`` (written by
    :func:`write_open_data` and :func:`write_pool`) with the records and rows of ``changes``,
    ``(person before, person after, day of the profile's last commit)``, replaced; nothing is
    written here. Only what a person shows and that day may have changed (their proposals and
    endorsements are kept from the record). Raises CannotUpdate when a file does not hold the
    person as those functions write them.

    Each file's new text is given as its parts (``{output path: [part, ...]}``): bytes, or a
    ``(start, end)`` range of the file as it is, which joinedup.builder.output.write_parts
    copies without reading it. At 100,000 people the three files are 130 MB: read, joined and written again
    whole, they were half of a one-profile rebuild (benchmarks/README.md, session 15).
    """
    import mmap
    from pathlib import Path

    from joinedup.render.rendering import CannotUpdate

    edits: dict[str, list[tuple[int, int, bytes]]] = {PEOPLE_JSON: [], PEOPLE_CSV: [], POOL_JSON: []}
    maps = {}
    try:
        for name in edits:
            # Never through a link: the site's files are plain files (joinedup.builder.quick checks).
            descriptor = os.open(Path(site) / name, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
            try:
                maps[name] = mmap.mmap(descriptor, 0, access=mmap.ACCESS_READ)
            finally:
                os.close(descriptor)
    except (OSError, ValueError):
        for data in maps.values():
            data.close()
        raise CannotUpdate("the data files cannot be read") from None
    try:
        people, table, pool = maps[PEOPLE_JSON], maps[PEOPLE_CSV], maps[POOL_JSON]
        sizes = {name: len(data) for name, data in maps.items()}
        for old, volunteer, updated in changes:
            start, end = _record_at(people, _RECORD_START, old.id, PEOPLE_JSON)
            record = json.loads(people[start:end])
            old_text, old_row = person_texts(record)
            if people[start:end] != old_text.encode("utf-8"):
                raise CannotUpdate(f"{old.id}'s record in {PEOPLE_JSON} is not what the build writes")
            base = record["url"][: -len(f"/people/{old.id}/")]
            new_text, new_row = person_texts(person_record(volunteer, record["proposals_written"],
                                                           record["endorses"], base))
            edits[PEOPLE_JSON].append((start, end, new_text.encode("utf-8")))
            line = b"\r\n" + old_row.encode("utf-8")
            at = table.find(line)
            if at < 0 or table.find(line, at + 1) >= 0:
                raise CannotUpdate(f"{old.id}'s row in {PEOPLE_CSV} is not what the build writes")
            edits[PEOPLE_CSV].append((at + 2, at + len(line), new_row.encode("utf-8")))
            start, end = _record_at(pool, _POOL_START, old.id, POOL_JSON)
            if pool[start:end] != pool_text(old, json.loads(pool[start:end])["updated"]).encode("utf-8"):
                raise CannotUpdate(f"{old.id}'s record in {POOL_JSON} is not what the build writes")
            edits[POOL_JSON].append((start, end, pool_text(volunteer, updated.isoformat() if updated else None)
                                     .encode("utf-8")))
    finally:
        for data in maps.values():
            data.close()
    spliced = {}
    for name, changed in edits.items():
        parts, at = [], 0
        for start, end, text in sorted(changed):
            if start < at:
                raise CannotUpdate(f"two records overlap in {name}")
            parts += [(at, start), text]
            at = end
        spliced[name] = parts + [(at, sizes[name])]
    return spliced


def _record_at(data: bytes, beginning: str, id: str, name: str) -> tuple[int, int]:
    """Where ``id``'s record starts and ends among the people of ``data`` (``...[record,record,...]}``,
    as :func:`write_open_data` and :func:`write_pool` write them), each record beginning with
    ``beginning`` (``%s`` the id). The next record's beginning is never inside one: a quote inside
    a JSON text is escaped, and an id followed by that second key begins only a person."""
    from joinedup.render.rendering import CannotUpdate

    start = data.find((beginning % json.dumps(id, ensure_ascii=False)).encode("utf-8"))
    if start < 1 or data[start - 1] not in b"[,":
        raise CannotUpdate(f"{id} is not in {name}")
    following = _NEXT_RECORD[beginning].search(data, start + 1)
    end = following.start() if following else data.rfind(b"]}")
    if end <= start:
        raise CannotUpdate(f"{id} is not in {name}")
    return start, end


# Where the record after one begins: a comma, then its beginning with any id (ids are slugs).
_NEXT_RECORD = {_RECORD_START: re.compile(rb',\{"id":"[^"\\]*","url":'),
                _POOL_START: re.compile(rb',\{"id":"[^"\\]*","name":')}
