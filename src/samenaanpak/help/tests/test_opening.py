import datetime

import pytest

from samenaanpak.help.opening import AMSTERDAM, is_open

T = datetime.time
MON, TUE, SAT, SUN = 0, 1, 5, 6


def at(year, month, day, hour, minute=0):
    return datetime.datetime(year, month, day, hour, minute, tzinfo=AMSTERDAM)


@pytest.mark.parametrize(
    "periods, moment, expected",
    [
        ([(MON, T(9), T(17))], at(2026, 11, 30, 9, 0), True),  # Monday 09:00, opening minute
        ([(MON, T(9), T(17))], at(2026, 11, 30, 17, 0), False),  # closing minute is closed
        ([(MON, T(9), T(17))], at(2026, 12, 1, 10, 0), False),  # Tuesday
        ([(SAT, T(22), T(2))], at(2026, 11, 28, 23, 30), True),  # Saturday night
        ([(SAT, T(22), T(2))], at(2026, 11, 29, 1, 59), True),  # after midnight, now Sunday
        ([(SAT, T(22), T(2))], at(2026, 11, 29, 2, 0), False),
        ([(SUN, T(22), T(2))], at(2026, 11, 30, 0, 30), True),  # Sunday night into Monday (week wraps)
        ([(MON, T(0), T(0))], at(2026, 11, 30, 23, 59), True),  # 00:00-00:00 is all day
        ([(MON, T(0), T(0))], at(2026, 12, 1, 0, 0), False),
        ([], at(2026, 11, 30, 12), False),
    ],
)
def test_is_open(periods, moment, expected):
    assert is_open(periods, moment) is expected


def test_uses_amsterdam_time_for_utc_moments_across_dst():
    periods = [(SUN, T(9), T(17))]
    # 2026-03-29: clocks go forward at 02:00. 07:30 UTC is 09:30 CEST (open);
    # a week earlier 07:30 UTC was 08:30 CET (closed).
    assert is_open(periods, datetime.datetime(2026, 3, 29, 7, 30, tzinfo=datetime.UTC))
    assert not is_open(periods, datetime.datetime(2026, 3, 22, 7, 30, tzinfo=datetime.UTC))
    # 2026-10-25: clocks go back at 03:00. 16:30 UTC is 17:30 CET (closed); 15:30 UTC is 16:30 (open).
    assert not is_open(periods, datetime.datetime(2026, 10, 25, 16, 30, tzinfo=datetime.UTC))
    assert is_open(periods, datetime.datetime(2026, 10, 25, 15, 30, tzinfo=datetime.UTC))


def test_night_of_dst_change():
    # Saturday 22:00 - 04:00 over the night the clocks go back (an hour longer in real time).
    periods = [(SAT, T(22), T(4))]
    assert is_open(periods, datetime.datetime(2026, 10, 25, 1, 30, tzinfo=datetime.UTC))  # 02:30 CET
    assert not is_open(periods, datetime.datetime(2026, 10, 25, 3, 30, tzinfo=datetime.UTC))  # 04:30 CET
