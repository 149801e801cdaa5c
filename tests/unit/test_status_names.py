"""Status filters accept a status the way the service prints it, in any spelling."""

from __future__ import annotations

import pytest

from pixelz import InvalidArgumentError, Status
from pixelz._arguments import STATUS_NAMES, status_filter


@pytest.mark.parametrize(
    ("value", "wire"),
    [
        ("InProduction", "60"),
        ("In Production", "60"),
        ("in-production", "60"),
        ("in_production", "60"),
        (" IN_PRODUCTION ", "60"),
        ("inproduction", "60"),
        ("Production Finished", "70"),
        ("production-finished", "70"),
        ("Delivered", "80"),
        ("new", "10"),
        ("OnHold", "55"),
        ("on_hold", "55"),
        ("On Hold", "55"),
        ("55", "55"),
        (Status.DELIVERED, "80"),
        (12345, "12345"),
        (None, ""),
    ],
)
def test_status_spellings(value: object, wire: str) -> None:
    assert status_filter("status", value) == wire


@pytest.mark.parametrize("value", ["Shipped", "In-Prod", "", "  ", "On Hold Now", "-1", 1.5])
def test_unknown_status_names_are_refused_with_the_known_ones(value: object) -> None:
    with pytest.raises(InvalidArgumentError) as info:
        status_filter("status", value)
    assert "New, InProduction, ProductionFinished, Delivered, OnHold" in str(info.value)


def test_every_known_name_is_its_own_wire_spelling() -> None:
    assert STATUS_NAMES == {10: "New", 60: "InProduction", 70: "ProductionFinished",
                            80: "Delivered", 55: "OnHold"}
    for code, name in STATUS_NAMES.items():
        assert status_filter("status", name) == str(code)
    assert [s.value for s in Status] == [10, 60, 70, 80]  # the enum is unchanged
