"""What a pay-gap report says, in the reader's language, independent of HTML or PDF.

A report is a plain-language summary, then sections of one chart and the table of its
numbers each (every figure beside its standard error), then the excluded rows and the
method notes. Numbers are written the reader's way (``12,3 %`` in Spanish, ``12.3%`` in
English) with Babel.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from babel.numbers import format_decimal, format_percent

from ruta.charts import Chart, bar_chart
from ruta.i18n import require_language, translator
from ruta.labour.paygap._analysis import Estimate, PayGap
from ruta.labour.paygap._decompose import REFERENCES

__all__ = ["ReportModel", "Section", "report_model"]

Text = Callable[[str], str]
Format = Callable[[float], str]


@dataclass(frozen=True)
class Section:
    """A heading, a paragraph, a chart, and the table of the chart's numbers."""

    title: str
    text: str
    chart: Chart | None
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class ReportModel:
    """The whole report, already translated."""

    lang: str
    title: str
    source: str
    summary: tuple[str, ...]
    sections: tuple[Section, ...]
    notes: tuple[str, ...]
    uncertain: str | None
    labels: dict[str, str] = field(default_factory=dict)


def report_model(result: PayGap, lang: str, source: str) -> ReportModel:
    """Build the report of ``result`` in ``lang`` (``source`` names the survey file)."""
    lang = require_language(lang)
    _ = translator(lang, "labour").gettext

    def pct(value: float) -> str:
        return format_percent(value, "#,##0.0%", locale=lang)

    def num(value: float) -> str:
        return "–" if value != value else format_decimal(value, "#,##0.000", locale=lang)

    def se(e: Estimate) -> str:
        return num(_boot_or_delta(e))

    survey = result.survey
    raw_pct, raw_median = result["raw_gap", "mean_pct"], result["raw_gap", "median_pct"]
    fwg, fwg_median = result["factor_weighted", "mean_pct"], result["factor_weighted", "median_pct"]
    gap = result["raw_gap", "mean_log"]
    explained = result["twofold", "pooled", "explained"]
    unexplained = result["twofold", "pooled", "unexplained"]
    less = raw_pct.value >= 0
    summary = [
        (
            _(
                "On average migrants earn %(pct)s less per hour than nationals (standard error "
                "%(se)s); at the median the gap is %(median)s (standard error %(median_se)s)."
            )
            if less
            else _(
                "On average migrants earn %(pct)s more per hour than nationals (standard error "
                "%(se)s); at the median the difference is %(median)s (standard error "
                "%(median_se)s)."
            )
        )
        % {
            "pct": pct(abs(raw_pct.value)),
            "se": pct(raw_pct.se or 0.0),
            "median": pct(raw_median.value),
            "median_se": pct(raw_median.se or 0.0),
        },
        _(
            "Comparing only workers alike in %(factors)s (the ILO factor-weighted gap), the "
            "gap is %(fwg)s (standard error %(se)s). The cells with both groups hold %(cover)s "
            "of wage earners."
        )
        % {
            "factors": ", ".join(survey.factors) or "–",
            "fwg": pct(fwg.value),
            "se": pct(fwg.se or 0.0),
            "cover": pct(result.factor_weighted.coverage),
        },
        _(
            "Of the gap of %(gap)s log points in mean log hourly wages, differences in "
            "%(covariates)s explain %(explained)s (standard error %(explained_se)s); "
            "%(unexplained)s (standard error %(unexplained_se)s) is not explained by them."
        )
        % {
            "gap": num(gap.value),
            "covariates": ", ".join(survey.columns.covariates),
            "explained": num(explained.value),
            "explained_se": se(explained),
            "unexplained": num(unexplained.value),
            "unexplained_se": se(unexplained),
        },
        _(
            "The unexplained part is not proof of discrimination: it also holds what the "
            "survey does not measure, such as language, recognition of diplomas earned "
            "abroad, networks, informality or legal status."
        ),
    ]
    figure_cols = (_("Figure"), _("Value"), _("Standard error"))
    gap_labels = [
        _("Raw gap, mean"),
        _("Raw gap, median"),
        _("Factor-weighted gap, mean"),
        _("Factor-weighted gap, median"),
    ]
    gap_values = [raw_pct, raw_median, fwg, fwg_median]
    sections = [
        Section(
            _("Raw and factor-weighted gap"),
            _(
                "Share of the nationals' hourly wage that migrants do not earn. "
                "The factor-weighted gap compares like with like; the raw gap also reflects "
                "who the migrants are."
            ),
            bar_chart(
                title=_("Pay gap (share of nationals' hourly wage)"),
                labels=gap_labels,
                values=[e.value for e in gap_values],
                errors=[_boot_or_delta(e) for e in gap_values],
                value_label=_("Share of nationals' wage"),
                series=[0, 0, 1, 1],
                legend=[_("Raw"), _("Factor-weighted")],
                columns=figure_cols,
                number_format=pct,
            ),
            figure_cols,
            tuple(
                (label, pct(e.value), _pct_or_dash(pct, _boot_or_delta(e)))
                for label, e in zip(gap_labels, gap_values, strict=True)
            ),
        )
    ]
    sections.append(_twofold_section(result, _, num, figure_cols))
    for part, title in (
        ("explained", _("Contribution to the explained gap (log points)")),
        ("unexplained", _("Contribution to the unexplained gap (log points)")),
    ):
        sections.append(_detail_section(result, part, title, _, num, figure_cols))
    for name, gaps in result.by_group.items():
        if not gaps:
            continue
        title = _("Gap by %(variable)s (log points)") % {"variable": name}
        sections.append(
            Section(
                title,
                _("Mean log hourly wage of nationals minus migrants within each group."),
                bar_chart(
                    title=title,
                    labels=[g.level for g in gaps],
                    values=[g.gap for g in gaps],
                    errors=[g.se for g in gaps],
                    value_label=_("Log points"),
                    columns=figure_cols,
                    number_format=num,
                ),
                (*figure_cols, _("Nationals"), _("Migrants")),
                tuple(
                    (g.level, num(g.gap), num(g.se), str(g.nationals), str(g.migrants))
                    for g in gaps
                ),
            )
        )
    dropped = tuple((reason, f"{count:,}") for reason, count in survey.dropped.items())
    sections.append(
        Section(
            _("Rows not used"),
            _(
                "%(used)s of %(read)s survey rows were used; the others are counted here by the "
                "first reason that applies."
            )
            % {"used": f"{survey.n:,}", "read": f"{survey.rows_read:,}"},
            None,
            (_("Reason"), _("Rows")),
            dropped or ((_("none"), "0"),),
        )
    )
    notes = [
        _("Hourly wages as reported in the survey.")
        if not survey.hourly_derived
        else _("Hourly wages: monthly earnings divided by usual monthly hours.")
        if survey.columns.hours_per == "month"
        else _(
            "Hourly wages: monthly earnings divided by usual weekly hours times %(weeks)s weeks "
            "per month."
        )
        % {"weeks": num(result.parameters.weeks_per_month)},
        _(
            "All figures use the survey weights. Standard errors: delta method (linearization, "
            "covariate means treated as random, Jann 2008)."
        ),
        *(
            [
                _(
                    "The standard errors shown come from a bootstrap of %(n)s replications (seed "
                    "%(seed)s)."
                )
                % {"n": result.bootstrap.replications, "seed": result.bootstrap.seed}
            ]
            if result.bootstrap
            else []
        ),
        _(
            "Categorical effects are normalized (Yun 2005), so contributions do not depend on "
            "the omitted category."
        )
        if result.normalized
        else _(
            "Categorical effects are not normalized: contributions depend on the omitted category."
        ),
        _(
            "Limitations: only wage earners are observed (selection into work), informal jobs "
            "may be under-reported, and where migrants and nationals hold different jobs "
            "there is little common ground to compare them."
        ),
    ]
    return ReportModel(
        lang,
        _("Migrant pay gap"),
        source,
        tuple(summary),
        tuple(sections),
        tuple(notes),
        result.parameters.factor_weighted.note(lang),
        {
            "summary": _("Summary"),
            "method": _("Method and limitations"),
            "uncertain": _("UNCERTAIN"),
            "data": _("Data table"),
            "source": _("Survey file"),
        },
    )


