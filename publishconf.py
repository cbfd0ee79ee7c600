"""Settings for publishing: pelicanconf.py plus the public address of the site."""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from pelicanconf import *  # noqa: E402,F401,F403

# Set this to where the site is served, e.g. https://joinedup.example.org
SITEURL = os.environ.get("JOINEDUP_SITEURL", "https://joinedup.example.org")
RELATIVE_URLS = False
