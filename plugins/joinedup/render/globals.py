"""Where template globals come from: :func:`theme_globals` for the full build's Jinja
environment (the directory generator, ``joinedup_pelican.directory``) and :func:`page_globals`,
the part of it planned pages may use, which the quick rebuild (``joinedup.builder.quick``)
makes on its own.

Templates receive model objects and these names, never raw YAML, and never HTML built from
contributor text except through ``joinedup.core.markup``.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from markupsafe import Markup

from joinedup.core.freshness import last_commit_dates
from joinedup.core.i18n import format_number
from joinedup.core.markup import obscured_email, render_bio
from joinedup.core.model import LEVEL_LABELS, LEVELS, NEED_STATE_LABELS, STATUS_DESCRIPTIONS, STATUS_LABELS, STATUSES, WHEN_LABELS
from joinedup.load.profiles import published_fields
from joinedup.match.needs import describe, needs_of, search_query
from joinedup.render import calendars, feeds
from joinedup.render.editing import Forge, profile_source
from joinedup.render.labels import (
    AVAILABILITY_BANDS, HOURS_BANDS, availability_label, code_spans, confirmation_label,
    consultation_label, human_date, language_names, mastodon_link, need_label, reasons_lister, review_label,
    search_messages, time_label, timed,
)
from joinedup.render.offers import help_offer
from joinedup.render.partials import card_renderer, could_help_renderer, fragment_renderer, proposal_card_renderer
from joinedup.render.security import content_security_policy, pool_origins
from joinedup.render.who_could_help import Helpers


def theme_globals(repository, settings: dict) -> dict:
    """Names every template can use, on top of Pelican's own context."""
    directory = repository.directory
    stale_months = settings.get("JOINEDUP_STALE_MONTHS", 12)
    confirmed = last_commit_dates(repository.root)
    confirmations = {
        v.id: confirmation_label(confirmed.get(v.path), repository.build_date, stale_months)
        for v in directory.volunteers.values()
    }
    agenda = repository.agenda
    today = repository.build_date
    return {
        **page_globals(repository.taxonomy, today, settings, repository.root,
                       lambda volunteer: confirmations[volunteer.id]),
        # What only Pelican's own pages (the home page) use: the whole model.
        "directory": directory,
        # Which profiles are marked stale, and since when: pages reused from the last build
        # must be rendered again when this changes.
        "stale_profiles": {id: label["text"] for id, label in confirmations.items() if label["stale"]},
        "available_now_count": sum(
            1 for v in directory.volunteers.values() if v.availability.is_available_on(repository.build_date)
        ),
        "people_who_could_help": Helpers(repository, settings.get("JOINEDUP_HELPERS", 5), confirmed),
        "needs_of": lambda item: needs_of(item, today, agenda.groups),
        "agenda": agenda,
        "open_consultations": sorted(
            (p for p in agenda.ordered() if p.consultation_open(today)),
            key=lambda p: (p.consultation_closes or dt.date.max, p.title.casefold()),
        ),
        "recent_proposals": agenda.ordered()[:6],
        "groups_needing_help": [g for g in agenda.groups.values() if g.open_needs(today)],
    }


def page_globals(taxonomy, today: dt.date, settings: dict, root, confirmation) -> dict:
    """The names planned pages may use: functions of the taxonomy, the day and the settings,
    and ``confirmation(volunteer)``, the label of when a profile was last confirmed.

    Planned pages (joinedup.render.pages) must not use the names theme_globals adds: each
    page's context holds what it shows about other people and proposals, so that its
    fingerprint covers it and a quick rebuild (joinedup.builder.quick), which has only these,
    can render it alone; it refuses a page using another name the full build had."""
    pools = json.loads(settings.get("JOINEDUP_POOLS") or "[]")
    return {
        "taxonomy": taxonomy,
        "build_date": today,
        "forge": Forge(settings.get("FORGE_URL", ""), settings.get("FORGE_BRANCH", "main"), taxonomy),
        "human_date": human_date,
        "timed": timed,
        "reasons_list": reasons_lister(taxonomy),
        "code_spans": code_spans,
        "number": format_number,
        "time_label": time_label,
        "language_names": language_names,
        "search_messages": search_messages,
        "LEVEL_LABELS": LEVEL_LABELS,
        "availability": _per_person(lambda volunteer: availability_label(volunteer, today)),
        "confirmation": confirmation,
        "render_bio": render_bio,
        "person_card": card_renderer("partials/person_card.html"),
        "person_row": card_renderer("partials/person_row.html"),
        "proposal_card": proposal_card_renderer("partials/proposal_card.html"),
        "fragment": fragment_renderer(),
        "could_help_section": could_help_renderer("partials/asked_need.html"),
        "obscured_email": obscured_email,
        "mastodon_link": mastodon_link,
        "profile_source": profile_source,
        "describe_need": lambda need: describe(need, taxonomy),
        "need_search_query": search_query,
        "AVAILABILITY_BANDS": AVAILABILITY_BANDS,
        "HOURS_BANDS": HOURS_BANDS,
        "LEVELS": LEVELS,
        "WHEN_LABELS": WHEN_LABELS,
        "schema_url": Path("volunteers/schema.json").as_posix(),
        "published_fields": published_fields(root),
        # Our own constant, not contributor text: marked safe so its quotes stay readable.
        "content_security_policy": Markup(content_security_policy(connect=pool_origins(pools))),
        # The pools whose people the search page searches too (site.yaml, docs/federation.md).
        "people_pools": [{key: p[key] for key in ("name", "title", "url")} for p in pools if p["people"]],
        "STATUSES": STATUSES,
        "STATUS_LABELS": STATUS_LABELS,
        "STATUS_DESCRIPTIONS": STATUS_DESCRIPTIONS,
        "consultation": lambda proposal: consultation_label(proposal, today),
        "review": lambda group: review_label(group, today),
        "need_label": lambda need: need_label(need, taxonomy),
        # "I can help" on a need: help_offer(name or title, need in words, page address, group, discussion).
        "help_offer": lambda what, need, address, group=None, discussion="": help_offer(
            what, need, address, settings.get("FORGE_URL", ""), group, discussion),
        "open_needs": lambda group: group.open_needs(today),
        "feeds": {"all": feeds.ALL_PROPOSALS, "status": feeds.STATUS_CHANGES, "breadth": feeds.BY_BREADTH,
                  "theme": feeds.theme_feed,
                  "needs": feeds.ALL_NEEDS, "skill_needs": feeds.skill_needs_feed, "region_needs": feeds.region_needs_feed},
        "calendars": {"all": calendars.AGENDA_CALENDAR, "theme": calendars.theme_calendar},
        "closed_needs": lambda group: group.closed_needs(today),
        "need_state": lambda need: need.state(today),
        "NEED_STATE_LABELS": NEED_STATE_LABELS,
    }


def _per_person(label):
    """``label(volunteer)``, worked out once per person in a build (a person is on several pages)."""
    found: dict[str, Any] = {}

    def cached(volunteer):
        result = found.get(volunteer.id)
        if result is None:
            result = found[volunteer.id] = label(volunteer)
        return result

    return cached