def _boot_or_delta(e: Estimate) -> float:
    chosen = e.se_bootstrap if e.se_bootstrap is not None else e.se
    return float("nan") if chosen is None else chosen


def _pct_or_dash(pct: Format, value: float) -> str:
    return "–" if value != value else pct(value)


def _twofold_section(result: PayGap, _: Text, num: Format, cols: tuple[str, str, str]) -> Section:
    names = {
        "pooled": _("Pooled (with migrant dummy)"),
        "neumark": _("Pooled (Neumark)"),
        "nationals": _("Nationals' coefficients"),
        "migrants": _("Migrants' coefficients"),
    }
    labels, values, errors, kinds, rows = [], [], [], [], []
    for ref in REFERENCES:
        for i, part in enumerate(("explained", "unexplained")):
            e = result["twofold", ref, part]
            label = (_("Explained") if i == 0 else _("Unexplained")) + " · " + names[ref]
            labels.append(label)
            values.append(e.value)
            errors.append(_boot_or_delta(e))
            kinds.append(i)
            rows.append((label, num(e.value), num(_boot_or_delta(e))))
    for part, label in (
        ("endowments", _("Endowments")),
        ("coefficients", _("Coefficients")),
        ("interaction", _("Interaction")),
    ):
        e = result["threefold", part]
        rows.append((_("Threefold") + " · " + label, num(e.value), num(_boot_or_delta(e))))
    title = _("Explained and unexplained gap by reference coefficients (log points)")
    return Section(
        title,
        _(
            "The explained part is the gap that differences in characteristics would make if "
            "both groups were paid alike for them; it depends a little on whose pay is the "
            "yardstick."
        ),
        bar_chart(
            title=title,
            labels=labels,
            values=values,
            errors=errors,
            value_label=_("Log points"),
            series=kinds,
            legend=[_("Explained"), _("Unexplained")],
            columns=cols,
            number_format=num,
        ),
        cols,
        tuple(rows),
    )


