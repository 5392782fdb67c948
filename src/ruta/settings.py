"""Service settings from ``RUTA_*`` environment variables (pydantic-settings).

Every setting has a description (they are the operator's documentation). Outside the
``development`` environment the settings refuse the built-in secret key: a deployment that
forgot to set ``RUTA_SECRET_KEY`` must fail at start, not sign cookies with a public value.
Production likewise refuses ``RUTA_COOKIE_SECURE=false``: session cookies must never travel
over plain HTTP.

Examples:
    >>> s = Settings(env="development")
    >>> s.resolved_database_url.startswith("sqlite:///")
    True
    >>> Settings(env="production")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ruta.errors.RutaError: secret_key: the built-in development secret is refused ...
    >>> Settings(env="production", secret_key="x" * 32)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ruta.errors.RutaError: cookie_secure: production sends session and form cookies only ...
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SecretStr,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_settings import BaseSettings, SettingsConfigDict

from ruta.errors import RutaError

__all__ = [
    "DEVELOPMENT_SECRET",
    "LOCALE_VARIABLES",
    "RegistrySource",
    "Settings",
    "check_root_path",
    "command_language",
    "get_settings",
    "pack_folders",
]

#: Public, hence only acceptable for a developer's laptop.
DEVELOPMENT_SECRET = "ruta-development-secret-do-not-use-in-production"  # noqa: S105 - public on purpose, refused outside development


class RegistrySource(BaseModel):
    """A registry with its own column names or date format (an entry of RUTA_REGISTRIES)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    path: Path = Field(description="The registry file (CSV or Parquet).")
    columns: dict[str, str | list[str]] | str | None = Field(
        None,
        description="Which column holds which field: a mapping (field -> column, or a list of "
        "columns joined), 'field=column,...' pairs, or a YAML file, as ruta link --columns.",
    )
    date_format: str | None = Field(
        None, description="strftime patterns of date_of_birth separated by |, tried in order."
    )


def _folders(value: str) -> tuple[Path, ...]:
    return tuple(Path(part) for part in value.split(":") if part.strip())


class _PackSettings(BaseSettings):
    """The settings every command reads, the service's included: a ministry's own packs."""

    model_config = SettingsConfigDict(env_prefix="RUTA_", extra="ignore")

    packs: str = Field(
        default="",
        description="Folders of a ministry's own rule packs, separated by ':' (e.g. "
        "/srv/packs:/srv/packs-2027), loaded beside the shipped packs by every command and the "
        "service; a pathway with a shipped id replaces it. A broken pack stops the start.",
    )

    lang: str = Field(
        default="",
        description="Language of the command line's messages where --lang is left out (every "
        "command that has --lang): es, pt, en, fr or ht, or a tag with a region (pt-BR). "
        "Unset: the locale's language (LANGUAGE, LC_ALL, LC_MESSAGES, LANG) when Ruta speaks "
        "it, else en.",
    )

    @property
    def pack_folders(self) -> tuple[Path, ...]:
        """The folders of ``packs``, in order (later ones take precedence)."""
        return _folders(self.packs)


def pack_folders() -> tuple[Path, ...]:
    """``RUTA_PACKS`` alone, for commands that need no other setting (no secret checks).

    Examples:
        >>> import os
        >>> os.environ["RUTA_PACKS"] = "/srv/packs::/srv/more"
        >>> pack_folders()
        (PosixPath('/srv/packs'), PosixPath('/srv/more'))
        >>> del os.environ["RUTA_PACKS"]
    """
    return _PackSettings().pack_folders


#: The POSIX locale variables that say a user's language, in the order gettext reads them.
LOCALE_VARIABLES = ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")


def command_language() -> tuple[str, dict[str, str]]:
    """``RUTA_LANG`` and the locale variables of :data:`LOCALE_VARIABLES`, as they are set.

    The command line decides what they mean (``ruta.cli._lang.user_language``); this is the
    one place that reads them, as it is for every other setting.
    """
    locale = {name: os.environ.get(name, "") for name in LOCALE_VARIABLES}
    return _PackSettings().lang, locale


def check_root_path(value: str) -> str:
    """A service path prefix, normalised (``/ruta/`` → ``/ruta``; empty for none).

    Raises:
        ValueError: not a plain absolute path.

    Examples:
        >>> check_root_path("/ruta/"), check_root_path("")
        ('/ruta', '')
    """
    value = value.strip().rstrip("/")
    if value and (not value.startswith("/") or "//" in value or any(c in value for c in '?#" \t')):
        raise ValueError(
            f"{value!r} is not a path prefix; write it as /name (e.g. /ruta), or leave it empty"
        )
    return value


