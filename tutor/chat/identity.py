"""Who is chatting, without an account: each browser gets a random, long-lived, HTTP-only cookie, and the
learner's identity is a hash of it. Chainlit shows history only to an authenticated user, so the
header-auth callback turns that cookie into a `cl.User`; nobody else's cookie gives their threads.
"""

from __future__ import annotations

import hashlib
import secrets
from http.cookies import SimpleCookie
from pathlib import Path

COOKIE = "tutor_learner"
MAX_AGE = 60 * 60 * 24 * 365


def cookie_value(cookie_header: str | None) -> str | None:
    if not cookie_header:
        return None
    jar = SimpleCookie()
    try:
        jar.load(cookie_header)
    except Exception:
        return None
    morsel = jar.get(COOKIE)
    value = morsel.value if morsel else None
    return value if value and 20 <= len(value) <= 100 and value.replace("-", "").replace("_", "").isalnum() else None


def learner_id(token: str) -> str:
    """A stable, non-secret identifier for a browser's cookie (the cookie itself never reaches the database)."""
    return "apprenant-" + hashlib.sha256(token.encode()).hexdigest()[:20]


class LearnerCookieMiddleware:
    """Pure ASGI middleware: a request without the cookie gets one, visible to this very request too."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        headers = list(scope.get("headers", []))
        existing = b"; ".join(v for k, v in headers if k == b"cookie").decode("latin-1")
        if cookie_value(existing):
            return await self.app(scope, receive, send)
        token = secrets.token_urlsafe(32)
        merged = f"{existing}; {COOKIE}={token}" if existing else f"{COOKIE}={token}"
        headers = [(k, v) for k, v in headers if k != b"cookie"] + [(b"cookie", merged.encode("latin-1"))]
        scope = dict(scope, headers=headers)
        set_cookie = f"{COOKIE}={token}; Path=/; Max-Age={MAX_AGE}; HttpOnly; SameSite=Lax".encode()

        async def send_with_cookie(message):
            if message["type"] == "http.response.start":
                message = dict(message, headers=list(message.get("headers", [])) + [(b"set-cookie", set_cookie)])
            await send(message)

        await self.app(scope, receive, send_with_cookie)


def auth_secret(data_dir: Path) -> str:
    """Chainlit signs its session tokens with this; created once per data directory, kept private."""
    path = data_dir / "auth_secret"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip()


# ---------------------------------------------------------------- password accounts

ROLES = ("learner", "instructor")


def hash_password(password: str, salt: bytes | None = None) -> str:
    salt = salt or secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=2**14, r=8, p=1)
    return f"scrypt${salt.hex()}${digest.hex()}"


def check_password(password: str, stored: str) -> bool:
    try:
        scheme, salt, _ = stored.split("$")
    except ValueError:
        return False
    return scheme == "scrypt" and secrets.compare_digest(hash_password(password, bytes.fromhex(salt)), stored)


class UsersFileError(ValueError):
    """The users file cannot be read; `str()` names the file and says what to do."""


def load_users(path: Path) -> dict[str, dict]:
    """The accounts of the users file ({} when there is none). A broken file is a UsersFileError."""
    import json

    if not path.exists():
        return {}
    try:
        users = json.loads(path.read_text(encoding="utf-8")).get("users", {})
        if not isinstance(users, dict) or not all(isinstance(u, dict) and isinstance(u.get("password"), str)
                                                  for u in users.values()):
            raise ValueError("each account needs a password hash")
    except (OSError, UnicodeDecodeError, ValueError, AttributeError) as exc:
        raise UsersFileError(f"{path}: not a valid users file ({exc}). Fix it, or move it away and create the "
                             "accounts again with `tutor users add`") from None
    return users


def add_user(path: Path, name: str, password: str, role: str) -> None:
    """Create or update an account (the file keeps only password hashes)."""
    import json

    if role not in ROLES:
        raise ValueError(f"role must be one of {', '.join(ROLES)}")
    if len(password) < 8:
        raise ValueError("the password must have at least 8 characters")
    users = load_users(path)
    users[name] = {"password": hash_password(password), "role": role}
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"users": users}, indent=2), encoding="utf-8")
    path.chmod(0o600)


_UNKNOWN_USER_HASH: list[str] = []


def authenticate(path: Path, name: str, password: str) -> dict | None:
    """{"identifier", "role"} for a valid name and password, else None. An unknown name costs the same scrypt
    work as a known one, so response times do not tell which names exist."""
    user = load_users(path).get(name)
    if user is None:
        if not _UNKNOWN_USER_HASH:
            _UNKNOWN_USER_HASH.append(hash_password(secrets.token_urlsafe(16)))
        check_password(password, _UNKNOWN_USER_HASH[0])
        return None
    if check_password(password, user["password"]):
        return {"identifier": name, "role": user.get("role", "learner")}
    return None
