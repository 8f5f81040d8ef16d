import datetime

import pytest

from samenaanpak.help.opening import AMSTERDAM, hours_summary, is_open, next_opening, reopens_label

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
        (
            [(SUN, T(22), T(2))],
            at(2026, 11, 30, 0, 30),
            True,
        ),  # Sunday night into Monday (week wraps)
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
    assert is_open(
        periods, datetime.datetime(2026, 10, 25, 1, 30, tzinfo=datetime.UTC)
    )  # 02:30 CET
    assert not is_open(
        periods, datetime.datetime(2026, 10, 25, 3, 30, tzinfo=datetime.UTC)
    )  # 04:30 CET


# next_opening / reopens_label: "Weer open: morgen 9:00" for an offer that is closed now.

WEEKDAYS_9_17 = [(day, T(9), T(17)) for day in range(5)]  # Monday to Friday


@pytest.mark.parametrize(
    "moment, expected_local, label",
    [
        (at(2026, 12, 1, 23, 30), (2026, 12, 2, 9, 0), "Weer open: morgen 9:00"),  # Tuesday night
        (at(2026, 12, 2, 7, 0), (2026, 12, 2, 9, 0), "Weer open: vandaag 9:00"),  # Wednesday early
        (
            at(2026, 12, 4, 17, 0),
            (2026, 12, 7, 9, 0),
            "Weer open: maandag 9:00",
        ),  # Friday at closing time
        (at(2026, 12, 5, 23, 30), (2026, 12, 7, 9, 0), "Weer open: maandag 9:00"),  # Saturday night
        (at(2026, 12, 6, 23, 30), (2026, 12, 7, 9, 0), "Weer open: morgen 9:00"),  # Sunday night
    ],
)
def test_next_opening_on_weekdays(moment, expected_local, label):
    opening = next_opening(WEEKDAYS_9_17, moment)
    assert opening == at(*expected_local) and opening.utcoffset() == datetime.timedelta(hours=1)
    assert reopens_label(opening, moment) == label


def test_next_opening_takes_the_later_period_of_the_same_day():
    periods = [(MON, T(9), T(12)), (MON, T(13), T(17))]
    opening = next_opening(periods, at(2026, 11, 30, 12, 30))
    assert opening == at(2026, 11, 30, 13, 0)
    assert reopens_label(opening, at(2026, 11, 30, 12, 30)) == "Weer open: vandaag 13:00"


def test_next_opening_a_week_later_on_the_same_weekday():
    opening = next_opening([(MON, T(9), T(17))], at(2026, 11, 30, 18, 0))  # Monday after closing
    assert opening == at(2026, 12, 7, 9, 0)
    assert reopens_label(opening, at(2026, 11, 30, 18, 0)) == "Weer open: maandag 9:00"


def test_next_opening_across_dst_keeps_the_wall_clock_time():
    # Saturday 2026-03-28 23:30 CET; the clocks go forward that night. Open Sunday 9:00 CEST.
    moment = datetime.datetime(2026, 3, 28, 22, 30, tzinfo=datetime.UTC)
    opening = next_opening([(SUN, T(9), T(17))], moment)
    assert opening == datetime.datetime(
        2026, 3, 29, 7, 0, tzinfo=datetime.UTC
    )  # 9:00 CEST, not 8:00 UTC
    assert reopens_label(opening, moment) == "Weer open: morgen 9:00"
    # Autumn: Saturday 2026-10-24 23:30 CEST; the clocks go back. Open Monday 9:00 CET.
    moment = datetime.datetime(2026, 10, 24, 21, 30, tzinfo=datetime.UTC)
    opening = next_opening(WEEKDAYS_9_17, moment)
    assert opening == datetime.datetime(2026, 10, 26, 8, 0, tzinfo=datetime.UTC)
    assert reopens_label(opening, moment) == "Weer open: maandag 9:00"


def test_next_opening_at_a_time_the_clocks_skip():
    # 02:30 does not exist on 2026-03-29: the opening is the first real moment after the jump (03:30 CEST).
    moment = datetime.datetime(2026, 3, 28, 23, 0, tzinfo=datetime.UTC)  # 00:00 CET
    opening = next_opening([(SUN, T(2, 30), T(5))], moment)
    assert opening == datetime.datetime(2026, 3, 29, 1, 30, tzinfo=datetime.UTC)


def test_next_opening_with_utc_moment_around_midnight_uses_amsterdam_date():
    # 23:30 UTC on Sunday is already Monday 00:30 in Amsterdam: "vandaag", not "morgen".
    moment = datetime.datetime(2026, 11, 29, 23, 30, tzinfo=datetime.UTC)
    opening = next_opening(WEEKDAYS_9_17, moment)
    assert reopens_label(opening, moment) == "Weer open: vandaag 9:00"


def test_next_opening_without_periods():
    assert next_opening([], at(2026, 11, 30, 12)) is None


def test_hours_summary_groups_days_with_the_same_hours():
    periods = WEEKDAYS_9_17 + [(SAT, T(10), T(14)), (SUN, T(0), T(0))]
    assert hours_summary(periods) == ["ma t/m vr 9:00–17:00", "za 10:00–14:00", "zo hele dag"]
    assert hours_summary([(MON, T(19), T(21)), (TUE, T(19), T(21)), (4, T(19), T(21))]) == [
        "ma en di 19:00–21:00",
        "vr 19:00–21:00",
    ]
    assert hours_summary([(day, T(11), T(21)) for day in range(7)]) == ["elke dag 11:00–21:00"]
    assert hours_summary([]) == []
