"""``ruta permits ...`` through the real entry point: output, files and exit codes."""

from __future__ import annotations

import json
import sys
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from ruta.cli import main
from ruta.permits import KeyStore, issue_for_application, make_qr

HOLDER = {
    "given_names": "Ana",
    "surname_1": "Pérez",
    "date_of_birth": "1990-01-02",
    "nationality": "VEN",
    "sex": "F",
}


def run(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, *args: str
) -> tuple[int, str, str]:
    monkeypatch.setattr(sys, "argv", ["ruta", "permits", *args])
    try:
        main()
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def keys(tmp_path: Path) -> Path:
    KeyStore(tmp_path / "keys").init("COL")
    return tmp_path / "keys"


def _payload(keys: Path, index: int = 3) -> str:
    return issue_for_application(
        application_id="a1",
        pathway_id="col.ppt",
        host_country="COL",
        holder=HOLDER,
        valid_from=date(2026, 11, 1),
        valid_until=date(2028, 10, 31),
        rights=["work", "study"],
        status_index=index,
        keys_dir=keys,
    ).payload


def test_keys_init_creates_a_store(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    code, out, _ = run(
        capsys, monkeypatch, "keys", "init", "--country", "arg", "--dir", str(tmp_path / "k")
    )
    assert code == 0 and "Issuing key for ARG" in out
    assert (tmp_path / "k" / "status" / "ARG.json").exists()
    code, _, err = run(
        capsys, monkeypatch, "keys", "init", "--country", "Argentina", "--dir", str(tmp_path / "k")
    )
    assert code == 2 and "country" in err and "alpha-3" in err


def test_verify_valid_with_only_the_exported_trust_list(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, keys: Path, tmp_path: Path
) -> None:
    exported = tmp_path / "exported.json"
    assert (
        run(
            capsys, monkeypatch, "trust-list", "export", "--dir", str(keys), "--out", str(exported)
        )[0]
        == 0
    )
    payload = _payload(keys)
    code, out, _ = run(
        capsys,
        monkeypatch,
        "verify",
        payload,
        "--trust-list",
        str(exported),
        "--at",
        "2027-01-01",
        "--dir",
        str(tmp_path / "nowhere"),
    )
    assert code == 0 and out.startswith("VALID") and "Ana Pérez" in out
    assert "Study" in out and "Work (employed" in out


def test_verify_json_revoked_then_exit_1(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, keys: Path, tmp_path: Path
) -> None:
    payload = _payload(keys)
    KeyStore(keys).set_status("COL", 3, "revoked")
    status = tmp_path / "status.json"
    assert (
        run(
            capsys,
            monkeypatch,
            "status-list",
            "export",
            "--country",
            "COL",
            "--dir",
            str(keys),
            "--out",
            str(status),
        )[0]
        == 0
    )
    code, out, _ = run(
        capsys,
        monkeypatch,
        "verify",
        payload,
        "--trust-list",
        str(keys / "trust-list.json"),
        "--status-list",
        str(status),
        "--format",
        "json",
        "--lang",
        "es",
        "--at",
        "2027-01-01",
    )
    doc = json.loads(out)
    assert code == 1 and doc["status"] == "revoked" and doc["reason"].startswith("El permiso")
    assert doc["status_list_age_seconds"] is not None


def test_verify_expired_from_file_and_tampered(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, keys: Path, tmp_path: Path
) -> None:
    payload = _payload(keys)
    f = tmp_path / "permit.txt"
    f.write_text(payload + "\n")
    code, out, _ = run(
        capsys, monkeypatch, "verify", f"@{f}", "--dir", str(keys), "--at", "2029-01-01T00:00:00Z"
    )
    assert code == 1 and out.startswith("EXPIRED")
    tampered = payload[:-3] + ("A" if payload[-3] != "A" else "B") + payload[-2:]
    code, out, _ = run(capsys, monkeypatch, "verify", tampered, "--dir", str(keys))
    assert code == 1 and out.startswith("NOT VALID")


def test_verify_reads_a_qr_image(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, keys: Path, tmp_path: Path
) -> None:
    png = tmp_path / "qr.png"
    make_qr(_payload(keys)).save(str(png), scale=4)
    code, out, _ = run(
        capsys, monkeypatch, "verify", f"@{png}", "--dir", str(keys), "--at", "2027-01-01"
    )
    assert code == 0, out
    noise = tmp_path / "noise.png"
    from PIL import Image

    Image.new("RGB", (50, 50), "white").save(noise)
    code, out, _ = run(capsys, monkeypatch, "verify", f"@{noise}", "--dir", str(keys))
    assert code == 1 and "No readable QR code" in out


def test_trust_list_with_a_broken_signature_is_not_valid_exit_1(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, keys: Path, tmp_path: Path
) -> None:
    doc = json.loads((keys / "trust-list.json").read_text())
    doc["issued_at"] = datetime(2020, 1, 1, tzinfo=UTC).isoformat()
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(doc))
    code, out, _ = run(capsys, monkeypatch, "verify", _payload(keys), "--trust-list", str(bad))
    assert code == 1 and "trust list is not authentic" in out


