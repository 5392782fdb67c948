"""The HTML report of a deduplication (--report), read back with independent parsers."""

from __future__ import annotations

import csv
import re
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
from defusedxml import ElementTree

from ruta.cli import main


class _Page(HTMLParser):
    """Collects what a reader of the report gets: language, headings, tables, frames."""

    def __init__(self) -> None:
        super().__init__()
        self.lang = ""
        self.headings: list[str] = []
        self.captions: list[str] = []
        self.frames: list[str] = []
        self.svg = ""
        self._in: str | None = None
        self._svg_depth = 0
        self._svg_parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "html":
            self.lang = values.get("lang") or ""
        if tag in ("h1", "h2", "caption"):
            self._in = tag
        if tag == "iframe":
            self.frames.append(values.get("srcdoc") or "")
        if tag == "svg" or self._svg_depth:
            self._svg_depth += tag == "svg"
            rendered = " ".join(f'{k}="{v}"' for k, v in attrs if v is not None)
            self._svg_parts.append(f"<{tag} {rendered}>")

    def handle_endtag(self, tag: str) -> None:
        if self._svg_depth:
            self._svg_parts.append(f"</{tag}>")
            if tag == "svg":
                self._svg_depth -= 1
                if not self._svg_depth:
                    self.svg = "".join(self._svg_parts)
        self._in = None if tag in ("h1", "h2", "caption") else self._in

    def handle_data(self, data: str) -> None:
        if self._svg_depth:
            self._svg_parts.append(data.replace("&", "&amp;").replace("<", "&lt;"))
        if self._in in ("h1", "h2"):
            self.headings.append(data.strip())
        elif self._in == "caption":
            self.captions.append(data.strip())


@pytest.mark.parametrize("lang", ["en", "es"])
def test_report_has_the_distribution_the_model_and_splinks_charts_offline(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], lang: str
) -> None:
    from ruta.linkage import SynthConfig, synth_registry

    registry = tmp_path / "reg.csv"
    synth_registry(600, SynthConfig(seed=41)).to_csv(registry, index=False)
    report = tmp_path / "report.html"
    argv = [
        "ruta",
        "link",
        "dedupe",
        str(registry),
        "--out",
        str(tmp_path / "c.csv"),
        "--report",
        str(report),
        "--lang",
        lang,
    ]
    monkeypatch.setattr(sys, "argv", argv)
    with pytest.raises(SystemExit) as done:
        main()
    assert not done.value.code
    # The command's summary writes the threshold as the language does (0.9 / 0,9).
    assert ("threshold 0.9" if lang == "en" else "umbral 0,9") in capsys.readouterr().err
    page = _Page()
    page.feed(report.read_text(encoding="utf-8"))
    assert page.lang == lang
    # The score distribution is a drawing with text (SVG that parses), beside its table.
    svg = ElementTree.fromstring(page.svg)
    assert svg.tag.endswith("svg")
    heading = "Score distribution" if lang == "en" else "Distribución de las puntuaciones"
    assert heading in page.headings
    assert len(page.captions) >= 4
    # The engine's reasons and notes in the report's language (600 records: no phone, EM
    # skipped for want of pairs).
    text = report.read_text(encoding="utf-8")
    reason, note = (
        ("no phone", "EM on dob skipped") if lang == "en" else ("sin phone", "EM sobre dob omitido")
    )
    assert reason in text and note in text
    # Splink's two charts, each a frame with its JavaScript inline: no network needed.
    assert len(page.frames) == 2
    assert all("vegaEmbed" in frame and "cdn.jsdelivr" not in frame for frame in page.frames)


def test_report_language_is_checked_before_the_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "r.csv").write_text("record_id,given_names\n1,Ana\n2,Eva\n")
    monkeypatch.setattr(
        sys,
        "argv",
        [
            "ruta",
            "link",
            "dedupe",
            str(tmp_path / "r.csv"),
            "--out",
            str(tmp_path / "c.csv"),
            "--report",
            str(tmp_path / "r.html"),
            "--lang",
            "de",
        ],
    )
    with pytest.raises(SystemExit) as done:
        main()
    err = capsys.readouterr().err
    assert done.value.code == 2 and "lang: got 'de'" in err and "Traceback" not in err
    assert not (tmp_path / "c.csv").exists()


