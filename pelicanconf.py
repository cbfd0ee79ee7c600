"""Pelican settings for a Joined Up site. A fork changes the first block; the rest is the machinery."""

import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "plugins"))

from joinedup.core.markup import sanitise  # noqa: E402
from joinedup.load.settings import pelican_settings, template_cache  # noqa: E402

# --- Your movement -------------------------------------------------------------------------
# Name, tagline, logo, accent colour, language, forge, maintainers, stale-profile months and
# the takedown contact are in site.yaml (validated by `python tasks.py check`; see
# docs/maintainers.md). They arrive here under Pelican's names: SITENAME, SITESUBTITLE,
# DEFAULT_LANG, TIMEZONE, FORGE_URL, FORGE_BRANCH, JOINEDUP_MAINTAINERS,
# JOINEDUP_STALE_MONTHS, JOINEDUP_TAKEDOWN_CONTACT, JOINEDUP_ACCENT, JOINEDUP_LOGO.
globals().update(pelican_settings(os.path.dirname(os.path.abspath(__file__))))
SITEURL = ""
# Proposals listed on each page of the proposal, theme and status listings (cards).
JOINEDUP_PAGE_SIZE = 24
# People listed on each page of the directory, skill and region listings (a row each, about
# 400 bytes: a page of 100 weighs about what 24 proposal cards do).
JOINEDUP_ROWS_PER_PAGE = 100
# "People who could help" on proposal and group pages: how many people to show for each need.
JOINEDUP_HELPERS = 5

# --- Machinery ------------------------------------------------------------------------------
PATH = "content"
THEME = "themes/joinedup"
PLUGIN_PATHS = ["plugins"]
PLUGINS = ["joinedup_pelican"]
# Proposals (content/proposals) and groups (content/groups) are read, validated and rendered
# by the joinedup plugin from its model, like the directory, so that a page whose inputs did
# not change is not rendered again; Pelican reads only content/pages.
ARTICLE_PATHS = []
PAGE_PATHS = ["pages"]
# content/images/ holds the logo named in site.yaml.
STATIC_PATHS = ["images"]
# Pages are Markdown only: reStructuredText's "include" directive would read any file of the
# machine into the site (check refuses other files in content/pages, JU012).
READERS = {"html": None, "rst": None}

ARTICLE_URL = "proposals/{slug}/"
ARTICLE_SAVE_AS = "proposals/{slug}/index.html"
PAGE_URL = "{slug}/"
PAGE_SAVE_AS = "{slug}/index.html"
DIRECT_TEMPLATES = ["index", "404"]  # 404.html: the page a host shows for a missing address
PAGINATED_TEMPLATES = {}
DEFAULT_PAGINATION = False
# The directory makes its own listings; Pelican's author, tag, category and archive pages
# (and their colliding pagination patterns) are switched off.
AUTHOR_SAVE_AS = AUTHORS_SAVE_AS = ""
TAG_SAVE_AS = TAGS_SAVE_AS = ""
CATEGORY_SAVE_AS = CATEGORIES_SAVE_AS = ""
ARCHIVES_SAVE_AS = YEAR_ARCHIVE_SAVE_AS = MONTH_ARCHIVE_SAVE_AS = DAY_ARCHIVE_SAVE_AS = ""
DRAFT_SAVE_AS = DRAFT_PAGE_SAVE_AS = ""
FEED_ALL_ATOM = FEED_ALL_RSS = CATEGORY_FEED_ATOM = TRANSLATION_FEED_ATOM = None
AUTHOR_FEED_ATOM = AUTHOR_FEED_RSS = None

JINJA_ENVIRONMENT = {"autoescape": True, "trim_blocks": True, "lstrip_blocks": True, "extensions": ["jinja2.ext.i18n"],
                     # Compiled templates kept between builds (checked against their source).
                     "bytecode_cache": template_cache(os.path.dirname(os.path.abspath(__file__))),
                     # Templates do not change during a build: not checked on disk at every page.
                     "auto_reload": False}
JINJA_FILTERS = {"sanitise_body": lambda html: sanitise(html, body=True)}
CACHE_CONTENT = False
LOAD_CONTENT_CACHE = False
DELETE_OUTPUT_DIRECTORY = False
OUTPUT_PATH = "output"
