"""Normalized detailed contributions do not depend on the omitted category (Yun 2005)."""

from __future__ import annotations

import pytest

from ruta.labour.paygap import PayGapError, analyse, survey_from_table, synthetic_survey


@pytest.fixture(scope="module")
def survey(survey_columns):
    return survey_from_table(synthetic_survey(2_500, seed=21)[0], survey_columns())


def test_detailed_result_is_invariant_to_the_omitted_level(survey) -> None:
    bases = [
        {"educacion": "primaria", "region": "Andina"},
        {"educacion": "universitaria", "region": "Pacifica"},
        {"educacion": "tecnica", "region": "Capital"},
    ]
    results = [analyse(survey, base_levels=b) for b in bases]
    keys = [k for k in results[0].figures if k[0] == "detailed"]
    assert len(keys) > 100
    for other in results[1:]:
        for key in keys:
            assert other[key].value == pytest.approx(results[0][key].value, abs=1e-9), key
            assert other[key].se == pytest.approx(results[0][key].se, rel=1e-6), key


def test_without_normalization_the_unexplained_detail_moves_with_the_base(survey) -> None:
    one = analyse(survey, normalize=False, base_levels={"educacion": "primaria"})
    two = analyse(survey, normalize=False, base_levels={"educacion": "universitaria"})
    key = ("detailed", "pooled", "educacion", "unexplained")
    assert abs(one[key].value - two[key].value) > 0.01
    # The explained detail and the aggregate parts never depend on it.
    for key in [
        ("detailed", "pooled", "educacion", "explained"),
        ("twofold", "pooled", "unexplained"),
    ]:
        assert one[key].value == pytest.approx(two[key].value, abs=1e-10)


def test_detail_adds_up_to_the_aggregate(survey) -> None:
    result = analyse(survey)
    for part in ("explained", "unexplained"):
        total = sum(result["detailed", "pooled", t.name, part].value for t in result.design.terms)
        assert total == pytest.approx(result["twofold", "pooled", part].value, abs=1e-10)
        levels = sum(
            result["detailed", "pooled", f"educacion={lvl}", part].value
            for lvl in ("primaria", "secundaria", "tecnica", "universitaria")
        )
        assert levels == pytest.approx(
            result["detailed", "pooled", "educacion", part].value, abs=1e-12
        )


def test_an_unknown_base_level_names_the_levels(survey) -> None:
    with pytest.raises(PayGapError, match="primaria, secundaria, tecnica, universitaria"):
        analyse(survey, base_levels={"educacion": "doctorado"})