@pytest.mark.parametrize("lang", ["en", "es"])
def test_match_report_has_the_threshold_its_estimate_and_the_score_distribution(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    lang: str,
) -> None:
    from tests.linkage.conftest import run_link

    from ruta.linkage import SynthConfig, synth_split

    key = tmp_path / "key"
    key.write_text("c2hhcmVkLXNlY3JldC1vZi10d28tc3RhdGVzLTIwMjY=\n")
    a_frame, b_frame = synth_split(400, 0.3, SynthConfig(seed=43))
    for side, frame in (("a", a_frame), ("b", b_frame)):
        frame.to_csv(tmp_path / f"{side}.csv", index=False)
        args = [str(tmp_path / f"{side}.csv"), "--secret-file", str(key)]
        assert run_link(monkeypatch, "encode", *args, "--out", str(tmp_path / f"{side}.pq")) == 0
    capsys.readouterr()
    report = tmp_path / "match.html"
    pairs = [str(tmp_path / "a.pq"), str(tmp_path / "b.pq"), "--out", str(tmp_path / "p.csv")]
    assert run_link(monkeypatch, "match", *pairs, "--report", str(report), "--lang", lang) == 0
    err = capsys.readouterr().err
    text = report.read_text(encoding="utf-8")
    page = _Page()
    page.feed(text)
    assert page.lang == lang
    title, distribution, threshold_line = (
        ("Privacy-preserving matching report", "Score distribution", "threshold ")
        if lang == "en"
        else (
            "Informe de emparejamiento con preservación de la privacidad",
            "Distribución de las puntuaciones",
            "umbral ",
        )
    )
    assert page.headings[0].startswith(f"{title}: a.pq × b.pq")
    assert distribution in page.headings
    # The threshold as the terminal said it: how it was chosen, estimated precision, recall.
    said = next(line for line in err.splitlines() if line.startswith(threshold_line))
    assert said in text
    # The distribution is a drawing (SVG that parses) with its table of Dice bins, which
    # holds every pair the terminal's histogram counted; the scores are written with the
    # language's decimal mark (0.95 in English, 0,95 in Spanish).
    assert ElementTree.fromstring(page.svg).tag.endswith("svg")
    point = "." if lang == "en" else ","
    score = rf"(\d{re.escape(point)}\d\d)"
    bins = re.findall(rf'<tr><td>{score} \.\. {score}</td><td class="n">([\d.,]+)<', text)
    assert bins and float(bins[0][1].replace(",", ".")) == 1.0
    counted = re.search(r"(?:of the|de los) ([\d.,]+) (?:one-to-one pairs|pares uno a uno)", err)
    assert counted is not None, err
    total = int(re.sub(r"[.,]", "", counted.group(1)))
    assert sum(int(re.sub(r"[.,]", "", count)) for *_, count in bins) == total
    # The pairs file keeps plain numbers, whatever the report's language.
    with (tmp_path / "p.csv").open(encoding="utf-8") as handle:
        scores = [row["score"] for row in csv.DictReader(handle)]
    assert scores and all(re.fullmatch(r"[01](\.\d+)?", value) for value in scores), scores[:3]
    assert not page.frames  # no Splink model in a privacy-preserving match


def test_report_of_a_batch_against_a_registry_has_splinks_charts_too(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.linkage.conftest import run_link

    from ruta.linkage import SynthConfig, synth_registry

    frame = synth_registry(600, SynthConfig(seed=47))
    frame.iloc[:500].to_csv(tmp_path / "registry.csv", index=False)
    frame.iloc[500:].to_csv(tmp_path / "batch.csv", index=False)
    report = tmp_path / "report.html"
    args = [str(tmp_path / "batch.csv"), "--against", str(tmp_path / "registry.csv")]
    out = ["--out", str(tmp_path / "c.csv"), "--report", str(report)]
    assert run_link(monkeypatch, "dedupe", *args, *out) == 0
    page = _Page()
    page.feed(report.read_text(encoding="utf-8"))
    assert ElementTree.fromstring(page.svg).tag.endswith("svg")
    assert len(page.frames) == 2
    assert all("vegaEmbed" in frame and "cdn.jsdelivr" not in frame for frame in page.frames)


@pytest.mark.parametrize(
    ("lang", "group"), [("es", "."), ("pt", "."), ("fr", "\u202f"), ("ht", "\xa0")]
)
def test_the_score_table_writes_counts_and_scores_as_the_language_does(
    lang: str, group: str
) -> None:
    from ruta.linkage._histogram import ScoreHistogram
    from ruta.linkage._report import histogram_chart

    # Kreyòl has CLDR numbers (babel_locale keeps "ht"): a no-break space groups them.
    dice = ScoreHistogram((0.5, 0.75, 1.0), (12345, 30), threshold=0.85, scale="Dice")
    _svg, rows = histogram_chart(dice, lang)
    assert rows[-1][0] == "0,50 .. 0,75" and rows[-1][2] == f"12{group}345"
    weights = ScoreHistogram((-3.0, 0.0, 3.0), (1, 2), threshold=1.5, scale="match weight")
    _svg, rows = histogram_chart(weights, lang)
    assert rows[-1][:2] == ("-3 .. 0", "0,1111 .. 0,5000")


@pytest.mark.parametrize("lang", ["es", "fr"])
def test_report_numbers_in_the_reports_language_and_plain_numbers_in_the_csv_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, lang: str
) -> None:
    from tests.linkage.conftest import run_link

    from ruta.linkage import SynthConfig, synth_registry

    registry = tmp_path / "reg.csv"
    synth_registry(600, SynthConfig(seed=41)).to_csv(registry, index=False)
    for run in ("en", lang):
        outputs = [
            "--out",
            str(tmp_path / f"c-{run}.csv"),
            "--pairs-out",
            str(tmp_path / f"p-{run}.csv"),
        ]
        report = ["--report", str(tmp_path / "report.html")] if run == lang else []
        args = [str(registry), "--threshold", "0.95", *outputs, *report, "--lang", run]
        assert run_link(monkeypatch, "dedupe", *args) == 0
    # The clusters and the pairs are the same files as an English run's: plain numbers.
    for name in ("c", "p"):
        english = (tmp_path / f"{name}-en.csv").read_bytes()
        assert (tmp_path / f"{name}-{lang}.csv").read_bytes() == english
    text = (tmp_path / "report.html").read_text(encoding="utf-8")
    # Every figure of the tables is written with the language's decimal comma: the
    # threshold, the match probabilities of the bins, m, u and the match weights.
    figures = re.findall(r'<td class="n">([^<]*)</td>', text)
    assert "0,95" in figures
    assert any(re.fullmatch(r"[+-]\d+,\d\d", figure) for figure in figures)  # a weight
    assert not [figure for figure in figures if "." in figure], figures
    assert re.search(r"<td>0,\d{4} \.\. [01],\d{4}</td>", text)
