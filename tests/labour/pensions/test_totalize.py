"""The totalization engine on histories written from the legal reference (legal.md §4.3-4.4).

Each expectation is derived from the reference, not from what the engine prints: which
agreement applies between which states on which date, the days added up, each state's
share, the under-12-months rule, and the confidence every answer must carry.
"""

from __future__ import annotations

import datetime as dt

import pytest

from ruta.labour.pensions import PensionsError, Period, PeriodsError, totalize

D = dt.date
CLAIM = D(2026, 1, 1)


def periods(*rows: tuple[str, dt.date, dt.date]) -> list[Period]:
    return [Period(c, a, b, line=i) for i, (c, a, b) in enumerate(rows, 1)]


def steps(answer) -> dict[str, list]:
    found: dict[str, list] = {}
    for step in answer.steps:
        found.setdefault(step.step, []).append(step)
    return found


def test_two_mercosur_states_use_the_mercosur_agreement_and_share_by_days() -> None:
    # ARG and BRA apply both agreements in 2026; each counts the same days, so the tie goes
    # to MERCOSUR (listed first) and the other is reported as giving the same result.
    answer = totalize(
        periods(("ARG", D(2000, 1, 1), D(2014, 12, 31)), ("BRA", D(2015, 1, 1), D(2024, 12, 31))),
        as_of=CLAIM,
    )
    arg_days, bra_days = (D(2015, 1, 1) - D(2000, 1, 1)).days, (D(2025, 1, 1) - D(2015, 1, 1)).days
    assert answer.agreement == "mercosur"
    assert answer.total_days == arg_days + bra_days
    assert [(s.country, s.days) for s in answer.states] == [("ARG", arg_days), ("BRA", bra_days)]
    assert answer.states[0].pro_rata == pytest.approx(arg_days / (arg_days + bra_days))
    assert sum(s.pro_rata for s in answer.states) == pytest.approx(1.0)
    assert [c.agreement for c in answer.candidates if c.usable] == ["mercosur", "iberoamerican"]
    assert "precedence" in steps(answer)
    # MERCOSUR's entry into force (2005-06-01) is MEDIUM in the reference: every answer
    # under it is at most MEDIUM, and nothing here is UNCERTAIN.
    assert answer.confidence == "MEDIUM" and not answer.uncertain
    assert steps(answer)["agreement"][0].confidence == "MEDIUM"


def test_a_third_state_makes_the_ibero_american_convention_more_favourable() -> None:
    history = periods(
        ("ARG", D(1995, 3, 1), D(2009, 12, 31)),
        ("CHL", D(2010, 1, 1), D(2019, 12, 31)),
        ("BRA", D(2020, 1, 1), D(2022, 12, 31)),
    )
    answer = totalize(history, as_of=CLAIM, lang="pt-BR")
    assert answer.agreement == "iberoamerican"  # Chile is not a MERCOSUR-agreement party
    assert [s.country for s in answer.states] == ["ARG", "CHL", "BRA"]
    assert answer.total_days == sum(p.days for p in history)
    mercosur = next(c for c in answer.candidates if c.agreement == "mercosur")
    assert mercosur.usable and not mercosur.chosen and mercosur.countries == ["ARG", "BRA"]
    assert answer.lang == "pt" and "Argentina, Chile e Brasil" in steps(answer)["agreement"][0].text
    # Argentina (2016) and Chile (2011) applied the Convention after these periods began:
    # the pre-application rule is UNCERTAIN in the reference and flags the whole answer.
    assert steps(answer)["pre_agreement"][0].confidence == "UNCERTAIN"
    assert answer.uncertain


def test_forced_mercosur_leaves_chile_out_and_says_why() -> None:
    history = periods(
        ("ARG", D(1995, 3, 1), D(2009, 12, 31)),
        ("CHL", D(2010, 1, 1), D(2019, 12, 31)),
        ("BRA", D(2020, 1, 1), D(2022, 12, 31)),
    )
    answer = totalize(history, as_of=CLAIM, agreement="mercosur")
    assert answer.agreement == "mercosur"
    assert [s.country for s in answer.states] == ["ARG", "BRA"]
    (chile,) = answer.not_totalized
    assert chile.country == "CHL" and chile.days == history[1].days
    assert "not a party" in chile.reasons[0].text
    # Arts. 7.3-7.4: Chile and both states are bound by the CMISS, so Chilean periods may
    # still count if the right is not reached without them.
    assert chile.reasons[1].citation.endswith("arts. 7.3 and 7.4")
    assert "Argentina and Brazil" in chile.reasons[1].text
    assert steps(answer)["agreement"][0].text.startswith("Agreement you chose")


