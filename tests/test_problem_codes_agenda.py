"""Every JU4xx code in the library is documented in docs/problems-proposals.md, and nothing else is."""

from __future__ import annotations

import re

from conftest import REPO
from joinedup.problems import CODES


def test_every_ju4xx_code_is_in_the_table_with_its_name_and_severity():
    table = (REPO / "docs/problems-proposals.md").read_text(encoding="utf-8")
    rows = {m.group(1): (m.group(2), m.group(3))
            for m in re.finditer(r"^\| (JU4\d\d) \| ([a-z-]+) \| (error|warning) \|", table, re.M)}
    in_code = {code.id: (code.name, code.severity) for code in CODES.values() if code.id.startswith("JU4")}
    assert rows == in_code
