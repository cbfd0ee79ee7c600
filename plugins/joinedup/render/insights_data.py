"""``/data/insights.json``: the insights page's figures as open data (docs/open-data.md).

The one writer of the file; the figures are :func:`joinedup.match.insights.insights`'s, the
same the page and ``python tasks.py insights --json`` show.
"""

from __future__ import annotations

import json

from joinedup.core.model import Taxonomy
from joinedup.match.insights import Insights

INSIGHTS_JSON = "data/insights.json"


def insights_data(insights: Insights, taxonomy: Taxonomy, site_url: str) -> dict[str, str]:
    """``{path: text}`` of the insights file, its addresses absolute from ``site_url``."""
    return {INSIGHTS_JSON: json.dumps(insights.as_json(taxonomy, site_url), ensure_ascii=False, indent=1) + "\n"}
