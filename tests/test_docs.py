"""The documentation agrees with the code."""

import re
from pathlib import Path

from joinedup.core.problems import CODES

DOCS = Path(__file__).resolve().parent.parent / "docs"


def test_every_problem_code_is_in_the_table_and_every_row_is_a_code():
    rows = re.findall(r"^\| (JU\d{3}) \| ([a-z0-9-]+) \| (error|warning) \|", (DOCS / "problems.md").read_text(), re.M)
    documented = {code: (name, severity) for code, name, severity in rows}
    in_code = {code.id: (code.name, code.severity) for code in CODES.values()}
    assert documented == in_code
    assert len(rows) == len(documented), "a code is listed twice"
