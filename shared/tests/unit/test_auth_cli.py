"""``gotong-token``: key creation, minting, and one-line errors with exit code 2."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from gotong_platform.auth import Role, TokenVerifier, read_key_file
from gotong_platform.auth.cli import main

pytestmark = pytest.mark.unit


@pytest.fixture
def key_file(tmp_path: Path) -> Path:
    path = tmp_path / "keys" / "dev-jwt.key"
    assert main(["init-key", "--key-file", str(path)]) == 0
    return path


def run_failing(argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    """Run the CLI expecting exit code 2; return stderr."""
    try:
        code = main(argv)
    except SystemExit as exit_:  # argparse usage errors exit from inside
        code = exit_.code  # type: ignore[assignment]
    captured = capsys.readouterr()
    assert code == 2
    assert captured.out == ""
    return captured.err


def test_init_key_writes_an_owner_only_key(key_file: Path) -> None:
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert len(read_key_file(key_file)) == 32


def test_init_key_keeps_an_existing_key(key_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = key_file.read_bytes()
    assert main(["init-key", "--key-file", str(key_file)]) == 0
    assert key_file.read_bytes() == before
    assert "kept existing" in capsys.readouterr().out


def test_default_key_file_is_relative_to_cwd(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("GOTONG_JWT_KEY_FILE", raising=False)
    monkeypatch.chdir(tmp_path)
    assert main(["init-key"]) == 0
    assert (tmp_path / ".stack" / "dev-jwt.key").is_file()


def test_key_file_comes_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GOTONG_JWT_KEY_FILE", str(tmp_path / "env.key"))
    assert main(["init-key"]) == 0
    assert (tmp_path / "env.key").is_file()


@pytest.mark.parametrize(
    ("args", "role"),
    [
        (["--role", "federation_admin"], Role.FEDERATION_ADMIN),
        (["--role", "regional_officer", "--region", "32"], Role.REGIONAL_OFFICER),
        (["--role", "coop_admin", "--cooperative", "kop-a"], Role.COOP_ADMIN),
        (["--role", "coop_clerk", "--cooperative", "kop-a"], Role.COOP_CLERK),
        (["--role", "partner", "--cooperatives", "kop-a, kop-b"], Role.PARTNER),
    ],
)
def test_mint_prints_a_verifiable_token(
    key_file: Path, capsys: pytest.CaptureFixture[str], args: list[str], role: Role
) -> None:
    capsys.readouterr()
    assert main(["mint", *args, "--key-file", str(key_file), "--subject", "budi"]) == 0
    principal = TokenVerifier(read_key_file(key_file)).verify(capsys.readouterr().out.strip())
    assert (principal.role, principal.subject) == (role, "budi")
    if role is Role.PARTNER:
        assert principal.cooperatives == {"kop-a", "kop-b"}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--role", "coop_clerk"], "coop_clerk requires a cooperative"),
        (["--role", "regional_officer", "--region", "3"], "region of 2 or 4 digits"),
        (["--role", "partner", "--region", "32"], "partner must not name a region"),
        (["--role", "superuser"], "invalid choice"),
        (["--role", "federation_admin", "--ttl-hours", "0"], "must be at least 1"),
        (["--role", "federation_admin", "--ttl-hours", "soon"], "not a whole number"),
        ([], "required: --role"),
    ],
)
def test_mint_refuses_bad_arguments_in_one_line(
    key_file: Path, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    capsys.readouterr()
    err = run_failing(["mint", *args, "--key-file", str(key_file)], capsys)
    assert message in err
    assert err.startswith("gotong-token: error: ")
    assert err.count("\n") == 1
    assert "Traceback" not in err


def test_mint_without_a_key_file_says_how_to_create_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "nope.key"
    err = run_failing(["mint", "--role", "federation_admin", "--key-file", str(missing)], capsys)
    assert (
        err == f"gotong-token: error: key file not found: {missing} (run: gotong-token init-key)\n"
    )


@pytest.mark.parametrize("content", ["not base64!!", "c2hvcnQ="])
def test_mint_with_a_bad_key_file_fails_cleanly(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str
) -> None:
    bad = tmp_path / "bad.key"
    bad.write_text(content)
    err = run_failing(["mint", "--role", "federation_admin", "--key-file", str(bad)], capsys)
    assert err.count("\n") == 1
    assert content not in err


def test_init_key_in_an_unwritable_place_fails_cleanly(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    err = run_failing(["init-key", "--key-file", str(blocker / "sub" / "k.key")], capsys)
    assert err.count("\n") == 1
    assert "Traceback" not in err


def test_missing_command_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert "required" in run_failing([], capsys)