def test_exactly_twelve_months_binds_the_state_one_day_short_does_not() -> None:
    base = ("ARG", D(2000, 1, 1), D(2020, 12, 31))
    exact = totalize(periods(base, ("BRA", D(2021, 1, 1), D(2021, 12, 31))), as_of=CLAIM)
    short = totalize(periods(base, ("BRA", D(2021, 1, 1), D(2021, 12, 30))), as_of=CLAIM)
    brazil_exact, brazil_short = exact.states[1], short.states[1]
    assert (brazil_exact.months, brazil_exact.extra_days) == (12, 0)
    assert brazil_exact.minimum_met and brazil_exact.bound_to_pay
    assert "minimum_period" not in steps(exact)
    assert (brazil_short.months, brazil_short.extra_days) == (11, 30)
    assert not brazil_short.minimum_met and not brazil_short.bound_to_pay
    # Art. 7.2 (HIGH): Brazil may refuse, but its days still count for Argentina.
    (rule,) = steps(short)["minimum_period"]
    assert rule.citation.endswith("art. 7.2") and rule.confidence == "HIGH"
    assert short.total_days == exact.total_days - 1
    assert brazil_short.pro_rata == pytest.approx(brazil_short.days / short.total_days)


def test_under_twelve_months_under_the_convention_is_flagged_uncertain() -> None:
    answer = totalize(
        periods(("CHL", D(2000, 1, 1), D(2020, 12, 31)), ("PER", D(2021, 1, 1), D(2021, 6, 30))),
        as_of=CLAIM,
    )
    peru = answer.states[1]
    assert answer.agreement == "iberoamerican" and not peru.bound_to_pay
    (rule,) = steps(answer)["minimum_period"]
    assert rule.confidence == "UNCERTAIN"  # not verified for the CMISS (open item 13)
    assert peru.days == 181 and peru.pro_rata > 0  # still counted in the total


def test_overlapping_periods_are_counted_once_and_the_rule_is_named() -> None:
    history = [
        Period("ARG", D(2010, 1, 1), D(2015, 12, 31), line=2),
        Period("BRA", D(2015, 7, 1), D(2020, 12, 31), line=3),
        Period(
            "BRA", D(2016, 1, 1), D(2016, 12, 31), scheme="voluntary top-up", voluntary=True, line=4
        ),
    ]
    answer = totalize(history, as_of=CLAIM)
    overlap_days = (D(2016, 1, 1) - D(2015, 7, 1)).days
    assert answer.total_days == (D(2021, 1, 1) - D(2010, 1, 1)).days  # each day once
    first, second = answer.overlaps
    assert (first.start, first.days, first.kept_by, first.rule) == (
        D(2015, 7, 1),
        overlap_days,
        "ARG",
        "earlier",
    )
    assert first.lines == [2, 3]
    assert (second.kept_line, second.rule) == (3, "same_state")
    brazil = answer.states[1]
    assert brazil.days == (D(2021, 1, 1) - D(2016, 1, 1)).days
    assert steps(answer)["overlap"][0].confidence == "UNCERTAIN"


def test_a_compulsory_period_keeps_the_day_over_an_earlier_voluntary_one() -> None:
    history = [
        Period("URY", D(2010, 1, 1), D(2012, 12, 31), voluntary=True, line=1),
        Period("PRY", D(2012, 1, 1), D(2014, 12, 31), line=2),
    ]
    (overlap,) = totalize(history, as_of=CLAIM).overlaps
    assert (overlap.kept_by, overlap.rule, overlap.days) == ("PRY", "compulsory", 366)


def test_a_state_that_joined_the_convention_after_the_periods() -> None:
    # Colombia applies the CMISS from 2023-08-01; periods there from 2000-2010 count on a
    # claim after that date (pre-application rule, UNCERTAIN), and not on a claim before it.
    history = periods(
        ("COL", D(2000, 1, 1), D(2010, 12, 31)), ("ECU", D(2011, 1, 1), D(2022, 12, 31))
    )
    after = totalize(history, as_of=D(2023, 8, 1))
    assert after.agreement == "iberoamerican"
    assert after.states[0].applies_from == D(2023, 8, 1)
    assert "Colombia" in steps(after)["pre_agreement"][0].text
    before = totalize(history, as_of=D(2023, 7, 31))
    assert before.agreement is None and before.states == [] and before.total_days == 0
    colombia = next(n for n in before.not_totalized if n.country == "COL")
    assert any("only from" in r.text and "August 1, 2023" in r.text for r in colombia.reasons)


def test_a_state_outside_every_agreement() -> None:
    answer = totalize(
        periods(("MEX", D(2000, 1, 1), D(2010, 12, 31)), ("ARG", D(2011, 1, 1), D(2022, 12, 31))),
        as_of=CLAIM,
    )
    assert answer.agreement is None and answer.states == []
    mexico = next(n for n in answer.not_totalized if n.country == "MEX")
    assert [r.text for r in mexico.reasons] == [
        "MERCOSUR Multilateral Agreement on Social Security: Mexico is not a party.",
        "Ibero-American Multilateral Convention on Social Security: Mexico is not a party.",
    ]
    assert steps(answer)["no_agreement"][0].text.startswith("No agreement that Ruta knows")


