"""Pelican settings for a Joined Up site. A fork changes the first block; the rest is the machinery."""

import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "plugins"))

from joinedup.markup import sanitise  # noqa: E402

# --- Your movement -------------------------------------------------------------------------
SITENAME = "Joined Up"
SITESUBTITLE = "People willing to help, and the policies we are making together, in the open."
SITEURL = ""
AUTHOR = "Joined Up"
TIMEZONE = "Europe/London"
DEFAULT_LANG = "en"
# The forge that holds this repository: "Edit this profile", "Suggest a change" (on proposals),
# "Add yourself" and the links to each revision's diff go here, on this branch.
FORGE_URL = "https://github.com/joinedup-example/joinedup"
FORGE_BRANCH = "main"
# Forge logins who may approve any change (the `owners` check on pull requests) and review
# profiles; keep .github/CODEOWNERS in step.
JOINEDUP_MAINTAINERS = ["joinedup-maintainer"]
# A profile whose file has not been committed for this many months is marked "not confirmed
# recently" in the directory (availability that has ended is marked whatever its age).
JOINEDUP_STALE_MONTHS = 12
# Where someone writes to have their profile removed, history included (see docs/takedown.md).
JOINEDUP_TAKEDOWN_CONTACT = "mailto:privacy@joinedup.example"
# People listed on each page of the directory, skill and region listings.
JOINEDUP_PAGE_SIZE = 24
# "People who could help" on proposal and group pages: how many people to show for each need.
JOINEDUP_HELPERS = 5

# --- Machinery ------------------------------------------------------------------------------
PATH = "content"
THEME = "themes/joinedup"
PLUGIN_PATHS = ["plugins"]
PLUGINS = ["joinedup_pelican"]
# Proposals are Pelican articles and groups hidden pages, read through the joinedup plugin.
ARTICLE_PATHS = ["proposals"]
PAGE_PATHS = ["pages", "groups"]
STATIC_PATHS = []
READERS = {"html": None}

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

JINJA_ENVIRONMENT = {"autoescape": True, "trim_blocks": True, "lstrip_blocks": True, "extensions": []}
JINJA_FILTERS = {"sanitise_body": lambda html: sanitise(html, body=True)}
CACHE_CONTENT = False
LOAD_CONTENT_CACHE = False
DELETE_OUTPUT_DIRECTORY = False
OUTPUT_PATH = "output"