class _Settings(_PackSettings):
    model_config = SettingsConfigDict(env_prefix="RUTA_", extra="ignore")

    env: Literal["development", "test", "production"] = Field(
        "development", description="Deployment environment; only development accepts defaults."
    )
    secret_key: SecretStr = Field(
        SecretStr(DEVELOPMENT_SECRET),
        description="Key for CSRF tokens and signed values; >= 32 characters outside development.",
    )
    data_dir: Path = Field(Path("var"), description="Root of local state (database, documents).")
    database_url: str = Field(
        "", description="SQLAlchemy URL; empty means SQLite in WAL mode at <data_dir>/ruta.db."
    )
    documents_dir: Path | None = Field(
        None, description="Content-addressed document store; default <data_dir>/documents."
    )
    keys_dir: Path | None = Field(None, description="Permit signing keys; default <data_dir>/keys.")
    max_upload_bytes: int = Field(10 * 1024 * 1024, description="Largest accepted document.")
    upload_types: tuple[str, ...] = Field(
        ("application/pdf", "image/jpeg", "image/png"),
        description="Accepted document media types (checked against the file's magic bytes).",
    )
    login_attempts_per_minute: int = Field(
        6,
        description="Failed sign-ins (wrong password or second-factor code) allowed per "
        "account per minute, from any address; the page says when to try again.",
    )
    login_accounts_per_client: int = Field(
        20,
        description="Distinct accounts one client address may fail to sign in to per minute "
        "(stops password spraying; one attacker hammering one account does not lock out the "
        "other people behind the same office proxy).",
    )
    finder_rate_limit: str = Field(
        "300/minute;6000/hour",
        description="Eligibility finder pages (/finder...) per client address (limits syntax); "
        "a person answering makes a few pages a minute, so this leaves room for an NGO's "
        "office behind one address while a flood gets 429.",
    )
    session_hours: int = Field(12, description="Lifetime of a page session cookie.")
    token_hours: int = Field(24, description="Lifetime of an API bearer token.")
    cookie_secure: bool = Field(
        False,
        description="Mark every cookie Secure (sent only over HTTPS); production refuses false.",
    )
    rate_limit_storage: str = Field(
        "memory://",
        description="Where rate-limit counters live: memory:// (per process) or "
        "redis://host:port (shared by all workers; use it with more than one worker).",
    )
    account_rate_limit: str = Field(
        "10/minute;100/hour",
        description="New applicant accounts per client address (limits syntax, parts "
        "separated by ';'); an NGO registering many people from one address needs room.",
    )
    eligibility_rate_limit: str = Field(
        "30/minute;600/hour",
        description="Requests per client address to the open eligibility API "
        "(/api/v1/pathways, /api/v1/eligibility; limits syntax, parts separated by ';'); a "
        "chatbot relaying many people from one server needs its own higher limit.",
    )
    verify_rate_limit: str = Field(
        "60/minute;1000/hour",
        description="Permit verifications per client address, shared by /verify, "
        "/verify/purpose and their APIs (limits syntax, parts separated by ';'); a bank "
        "branch behind one address checks many customers, a scraper hits the limit.",
    )
    cors_origins: str = Field(
        "",
        description="Web origins allowed to call the open eligibility API from a browser "
        "(CORS), separated by spaces or commas, e.g. https://ngo.example; * allows any "
        "origin. Empty (the default): no CORS headers, browsers on other sites are refused. "
        "The casework API and the pages never send CORS headers.",
    )
    trusted_proxies: str = Field(
        "",
        description="Reverse proxies whose X-Forwarded-For and X-Forwarded-Proto are believed: "
        "comma-separated addresses or networks (e.g. '10.0.0.5,172.18.0.0/16'). The client "
        "address (rate limits, login throttle) is then the rightmost untrusted address of "
        "X-Forwarded-For; from any other peer the headers are ignored. Empty: trust none.",
    )
    root_path: str = Field(
        "",
        description="Path prefix of a service published under a sub-path by its proxy "
        "(e.g. /ruta); links, redirects and static files carry it. ruta serve --root-path "
        "overrides it.",
    )
    metrics_token: SecretStr | None = Field(
        None,
        description="Bearer token that opens /metrics to a scraper from any address "
        "(Authorization: Bearer <token>, >= 16 characters).",
    )
    metrics_networks: str = Field(
        "",
        description="Comma-separated addresses or networks allowed to read /metrics without "
        "the token (the client address after RUTA_TRUSTED_PROXIES), e.g. the Prometheus "
        "server's; empty (the default): the token only, so /metrics is never public.",
    )
    metrics_dir: Path | None = Field(
        None,
        description="Where the workers of ruta serve --workers N (N > 1) write their "
        "metrics for one another (Prometheus multiprocess mode; emptied at start); default "
        "<data_dir>/metrics.",
    )
    page_size: int = Field(50, description="Applications per page in list endpoints.")
    password_hashing: Literal["rfc9106-low-memory", "cheapest"] = Field(
        "rfc9106-low-memory",
        description="Argon2 parameters for new password hashes; 'cheapest' only for tests.",
    )
    reminder_hours: int = Field(48, description="Hours before an appointment its reminder is due.")
    public_url: str = Field(
        "",
        description="The service's address as applicants reach it (https://ruta.example); "
        "messages to applicants link to their application there, and permits issued here "
        "carry <public_url>/permits/status/<COUNTRY>.json as the URI of their status list. "
        "Empty: no link, and permits carry only their status index.",
    )
    smtp_url: str = Field(
        "",
        description="Mail server for notifications, smtp://host:port (smtps://host:port for "
        "TLS from the start); empty: e-mail messages wait in the outbox.",
    )
    smtp_user: str | None = Field(None, description="Login name at the mail server, if needed.")
    smtp_password: SecretStr | None = Field(None, description="Password of RUTA_SMTP_USER.")
    smtp_starttls: bool = Field(
        False, description="Upgrade the SMTP connection with STARTTLS before login and sending."
    )
    smtp_timeout: float = Field(30.0, description="Seconds to wait for the mail server.")
    mail_from: str = Field(
        "",
        description="Sender address of notification e-mails (e.g. citas@migracion.gov.co); "
        "required when RUTA_SMTP_URL is set.",
    )
    sms_gateway_url: str = Field(
        "",
        description="HTTP gateway for SMS and WhatsApp messages (a JSON POST with a bearer "
        "token; format in docs/operations.md); empty: those messages wait in the outbox.",
    )
    sms_gateway_token: SecretStr | None = Field(
        None, description="Bearer token sent to RUTA_SMS_GATEWAY_URL."
    )
    sms_gateway_timeout: float = Field(30.0, description="Seconds to wait for the gateway.")
    notify_batch: int = Field(
        50, ge=1, le=1000, description="Messages the notifier leases at a time (--batch)."
    )
    notify_lease_seconds: float = Field(
        300.0,
        gt=0,
        description="How long a leased message belongs to one notifier; after that a stopped "
        "notifier's messages are taken back (see docs/operations.md, delivery guarantees).",
    )
    notify_max_attempts: int = Field(
        8, ge=1, description="Attempts before a message becomes a dead letter."
    )
    notify_retry_seconds: float = Field(
        60.0, gt=0, description="First back-off ceiling after a failed attempt; it doubles."
    )
    notify_retry_max_seconds: float = Field(
        3600.0, gt=0, description="Largest back-off ceiling between two attempts."
    )
    notify_poll_seconds: float = Field(
        10.0, gt=0, description="How often a running notifier looks for new messages."
    )
    trust_list: Path | None = Field(
        None,
        description="The trust list the public verifier uses (a signed JSON file fetched "
        "from the issuing states); without it, the trust list of RUTA_KEYS_DIR.",
    )
    status_list: str = Field(
        "",
        description="Status-list files the public verifier uses, separated by the system's "
        "path separator (':' on Linux); without them, those of RUTA_KEYS_DIR when the trust "
        "list is the key store's too.",
    )
    partners: Path | None = Field(
        None,
        description="A YAML file of partner organisations shown to people for whom no "
        "pathway is open (format: examples/partners.yaml; entries marked example are shown "
        "as examples). Without it the finder shows only the host country's migration "
        "authority.",
    )
    stats_population: Path | None = Field(
        None,
        description="Results of `ruta pathways simulate` (Parquet) the statistics pages show "
        "beside the applications for take-up; none: take-up shows applications only.",
    )
    stats_calendar: Literal["months", "quarters"] = Field(
        "months",
        description="What the office publishes: `months` (a month's release beside its "
        "quarter's; each quarter is protected with its months) or `quarters` (quarters "
        "alone: fewer cells withheld, and a month's release is refused).",
    )
    registries: dict[str, Path | RegistrySource] = Field(
        default_factory=dict,
        description="Registries searched for duplicates at intake, by host country (JSON, e.g. "
        '{"COL": "/srv/col.parquet"}, or {"PER": {"path": "/srv/per.csv", "columns": '
        '{"record_id": "expediente"}, "date_format": "%d/%m/%Y"}} for a file with its own '
        "column names and dates); applications to a country without one are not searched.",
    )

    @model_validator(mode="after")
    def _refuse_default_secret(self) -> _Settings:
        secret = self.secret_key.get_secret_value()
        if self.env != "development" and (secret == DEVELOPMENT_SECRET or len(secret) < 32):
            raise ValueError("refused secret")
        if self.env == "production" and self.password_hashing == "cheapest":  # noqa: S105
            raise ValueError("cheapest password hashing is for tests; use rfc9106-low-memory")
        if self.env == "production" and not self.cookie_secure:
            # Why refuse rather than force: a production service reached over plain HTTP
            # would then lose every session silently; an operator must know to put TLS in
            # front and say so.
            raise ValueError("refused insecure cookies")
        return self

    @field_validator("trusted_proxies", "metrics_networks")
    @classmethod
    def _check_networks(cls, value: str) -> str:
        import ipaddress

        parts = [part.strip() for part in value.split(",") if part.strip()]
        for part in parts:
            try:
                ipaddress.ip_network(part, strict=False)
            except ValueError:
                raise ValueError(
                    f"{part!r} is not an IP address or network; write comma-separated "
                    "addresses or networks such as '10.0.0.5,172.18.0.0/16'"
                ) from None
        return ",".join(parts)

    @field_validator("root_path")
    @classmethod
    def _check_root_path(cls, value: str) -> str:
        return check_root_path(value)

    @field_validator("metrics_token")
    @classmethod
    def _check_metrics_token(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not value.get_secret_value():
            return None
        if value is not None and len(value.get_secret_value()) < 16:
            raise ValueError("use a metrics token of at least 16 random characters")
        return value

    @field_validator(
        "account_rate_limit", "eligibility_rate_limit", "verify_rate_limit", "finder_rate_limit"
    )
    @classmethod
    def _check_rate_limit(cls, value: str) -> str:
        from limits import parse_many

        try:
            if parse_many(value):
                return value
        except ValueError:
            pass
        raise ValueError("write a rate limit such as '10/minute;100/hour'")


class Settings(_Settings):
    """Validated settings; construct directly (tests) or through :func:`get_settings`.

    Raises:
        RutaError: a setting is invalid, with ``field`` naming it.
    """

    def __init__(self, **values: Any) -> None:
        try:
            super().__init__(**values)
        except ValidationError as exc:
            err = exc.errors()[0]
            field = ".".join(str(p) for p in err["loc"]) or "secret_key"
            if "refused secret" in err["msg"]:
                raise RutaError(
                    "the built-in development secret is refused outside development; "
                    "set RUTA_SECRET_KEY to at least 32 random characters",
                    field="secret_key",
                ) from None
            if "refused insecure cookies" in err["msg"]:
                raise RutaError(
                    "production sends session and form cookies only over HTTPS; serve "
                    "the service behind TLS and set RUTA_COOKIE_SECURE=true",
                    field="cookie_secure",
                ) from None
            raise RutaError(f"{err['msg']} (got {err.get('input')!r})", field=field) from None

    @property
    def cors_origin_list(self) -> tuple[str, ...]:
        """The origins of ``cors_origins`` (empty: CORS off)."""
        return tuple(o for o in self.cors_origins.replace(",", " ").split() if o)

    @property
    def resolved_database_url(self) -> str:
        """The database URL, defaulting to the embedded SQLite file."""
        return self.database_url or f"sqlite:///{self.data_dir / 'ruta.db'}"

    @property
    def trusted_proxy_networks(self) -> tuple[str, ...]:
        """The trusted proxies, one address or network each."""
        return tuple(p for p in self.trusted_proxies.split(",") if p)

    @property
    def metrics_allowed_networks(self) -> tuple[str, ...]:
        """Client networks that may read /metrics without the token."""
        return tuple(p for p in self.metrics_networks.split(",") if p)

    @property
    def resolved_documents_dir(self) -> Path:
        """Where uploaded documents are stored by SHA-256."""
        return self.documents_dir or self.data_dir / "documents"

    @property
    def resolved_keys_dir(self) -> Path:
        """Where permit signing keys live (development keys are generated there)."""
        return self.keys_dir or self.data_dir / "keys"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Settings from the environment, read once per process."""
    return Settings()
