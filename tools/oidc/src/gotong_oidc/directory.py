"""The development users and clients, from a JSON file read again on every sign-in (so
``make run`` can name the seeded cooperatives' ids after it has seeded them).

    {"clients": [{"client_id": "...", "redirect_uris": ["http://127.0.0.1:8004/dashboard"]}],
     "users": [{"username": "...", "password": "...", "name": "...", "role": "coop_admin",
                "cooperative": "<id>" | "cooperative_slug": "<demo slug>", "region": "53"}]}

A ``cooperative_slug`` is looked up in ``cooperatives.json`` beside the keys (slug -> id,
written by ``make run`` once the demo is seeded). Development only: the passwords are in
clear in the file.
"""

from __future__ import annotations

import hmac
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

__all__ = ["Client", "Directory", "User"]

_LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})


@dataclass(frozen=True, slots=True)
class User:
    username: str
    name: str
    claims: dict[str, Any]  # role, coop, region: as Gotong's tokens carry them


@dataclass(frozen=True, slots=True)
class Client:
    client_id: str
    redirect_uris: tuple[str, ...]

    def allows(self, redirect_uri: str) -> bool:
        """A registered URI; for a loopback host any port (RFC 8252 §7.3: a developer's
        second platform runs on other ports)."""
        if redirect_uri in self.redirect_uris:
            return True
        asked = urlsplit(redirect_uri)
        if asked.hostname not in _LOOPBACK:
            return False
        for registered in map(urlsplit, self.redirect_uris):
            if (registered.scheme, registered.hostname, registered.path, registered.query) == (
                    asked.scheme, asked.hostname, asked.path, asked.query) and not asked.fragment:
                return True
        return False

    def origins(self) -> set[str]:
        return {f"{u.scheme}://{u.netloc}" for u in map(urlsplit, self.redirect_uris)}

    def allows_origin(self, origin: str) -> bool:
        return any(self.allows(f"{origin}{urlsplit(uri).path}") for uri in self.redirect_uris)


class Directory:
    def __init__(self, users_file: Path, cooperatives_file: Path) -> None:
        self._users_file = users_file
        self._cooperatives_file = cooperatives_file

    def _document(self) -> dict[str, Any]:
        document: dict[str, Any] = json.loads(self._users_file.read_text("utf-8"))
        return document

    def client(self, client_id: str) -> Client | None:
        for entry in self._document().get("clients", []):
            if entry.get("client_id") == client_id:
                return Client(client_id, tuple(entry.get("redirect_uris", [])))
        return None

    def clients(self) -> list[Client]:
        return [Client(e["client_id"], tuple(e.get("redirect_uris", [])))
                for e in self._document().get("clients", [])]

    def usernames(self) -> list[tuple[str, str]]:
        return [(e["username"], e.get("name", e["username"]))
                for e in self._document().get("users", [])]

    def authenticate(self, username: str, password: str) -> User | None:
        """The user, if the password is theirs; ValueError when a cooperative they name
        is not seeded yet."""
        for entry in self._document().get("users", []):
            if entry.get("username") != username:
                continue
            if not hmac.compare_digest(str(entry.get("password", "")).encode(),
                                       password.encode()):
                return None
            return User(username, entry.get("name", username), self._claims(entry))
        return None

    def _claims(self, entry: dict[str, Any]) -> dict[str, Any]:
        claims: dict[str, Any] = {"role": entry["role"]}
        if "region" in entry:
            claims["region"] = entry["region"]
        if "cooperative" in entry:
            claims["coop"] = entry["cooperative"]
        elif "cooperative_slug" in entry:
            slug = entry["cooperative_slug"]
            seeded: dict[str, str] = {}
            if self._cooperatives_file.exists():
                seeded = json.loads(self._cooperatives_file.read_text("utf-8"))
            if slug not in seeded:
                raise ValueError(f"koperasi {slug} belum ada (jalankan make run sampai selesai)")
            claims["coop"] = seeded[slug]
        return claims