@pytest.mark.parametrize(
    "args,field",
    [
        (["verify"], "PAYLOAD"),
        (["verify", "RUTA1:X", "--at", "tomorrow"], "--at"),
        (["verify", "RUTA1:X", "--at", "2027-01-01T10:00"], "--at"),
        (["verify", "RUTA1:X", "--format", "xml"], "--format"),
        (["verify", "RUTA1:X", "--lang", "de"], "--lang"),
        (["verify", "@/nonexistent/file"], "PAYLOAD"),
    ],
)
def test_usage_errors_exit_2_with_the_field(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    keys: Path,
    args: list[str],
    field: str,
) -> None:
    code, _, err = run(capsys, monkeypatch, *args, "--dir", str(keys))
    assert code == 2 and err.startswith(f"Error: {field}:") and "Traceback" not in err


def test_trust_list_import_and_merge(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, keys: Path, tmp_path: Path
) -> None:
    arg = tmp_path / "arg"
    KeyStore(arg).init("ARG")
    hub = tmp_path / "hub"
    KeyStore(hub).init()
    merged = tmp_path / "merged.json"
    code, _, _ = run(
        capsys,
        monkeypatch,
        "trust-list",
        "merge",
        str(keys / "trust-list.json"),
        str(arg / "trust-list.json"),
        "--dir",
        str(hub),
        "--out",
        str(merged),
    )
    assert code == 0
    countries = sorted(i["country"] for i in json.loads(merged.read_text())["issuers"])
    assert countries == ["ARG", "COL"]
    pem = tmp_path / "op.pem"
    from cryptography.hazmat.primitives import serialization

    pub = KeyStore(arg).operator_signer()._key.public_key()
    pem.write_bytes(
        pub.public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
    )
    code, out, _ = run(
        capsys,
        monkeypatch,
        "trust-list",
        "import",
        str(arg / "trust-list.json"),
        "--dir",
        str(keys),
        "--operator-key",
        str(pem),
    )
    assert code == 0 and "Imported 1 new" in out
    code, _, err = run(
        capsys,
        monkeypatch,
        "trust-list",
        "import",
        str(merged),
        "--dir",
        str(keys),
        "--operator-key",
        str(pem),
    )
    assert code == 2 and "not one this verifier trusts" in err


def test_text_output_is_in_the_chosen_language(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, keys: Path
) -> None:
    code, out, _ = run(
        capsys,
        monkeypatch,
        "verify",
        _payload(keys),
        "--dir",
        str(keys),
        "--lang",
        "fr",
        "--at",
        "2027-01-01",
    )
    assert code == 0 and out.startswith("VALIDE") and "Travailler (salarié" in out
    assert "titulaire: Ana Pérez, né(e) le 1990-01-02, VEN" in out
    assert "âge de la liste de statut: 0 h" in out
    assert ", émis par COL le " in out and "validité: 2026-11-01 au 2028-10-31" in out
    code, out, _ = run(
        capsys,
        monkeypatch,
        "verify",
        _payload(keys),
        "--dir",
        str(keys),
        "--lang",
        "pt-BR",
        "--at",
        "2027-01-01",
        "--format",
        "json",
    )
    assert code == 0 and json.loads(out)["lang"] == "pt"


def test_verify_for_a_purpose_shows_only_what_it_may_see(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, keys: Path
) -> None:
    payload = _payload(keys)
    code, out, _ = run(
        capsys,
        monkeypatch,
        "verify",
        payload,
        "--dir",
        str(keys),
        "--at",
        "2027-01-01",
        "--purpose",
        "employer",
        "--format",
        "json",
    )
    view = json.loads(out)
    assert code == 0 and view["right_to_work"] == {
        "granted": True,
        "until": "2028-10-31",
        "restrictions": [],
    }
    assert "Ana" not in out and "VEN" not in out and "col.ppt" not in out
    code, out, _ = run(
        capsys,
        monkeypatch,
        "verify",
        payload,
        "--dir",
        str(keys),
        "--at",
        "2027-01-01",
        "--purpose",
        "bank",
        "--lang",
        "es",
    )
    assert code == 0 and out.startswith("VÁLIDO")
    assert "residencia legal: sí, hasta 2028-10-31" in out and "Ana" in out
    assert "VEN" not in out and "col.ppt" not in out and "Estudiar" not in out
    code, out, _ = run(
        capsys,
        monkeypatch,
        "verify",
        payload,
        "--dir",
        str(keys),
        "--at",
        "2029-01-01",
        "--purpose",
        "employer",
        "--lang",
        "fr",
    )
    assert code == 1 and "droit de travailler: non" in out
    code, _, err = run(
        capsys, monkeypatch, "verify", payload, "--dir", str(keys), "--purpose", "landlord"
    )
    assert code == 2 and "--purpose" in err and "employer, bank" in err