def _detail_section(
    result: PayGap, part: str, title: str, _: Text, num: Format, cols: tuple[str, str, str]
) -> Section:
    terms = [t for t in result.design.terms if part == "unexplained" or t.name != "(intercept)"]
    estimates = [result["detailed", "pooled", t.name, part] for t in terms]
    labels = [_("Intercept") if t.name == "(intercept)" else t.name for t in terms]
    rows = [
        (label, num(e.value), num(_boot_or_delta(e)))
        for label, e in zip(labels, estimates, strict=True)
    ]
    for term in terms:
        if term.categorical:
            for level in term.levels:
                e = result["detailed", "pooled", f"{term.name}={level}", part]
                rows.append((f"  {term.name} = {level}", num(e.value), num(_boot_or_delta(e))))
    text = (
        _("Positive bars widen the gap, negative bars narrow it (pooled reference).")
        if part == "explained"
        else _(
            "How differently each characteristic is paid to migrants and nationals "
            "(pooled reference); the intercept holds what no characteristic captures."
        )
    )
    return Section(
        title,
        text,
        bar_chart(
            title=title,
            labels=labels,
            values=[e.value for e in estimates],
            errors=[_boot_or_delta(e) for e in estimates],
            value_label=_("Log points"),
            columns=cols,
            number_format=num,
        ),
        cols,
        tuple(rows),
    )
