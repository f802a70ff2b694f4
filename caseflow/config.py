"""Configuration read from the environment, with safe defaults for development."""
from __future__ import annotations

import datetime as dt
import os
import secrets
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


class ConfigError(SystemExit):
    """Bad configuration: stops any entry point with one clear line and exit status 1."""

    def __init__(self, message: str):
        super().__init__(f"caseflow: {message}")


def _env_flag(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _env_number(name: str, default, convert, what: str):
    value = os.environ.get(name)
    if value is None:
        return default
    try:
        return convert(value)
    except ValueError:
        raise ConfigError(f"{name} must be {what}, not {value!r}") from None


def _env_int(name: str, default: int, minimum: int | None = None) -> int:
    number = _env_number(name, default, int, "a whole number")
    if minimum is not None and number < minimum:
        raise ConfigError(f"{name} must be at least {minimum}, not {number}")
    return number


def _env_seconds(name: str, default: float) -> float:
    number = _env_number(name, default, float, "a number of seconds")
    if not 0 <= number < float("inf"):
        raise ConfigError(f"{name} must be 0 or more seconds, not {os.environ.get(name)}")
    return number


def _check_timezone(name: str) -> None:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(f"CASEFLOW_TIMEZONE must be an IANA time zone such as Europe/Zurich, not {name!r}") from None


def _development_secret(instance_path: Path) -> str:
    """Return the secret kept in instance/secret_key, creating it on first use."""
    key_file = instance_path / "secret_key"
    if not key_file.exists():
        instance_path.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_hex(32))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


def _check_limiter_storage(uri: str) -> None:
    """Refuse limiter counts kept in each worker's memory: with N workers an address would get N times the limit."""
    if uri.strip().lower().startswith("memory://"):
        raise ConfigError("RATELIMIT_STORAGE_URI must name storage every worker shares when CASEFLOW_ENV=production, "
                          "such as redis://127.0.0.1:6379, not memory:// (see docs/sessions.md)")