def test_a_signatory_that_does_not_apply_the_convention_is_marked_medium() -> None:
    answer = totalize(
        periods(("CRI", D(2000, 1, 1), D(2010, 12, 31)), ("ESP", D(2011, 1, 1), D(2022, 12, 31))),
        as_of=CLAIM,
        agreement="iberoamerican",
    )
    (costa_rica, spain) = answer.not_totalized
    assert costa_rica.reasons[0].confidence == "MEDIUM"  # status may have changed since 2016
    assert "signed it but does not apply it" in costa_rica.reasons[0].text
    assert "no other state" in spain.reasons[0].text
    assert answer.confidence == "MEDIUM"


@pytest.mark.parametrize(
    ("agreement", "states", "in_force"),
    [("mercosur", ("URY", "PRY"), D(2005, 6, 1)), ("iberoamerican", ("BOL", "ESP"), D(2011, 5, 1))],
)
def test_an_agreement_not_yet_in_force_on_the_date(agreement, states, in_force) -> None:
    day_before = in_force - dt.timedelta(days=1)
    first, second = states
    history = periods((first, D(1990, 1, 1), D(1999, 12, 31)), (second, D(2000, 1, 1), day_before))
    answer = totalize(history, as_of=day_before, agreement=agreement)
    assert answer.agreement is None
    (candidate,) = answer.candidates
    assert not candidate.usable and "in force only from" in candidate.reason.text
    # On the day it enters into force (with a period reaching that day, which MERCOSUR's
    # art. 8 needs for the earlier ones to count) it applies.
    history[1] = Period(second, D(2000, 1, 1), in_force, line=2)
    assert totalize(history, as_of=in_force, agreement=agreement).agreement == agreement


def test_mercosur_needs_a_period_after_its_entry_into_force() -> None:
    # Art. 8: earlier periods count only if the worker also has periods after 2005-06-01.
    old = periods(("ARG", D(1980, 1, 1), D(1994, 12, 31)), ("URY", D(1995, 1, 1), D(2005, 5, 31)))
    answer = totalize(old, as_of=CLAIM, agreement="mercosur")
    assert answer.agreement is None
    assert answer.candidates[0].reason.citation.endswith("art. 8")
    later = totalize(
        [*old[:1], Period("URY", D(1995, 1, 1), D(2005, 6, 1))], as_of=CLAIM, agreement="mercosur"
    )
    assert later.agreement == "mercosur"


def test_periods_all_before_the_agreement_say_so_for_each_state() -> None:
    # Both states apply the Agreement on the claim date: what keeps their periods apart is
    # art. 8 (no period after 2005-06-01), not a lack of other states. The date is MEDIUM in
    # the reference, so the answer is no surer than MEDIUM.
    old = periods(("ARG", D(1995, 1, 1), D(2004, 12, 31)), ("BRA", D(1990, 1, 1), D(1994, 12, 31)))
    answer = totalize(old, as_of=CLAIM, agreement="mercosur", lang="es")
    for state in answer.not_totalized:
        (reason,) = state.reasons
        assert "no otro Estado" not in reason.text and "ninguno" in reason.text
        assert reason.citation.endswith("art. 8")
        assert reason.confidence == "MEDIUM" and "2005" in (reason.note or "")
    assert answer.confidence == "MEDIUM"
    assert answer.candidates[0].reason.confidence == "MEDIUM"


def test_periods_in_one_state_need_no_agreement() -> None:
    answer = totalize(periods(("PER", D(2000, 1, 1), D(2020, 12, 31))), as_of=CLAIM, lang="es")
    assert answer.agreement is None and answer.total_days == 0
    assert answer.not_totalized[0].days == (D(2021, 1, 1) - D(2000, 1, 1)).days
    assert steps(answer)["no_agreement"][0].text.startswith("Todos sus períodos están en Perú")


def test_gaps_between_periods_are_shown() -> None:
    answer = totalize(
        periods(("ARG", D(2000, 1, 1), D(2009, 12, 31)), ("BRA", D(2011, 3, 1), D(2020, 12, 31))),
        as_of=CLAIM,
    )
    (gap,) = answer.gaps
    assert (gap.start, gap.end, gap.days) == (D(2010, 1, 1), D(2011, 2, 28), 424)


def test_bad_calls_say_how_to_fix_them() -> None:
    history = periods(("ARG", D(2000, 1, 1), D(2030, 1, 1)))
    with pytest.raises(
        PeriodsError, match=r"line 1, to: 2030-01-01 is after the date of the claim"
    ):
        totalize(history, as_of=CLAIM)
    with pytest.raises(PeriodsError, match="no periods"):
        totalize([], as_of=CLAIM)
    with pytest.raises(PensionsError, match="expected one of mercosur, iberoamerican or auto"):
        totalize(periods(("ARG", D(2000, 1, 1), D(2001, 1, 1))), as_of=CLAIM, agreement="andean")
