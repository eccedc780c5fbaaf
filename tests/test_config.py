"""Settings lookup: argument > Django setting (when configured) > environment > default.

Everything that needs Django runs in a fresh interpreter, so the Django
settings of one test never leak into another (or into the rest of the suite).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from postmark import config
from postmark.exceptions import ConfigurationError

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True)
def _no_django_settings_module(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DJANGO_SETTINGS_MODULE", raising=False)


def run_python(code: str, env: dict[str, str] | None = None, path: Sequence[Path] = ()) -> Any:
    """Run ``code`` in a fresh interpreter and return the JSON it prints last."""
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("POSTMARK_")
        and k not in ("DJANGO_SETTINGS_MODULE", "REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE")
    }
    clean.update(env or {})
    clean["PYTHONPATH"] = os.pathsep.join(str(p) for p in [REPO, *path])
    result = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        env=clean,
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


# --------------------------------------------------------------------------
# Without Django


def test_default_when_nothing_is_set() -> None:
    assert config.lookup("POSTMARK_SENDER") is None
    assert config.lookup("POSTMARK_SENDER", default="me@example.com") == "me@example.com"


def test_environment_beats_default(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("POSTMARK_SENDER", "env@example.com")
    assert config.lookup("POSTMARK_SENDER", default="default@example.com") == "env@example.com"


def test_argument_beats_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("POSTMARK_SENDER", "env@example.com")
    assert config.lookup("POSTMARK_SENDER", "arg@example.com") == "arg@example.com"


@pytest.mark.parametrize("explicit", [False, 0, ""])
def test_falsy_argument_still_wins(monkeypatch: pytest.MonkeyPatch, explicit: Any) -> None:
    monkeypatch.setenv("POSTMARK_TEST_MODE", "true")
    assert config.lookup("POSTMARK_TEST_MODE", explicit) is explicit
    assert config.lookup_bool("POSTMARK_TEST_MODE", explicit) is False


def test_empty_environment_variable_means_unset(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("POSTMARK_API_URL", "")
    assert config.lookup("POSTMARK_API_URL", default="https://x.example") == "https://x.example"


def test_legacy_api_key_is_an_alias_of_server_token(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("POSTMARK_API_KEY", "legacy-token")
    assert config.lookup("POSTMARK_SERVER_TOKEN") == "legacy-token"
    monkeypatch.setenv("POSTMARK_SERVER_TOKEN", "new-token")
    assert config.lookup("POSTMARK_SERVER_TOKEN") == "new-token"
    assert config.lookup("POSTMARK_SERVER_TOKEN", "arg-token") == "arg-token"


def test_alias_is_one_way(monkeypatch: pytest.MonkeyPatch) -> None:
    # POSTMARK_SERVER_TOKEN does not answer for the account token or the old name.
    monkeypatch.setenv("POSTMARK_SERVER_TOKEN", "server-token")
    assert config.lookup("POSTMARK_ACCOUNT_TOKEN") is None
    assert config.lookup("POSTMARK_API_KEY") is None


def test_server_client_reads_the_legacy_env_name(monkeypatch: pytest.MonkeyPatch) -> None:
    import responses

    from postmark import ServerClient

    monkeypatch.setenv("POSTMARK_API_KEY", "legacy-env-token")
    with responses.RequestsMock() as rsps:
        rsps.get("https://api.postmarkapp.com/server", json={"ID": 1})
        ServerClient().request("GET", "/server")
        assert rsps.calls[0].request.headers["X-Postmark-Server-Token"] == "legacy-env-token"


def test_missing_token_is_a_configuration_error() -> None:
    from postmark import AccountClient, ServerClient

    with pytest.raises(ConfigurationError, match="POSTMARK_SERVER_TOKEN"):
        ServerClient()
    with pytest.raises(ConfigurationError, match="POSTMARK_ACCOUNT_TOKEN"):
        AccountClient()


# --------------------------------------------------------------------------
# Booleans and numbers


@pytest.mark.parametrize("text", ["1", "true", "True", "TRUE", " yes ", "on", "Yes"])
def test_parse_bool_true(text: str) -> None:
    assert config.parse_bool(text) is True


@pytest.mark.parametrize("text", ["0", "false", "False", "no", "off", "", "  OFF "])
def test_parse_bool_false(text: str) -> None:
    assert config.parse_bool(text) is False


@pytest.mark.parametrize("value", [True, False])
def test_parse_bool_passes_booleans_through(value: bool) -> None:
    assert config.parse_bool(value) is value


@pytest.mark.parametrize("text", ["maybe", "2", "tru", "yes please", "none"])
def test_parse_bool_garbage_is_a_clear_error(text: str) -> None:
    with pytest.raises(ConfigurationError) as caught:
        config.parse_bool(text, name="POSTMARK_TEST_MODE")
    message = str(caught.value)
    assert "POSTMARK_TEST_MODE" in message
    assert repr(text) in message
    assert "true/false" in message


@pytest.mark.parametrize(
    ("env", "expected"), [("yes", True), ("1", True), ("off", False), ("false", False)]
)
def test_lookup_bool_from_environment(
    monkeypatch: pytest.MonkeyPatch, env: str, expected: bool
) -> None:
    monkeypatch.setenv("POSTMARK_TEST_MODE", env)
    assert config.lookup_bool("POSTMARK_TEST_MODE", default=not expected) is expected


def test_lookup_bool_default_and_garbage(monkeypatch: pytest.MonkeyPatch) -> None:
    assert config.lookup_bool("POSTMARK_TRACK_OPENS") is False
    assert config.lookup_bool("POSTMARK_TRACK_OPENS", default=True) is True
    monkeypatch.setenv("POSTMARK_TRACK_OPENS", "sometimes")
    with pytest.raises(ConfigurationError, match="POSTMARK_TRACK_OPENS='sometimes'"):
        config.lookup_bool("POSTMARK_TRACK_OPENS")


@pytest.mark.parametrize(("value", "expected"), [("2.5", 2.5), (3, 3.0), (" 7 ", 7.0), (0.1, 0.1)])
def test_parse_float(value: Any, expected: float) -> None:
    assert config.parse_float(value) == expected


@pytest.mark.parametrize("value", ["abc", None, "", "0", 0, -1, "-0.5", [1]])
def test_parse_float_refuses_non_positive_or_garbage(value: Any) -> None:
    with pytest.raises(ConfigurationError, match="POSTMARK_TIMEOUT"):
        config.parse_float(value, name="POSTMARK_TIMEOUT")


def test_lookup_as_converts_only_found_values(monkeypatch: pytest.MonkeyPatch) -> None:
    assert config.lookup_as("POSTMARK_TIMEOUT", config.parse_float) is None
    assert config.lookup_as("POSTMARK_TIMEOUT", config.parse_float, default=4.0) == 4.0
    monkeypatch.setenv("POSTMARK_TIMEOUT", "12")
    assert config.lookup_as("POSTMARK_TIMEOUT", config.parse_float) == 12.0
    assert config.lookup_as("POSTMARK_TIMEOUT", config.parse_float, "3") == 3.0


# --------------------------------------------------------------------------
# With Django (each in its own interpreter)


def test_configured_django_settings_sit_between_argument_and_environment() -> None:
    result = run_python(
        """
        import json
        from django.conf import settings
        settings.configure(
            POSTMARK_SERVER_TOKEN="django-token",
            POSTMARK_SENDER="django@example.com",
            POSTMARK_TEST_MODE=True,
            POSTMARK_TRACK_OPENS=False,
            POSTMARK_RETURN_JSON="yes",
            POSTMARK_API_URL=None,
        )
        from postmark import config
        out = {
            "token": config.lookup("POSTMARK_SERVER_TOKEN"),
            "token_arg": config.lookup("POSTMARK_SERVER_TOKEN", "arg-token"),
            "sender": config.lookup("POSTMARK_SENDER"),
            "test_mode": config.lookup_bool("POSTMARK_TEST_MODE"),
            "track_opens": config.lookup_bool("POSTMARK_TRACK_OPENS", default=True),
            "return_json": config.lookup_bool("POSTMARK_RETURN_JSON"),
            "api_url": config.lookup("POSTMARK_API_URL"),
            "account": config.lookup("POSTMARK_ACCOUNT_TOKEN", default="fallback"),
        }
        # The legacy Django name answers for the new one, ahead of the environment.
        settings.POSTMARK_SERVER_TOKEN = None
        settings.POSTMARK_API_KEY = "django-legacy-token"
        out["legacy"] = config.lookup("POSTMARK_SERVER_TOKEN")
        # ... and the new Django name wins over the legacy Django name.
        settings.POSTMARK_SERVER_TOKEN = "django-new-token"
        out["both"] = config.lookup("POSTMARK_SERVER_TOKEN")
        print(json.dumps(out))
        """,
        env={
            "POSTMARK_SERVER_TOKEN": "env-token",
            "POSTMARK_SENDER": "env@example.com",
            "POSTMARK_TEST_MODE": "false",
            "POSTMARK_TRACK_OPENS": "true",
            "POSTMARK_API_URL": "https://env.example.test",
            "POSTMARK_ACCOUNT_TOKEN": "",
        },
    )
    assert result == {
        "token": "django-token",
        "token_arg": "arg-token",
        "sender": "django@example.com",
        "test_mode": True,
        "track_opens": False,
        "return_json": True,
        "api_url": "https://env.example.test",
        "account": "fallback",
        "legacy": "django-legacy-token",
        "both": "django-new-token",
    }


def test_configured_django_token_reaches_the_wire() -> None:
    result = run_python(
        """
        import json
        from django.conf import settings
        settings.configure(POSTMARK_API_KEY="django-legacy-token",
                           POSTMARK_API_URL="https://django.example.test/")
        import responses
        from postmark import ServerClient
        with responses.RequestsMock() as rsps:
            rsps.get("https://django.example.test/server", json={"ID": 1})
            ServerClient().request("GET", "/server")
            print(json.dumps(rsps.calls[0].request.headers["X-Postmark-Server-Token"]))
        """,
        env={"POSTMARK_SERVER_TOKEN": "env-token"},
    )
    assert result == "django-legacy-token"


def test_installed_but_unconfigured_django_falls_through_to_environment() -> None:
    result = run_python(
        """
        import json
        import django, django.conf  # installed and imported, never configured
        from postmark import PMMail, ServerClient, config
        assert not django.conf.settings.configured
        out = {
            "token": config.lookup("POSTMARK_SERVER_TOKEN"),
            "sender": config.lookup("POSTMARK_SENDER"),
            "test_mode": config.lookup_bool("POSTMARK_TEST_MODE"),
            "default": config.lookup("POSTMARK_RETURN_JSON", default="d"),
        }
        client = ServerClient()
        mail = PMMail(to="you@example.com", subject="Hi", text_body="Hello")
        out["client"] = repr(client)
        out["mail_sender"] = mail.sender
        print(json.dumps(out))
        """,
        env={
            "POSTMARK_API_KEY": "env-token",
            "POSTMARK_SENDER": "env@example.com",
            "POSTMARK_TEST_MODE": "on",
        },
    )
    assert result["token"] == "env-token"
    assert result["sender"] == "env@example.com"
    assert result["test_mode"] is True
    assert result["default"] == "d"
    assert result["client"] == "<ServerClient https://api.postmarkapp.com>"
    assert result["mail_sender"] == "env@example.com"


def test_settings_module_that_does_not_import_is_not_an_error() -> None:
    result = run_python(
        """
        import json
        from postmark import config
        print(json.dumps(config.lookup("POSTMARK_SENDER")))
        """,
        env={
            "DJANGO_SETTINGS_MODULE": "no_such_settings_module_for_postmark_tests",
            "POSTMARK_SENDER": "env@example.com",
        },
    )
    assert result == "env@example.com"


def test_settings_module_in_the_environment_is_read(tmp_path: Path) -> None:
    (tmp_path / "pm_test_settings.py").write_text(
        'POSTMARK_SENDER = "settings-module@example.com"\nPOSTMARK_TEST_MODE = False\n'
    )
    result = run_python(
        """
        import json, sys
        from postmark import config
        print(json.dumps([config.lookup("POSTMARK_SENDER"),
                          config.lookup_bool("POSTMARK_TEST_MODE"),
                          config.lookup("POSTMARK_ACCOUNT_TOKEN")]))
        """,
        env={
            "DJANGO_SETTINGS_MODULE": "pm_test_settings",
            "POSTMARK_SENDER": "env@example.com",
            "POSTMARK_TEST_MODE": "true",
            "POSTMARK_ACCOUNT_TOKEN": "env-account",
        },
        path=[tmp_path],
    )
    assert result == ["settings-module@example.com", False, "env-account"]