def normalize_database_url(url: str) -> str:
    """Point PostgreSQL URLs at the psycopg 3 driver, whatever SQLAlchemy's default."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def build_config(instance_path: Path, overrides: dict | None = None) -> dict:
    """Return the app's settings: environment first, then `overrides` (tests)."""
    overrides = dict(overrides or {})
    env = overrides.get("CASEFLOW_ENV", os.environ.get("CASEFLOW_ENV", "development"))
    production = env == "production"
    database_url = normalize_database_url(os.environ.get("DATABASE_URL") or f"sqlite:///{instance_path / 'caseflow.db'}")
    config = {
        "CASEFLOW_ENV": env,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SECRET_KEY": os.environ.get("SECRET_KEY"),
        "CASEFLOW_TIMEZONE": os.environ.get("CASEFLOW_TIMEZONE", "UTC"),
        "CASEFLOW_WORKFLOW": os.environ.get(
            "CASEFLOW_WORKFLOW", str(Path(__file__).resolve().parent.parent / "workflows" / "partnership.yaml")
        ),
        "UPLOAD_FOLDER": os.environ.get("CASEFLOW_UPLOAD_FOLDER", str(instance_path / "uploads")),
        "MAX_CONTENT_LENGTH": _env_int("CASEFLOW_MAX_UPLOAD_BYTES", 10 * 1024 * 1024),
        "RATELIMIT_STORAGE_URI": os.environ.get("RATELIMIT_STORAGE_URI", "memory://"),
        "CASEFLOW_LOGIN_LIMIT": os.environ.get("CASEFLOW_LOGIN_LIMIT", "10 per minute"),
        "CASEFLOW_SIGN_IN_FREE_FAILURES": _env_int("CASEFLOW_SIGN_IN_FREE_FAILURES", 3),
        "CASEFLOW_SIGN_IN_LOCKOUT_SECONDS": _env_int("CASEFLOW_SIGN_IN_LOCKOUT_SECONDS", 15 * 60),
        "MAIL_SERVER": os.environ.get("MAIL_SERVER"),
        "MAIL_PORT": _env_int("MAIL_PORT", 25),
        "MAIL_USE_TLS": _env_flag("MAIL_USE_TLS", False),
        "MAIL_USERNAME": os.environ.get("MAIL_USERNAME"),
        "MAIL_PASSWORD": os.environ.get("MAIL_PASSWORD"),
        "MAIL_SENDER": os.environ.get("MAIL_SENDER", "caseflow@localhost"),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": _env_flag("SESSION_COOKIE_SECURE", production),
        "REMEMBER_COOKIE_SECURE": _env_flag("SESSION_COOKIE_SECURE", production),
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_DURATION": dt.timedelta(days=_env_int("CASEFLOW_REMEMBER_DAYS", 30)),
        # A session without "Keep me signed in" ends after this long without a request, and this long after
        # sign-in whatever happens (OWASP ASVS 4.0.3, V3.3).
        "CASEFLOW_SESSION_IDLE_MINUTES": _env_int("CASEFLOW_SESSION_IDLE_MINUTES", 60, minimum=1),
        "CASEFLOW_SESSION_MAX_HOURS": _env_int("CASEFLOW_SESSION_MAX_HOURS", 12, minimum=1),
        # How many proxies in front of the app set X-Forwarded-For/-Proto/-Host (0: trust none of them).
        "CASEFLOW_PROXY_COUNT": _env_int("CASEFLOW_PROXY_COUNT", 0, minimum=0),
        "FORCE_HTTPS": _env_flag("CASEFLOW_FORCE_HTTPS", False),
        "SQLALCHEMY_ENGINE_OPTIONS": {},
        # Seconds after which a pooled server connection is replaced rather than reused (no ping per request).
        "CASEFLOW_POOL_RECYCLE": _env_int("CASEFLOW_POOL_RECYCLE", 1800, minimum=1),
        "BOOTSTRAP_SERVE_LOCAL": True,
        "CHECK_DATABASE_ON_START": True,
        # serve, scheduler and sweep refuse to start while stored cases sit in states the definition lacks.
        "CASEFLOW_ALLOW_UNKNOWN_STATES": _env_flag("CASEFLOW_ALLOW_UNKNOWN_STATES", False),
        # Signed checkpoints (caseflow.checkpoints): the Ed25519 key and the append-only log, both
        # outside the database; a development key is created under instance/ on first use.
        "CASEFLOW_CHECKPOINT_KEY": os.environ.get("CASEFLOW_CHECKPOINT_KEY"),
        "CASEFLOW_CHECKPOINT_DIR": os.environ.get("CASEFLOW_CHECKPOINT_DIR", str(instance_path / "checkpoints")),
        # For the load run only: a file holding seconds added to the real time (refused in production).
        "CASEFLOW_CLOCK_OFFSET_FILE": os.environ.get("CASEFLOW_CLOCK_OFFSET_FILE") or None,
        # SQLite: checkpoint the write-ahead log in a background thread, not in commits (caseflow.wal).
        "CASEFLOW_SQLITE_CHECKPOINT_SECONDS": _env_seconds("CASEFLOW_SQLITE_CHECKPOINT_SECONDS", 0.5),
        "CASEFLOW_SQLITE_WAL_CAP_PAGES": _env_int("CASEFLOW_SQLITE_WAL_CAP_PAGES", 32768, minimum=1),
        # Due cases a sweep fires per transaction (a savepoint each, one commit): on SQLite the write lock is
        # held for the whole batch, so this bounds how long a request may wait behind a sweep.
        "CASEFLOW_SWEEP_BATCH_SIZE": _env_int("CASEFLOW_SWEEP_BATCH_SIZE", 100, minimum=1),
    }
    config.update(overrides)
    config["SQLALCHEMY_DATABASE_URI"] = normalize_database_url(config["SQLALCHEMY_DATABASE_URI"])
    _check_timezone(config["CASEFLOW_TIMEZONE"])
    if not config["SECRET_KEY"]:
        if production:
            raise ConfigError("SECRET_KEY must be set when CASEFLOW_ENV=production")
        config["SECRET_KEY"] = _development_secret(instance_path)
    if production:
        _check_limiter_storage(config["RATELIMIT_STORAGE_URI"])
        if config["CASEFLOW_CLOCK_OFFSET_FILE"]:
            raise ConfigError("CASEFLOW_CLOCK_OFFSET_FILE moves the clock for load runs; it cannot be set when "
                              "CASEFLOW_ENV=production")
    if not config["CASEFLOW_CHECKPOINT_KEY"]:
        if production:
            raise ConfigError("CASEFLOW_CHECKPOINT_KEY must name the checkpoints' signing key file "
                              "(outside the database) when CASEFLOW_ENV=production")
        config["CASEFLOW_CHECKPOINT_KEY"] = str(instance_path / "checkpoint_ed25519.pem")
    options = dict(config["SQLALCHEMY_ENGINE_OPTIONS"])
    if config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        # The busy timeout lets a writer wait for another instead of failing at once.
        options.setdefault("connect_args", {"timeout": 30})
    else:
        # No ping per checkout: that is a round trip per request. Connections are replaced before a server or
        # a firewall drops them for age, and one dropped anyway is handled (caseflow/lost_connection.py).
        options.setdefault("pool_recycle", config["CASEFLOW_POOL_RECYCLE"])
    config["SQLALCHEMY_ENGINE_OPTIONS"] = options
    return config
