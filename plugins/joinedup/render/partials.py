"""Partials rendered once per build instead of once per page: a person's card, and the
parts of every page that differ little or not at all.

A partial so rendered must use only the site's globals and the variables it is given, never
the names of the page it is on: whichever page renders it first, every page gets those bytes.
"""

from __future__ import annotations

from markupsafe import Markup


def _partial_renderer(key_of):
    """A template function ``(template name, **variables)`` rendering each partial once per
    ``key_of(name, variables)`` in a build. The partial may use only the site's globals and
    the variables given, not those of the page it is on."""
    from jinja2 import pass_context

    rendered: dict[tuple, Markup] = {}

    @pass_context
    def render(context, template_name: str, **variables) -> Markup:
        key = key_of(template_name, variables)
        found = rendered.get(key)
        if found is None:
            template = context.environment.get_template(template_name)
            # The page's context shared, not copied as Template.render(dict) would copy its few
            # hundred names (Pelican's settings, the site's globals) for every card.
            partial = template.new_context(context.parent, shared=True)
            partial.vars.update(context.vars)
            partial.vars.update(variables)
            found = rendered[key] = Markup(context.environment.concat(template.root_render_func(partial)))
        return found

    return render


def card_renderer(template_name: str):
    """``person_card(person, level)``: a person's card, rendered once per build and heading level.

    A card is on every listing that has the person (all people, each of their skills and skill
    groups, their region), and is rendered once for all of them.
    """
    from jinja2 import pass_context

    render = _partial_renderer(lambda name, variables: (variables["person"].id, variables["card_heading"]))

    @pass_context
    def card(context, person, level: int = 2) -> Markup:
        return render(context, template_name, person=person, card_heading=level)

    return card


def proposal_card_renderer(template_name: str):
    """``proposal_card(proposal, level, endorsements, changed, support)``: a proposal's card,
    rendered once per build for each heading level, its endorsement count and last change, and
    whether it shows its breadth (``support``, a :class:`joinedup.match.breadth.Support`, on
    the listings sorted by breadth; None elsewhere).

    A proposal is on its listing, each of its themes' and its status's, each of them in two
    orders: at 1,000 proposals, 7,600 cards rendered as about 2,000.
    """
    from jinja2 import pass_context

    render = _partial_renderer(lambda name, variables: (
        variables["proposal"].slug, variables["card_heading"], variables["count"], variables["last_changed"],
        variables["support"] is not None))

    @pass_context
    def card(context, proposal, level: int, endorsements: int, changed, support=None) -> Markup:
        return render(context, template_name, proposal=proposal, card_heading=level, count=endorsements,
                      last_changed=changed, support=support)

    return card


def could_help_renderer(head_template: str):
    """``could_help_section(person, needs, total)``: a person's "Where you could help", the
    whole ``<section>``: the ``needs`` shown (:class:`joinedup.match.where_to_help.NeedToHelp`,
    best first) of ``total`` they match, each card with the need's head (``head_template``,
    what it asks and who asked, rendered once per build and need, by its key), this person's
    score, and the reasons not fully met (``reasons_list``): a partial or missed skill, hours,
    place or date, and a profile not updated for long.

    Written here rather than in the template: a directory of 10,000 people has up to 30,000
    of these cards, and the template's calls (a loop, a plural, half a dozen translations and
    numbers) cost 0.17 ms a page, against 0.05 ms written here (benchmarks/README.md, sessions
    11 and 12). The words are the catalogue's, as the template's were.
    """
    from jinja2 import pass_context
    from markupsafe import escape

    from joinedup.core.i18n import format_number
    from joinedup.core.i18n import gettext as _
    from joinedup.core.i18n import ngettext

    heads = _partial_renderer(lambda name, variables: variables["need"].key)
    badges: dict[float, str] = {}
    closing: dict[tuple, str] = {}  # (shown, total) -> the last paragraph, once per build

    @pass_context
    def could_help_section(context, person, needs, total: int) -> Markup:
        reasons_list = context["reasons_list"]
        name = person.name
        heading = escape(_("Where you could help"))
        parts = ['<section aria-labelledby="could-help-heading" class="could-help">\n'
                 f'<h2 id="could-help-heading">{heading}</h2>\n<p>',
                 escape(ngettext("%(name)s matches %(num)s open need, ranked as groups rank people for a need.",
                                 "%(name)s matches %(num)s open needs, best match first, ranked as groups rank "
                                 "people for a need.", total)) % {"name": name, "num": format_number(total)},
                 '</p>\n<ol class="could-help-list">\n']
        # Only what does not fully match: the met reasons restate the line (its skills, hours and
        # place) and the person's own profile. What does not fully match in every need shown
        # (a profile not updated for long, say) is said once, under the list.
        shorts = [tuple(reason for reason in need.reasons if reason.met is not True) for need in needs]
        common = tuple(reason for reason in shorts[0] if all(reason in short for short in shorts[1:])) \
            if len(shorts) > 1 else ()
        lines = []
        for need, short in zip(needs, shorts):
            badge = badges.get(need.score)
            if badge is None:
                badge = badges[need.score] = escape(_("Match: %(score)s of 100") % {"score": format_number(need.score)})
            own = tuple(reason for reason in short if reason not in common)
            # In brackets after the score it lowers: read as its reason.
            lines.append(f'<li>{heads(context, head_template, need=need.asked).strip()} '
                         f'<span class="badge badge-now">{badge}</span>'
                         + (f' ({reasons_list(own, inline=True)})' if own else '') + '</li>')
        parts.append("\n".join(lines))
        parts.append("\n</ol>")
        if common:
            said = escape(_("What does not fully match in each of them: %(reasons)s")) % {
                "reasons": reasons_list(common, inline=True)}
            parts.append(f"\n<p>{said}</p>")
        shown = len(needs)
        end = closing.get((shown, total))
        if end is None:
            site = context.get("SITEPATH", "")
            others = (escape(_("These are the best %(shown)s of %(num)s; the pages of the skills above list "
                               "the others.") % {"shown": format_number(shown), "num": format_number(total)}) + " "
                      if total > shown else "")
            board = escape(_("Every open need, on the needs board"))
            end = closing[shown, total] = (f'\n<p>{others}<a href="{escape(site)}/needs/">{board}</a></p>'
                                           '\n</section>')
        parts.append(end)
        return Markup("".join(parts))

    return could_help_section


def fragment_renderer():
    """``fragment(template, **variables)``: a partial rendered once per build and variables,
    for the parts of every page that differ little or not at all (the site's header, per
    section, and its footer)."""
    return _partial_renderer(lambda name, variables: (name, *sorted(variables.items())))
