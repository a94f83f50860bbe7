"""Office hours: when the next shift starts, said in the conversation's language."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from bot.conversations.office_hours import OfficeHours

# Saturday noon in Berlin: the office opens again on Monday.
SATURDAY = datetime(2026, 12, 5, 12, 0, tzinfo=timezone.utc)


def _hours() -> OfficeHours:
    hours = OfficeHours.parse("Mon-Fri 09:00-18:00 Europe/Berlin")
    assert hours is not None
    return hours


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("en", "Monday 09:00 (Central European Standard Time)"),
        ("de", "Montag, 09:00 Uhr (Mitteleuropäische Normalzeit)"),
        ("ru", "понедельник, 09:00 (Центральная Европа, стандартное время)"),
    ],
)
def test_it_says_when_the_office_opens_in_the_conversations_language(
    lang: str, expected: str
) -> None:
    assert _hours().describe_next(SATURDAY, lang) == expected


def test_the_zone_name_follows_summer_time() -> None:
    saturday_in_june = datetime(2026, 6, 6, 12, 0, tzinfo=timezone.utc)
    assert _hours().describe_next(saturday_in_june, "de") == (
        "Montag, 09:00 Uhr (Mitteleuropäische Sommerzeit)"
    )


def test_english_is_the_default() -> None:
    assert _hours().describe_next(SATURDAY) == _hours().describe_next(SATURDAY, "en")
