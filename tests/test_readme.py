"""The README stays true: every setting is documented, and the commands it shows exist."""

from fixtures.environment import ROOT

from tutor.cli import build_parser
from tutor.config import describe_settings

README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_every_setting_is_in_the_readme():
    missing = [env for env, _, _ in describe_settings() if f"`{env}`" not in README]
    assert missing == []


def test_documented_commands_exist():
    commands = set(build_parser()._subparsers._group_actions[0].choices)
    for command in ("ingest", "kb", "ask", "serve", "eval", "prepare", "settings"):
        assert f"tutor {command}" in README and command in commands
    assert "make run" in README and "make test" in README
