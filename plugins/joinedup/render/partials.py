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


def help_cards_renderer(head_template: str):
    """``help_cards(needs, label)``: the cards of a person's "Where you could help", one ``<li>``
    per :class:`joinedup.match.where_to_help.NeedToHelp`: the need's head (``head_template``,
    what it asks and who asked, rendered once per build and need, by its key), this person's
    score, and their reasons (``reasons_list``, the list named ``label``).

    Written here rather than looped over in the template: a directory of 10,000 people has up
    to 30,000 of these cards, and the loop's template calls cost 0.18 ms a page, against 0.04 ms
    written here (benchmarks/README.md, session 11).
    """
    from jinja2 import pass_context
    from markupsafe import escape

    from joinedup.core.i18n import format_number
    from joinedup.core.i18n import gettext as _

    heads = _partial_renderer(lambda name, variables: variables["need"].key)
    badges: dict[float, str] = {}

    @pass_context
    def help_cards(context, needs, label: str) -> Markup:
        reasons_list = context["reasons_list"]
        parts = []
        for need in needs:
            asked = need.asked
            badge = badges.get(need.score)
            if badge is None:
                badge = badges[need.score] = escape(_("Match: %(score)s of 100") % {"score": format_number(need.score)})
            parts.append(f'<li class="card need-card" data-need="{escape(asked.key)}" data-score="{need.score}">\n'
                         f'{heads(context, head_template, need=asked)}\n'
                         f'<p class="meta"><span class="badge badge-now">{badge}</span></p>\n'
                         f'{reasons_list(need.reasons, label)}\n</li>')
        return Markup("\n".join(parts))

    return help_cards


def fragment_renderer():
    """``fragment(template, **variables)``: a partial rendered once per build and variables,
    for the parts of every page that differ little or not at all (the site's header, per
    section, and its footer)."""
    return _partial_renderer(lambda name, variables: (name, *sorted(variables.items())))
