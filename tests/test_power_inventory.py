"""The power study's inventory follows the code: every criterion it lists is still on a line of its file.

(Fast tier: a moved or rewritten criterion must be re-inventoried in tests/power_criteria.py, and docs/power.md
regenerated with ``python -m tests.power``.)
"""

from __future__ import annotations

from tests import power_criteria


def test_every_inventoried_criterion_is_found_in_its_file():
    found = power_criteria.inventory()
    assert len(found) == len(power_criteria.INVENTORY)
    assert all(":" in r["where"] and int(r["where"].rsplit(":", 1)[1]) > 0 for r in found)
