"""The operator's commands fail in plain words and leave no insecure files behind."""

import json
import os
import subprocess

from fixtures.commands import run_tutor as tutor
from fixtures.environment import ROOT

from tutor.paths import CHAT_UI_DIR


def test_tutor_feedback_writes_no_chainlit_files_into_the_working_folder(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "CHAINLIT_APP_ROOT"}  # as an operator's shell has it
    result = tutor("feedback", "--json", cwd=tmp_path, env=env)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == []
    assert not (tmp_path / ".chainlit").exists() and not (tmp_path / ".files").exists()


def test_a_broken_users_file_is_a_clear_error(tmp_path):
    users = tmp_path / "data" / "users.json"
    users.parent.mkdir()
    for broken in ('{"users": {"alice": ', '["alice"]', '{"users": {"alice": "motdepasse"}}'):
        users.write_text(broken)
        result = tutor("users", "list", cwd=tmp_path)
        assert result.returncode == 2, result.stdout
        assert "Traceback" not in result.stderr and "users.json" in result.stderr and "tutor users add" in result.stderr


def test_the_chat_config_is_hardened_and_no_default_config_is_tracked():
    import tomllib

    config = tomllib.loads((CHAT_UI_DIR / ".chainlit" / "config.toml").read_text(encoding="utf-8"))
    assert "*" not in config["project"]["allow_origins"]
    assert config["features"]["spontaneous_file_upload"]["enabled"] is False
    assert config["features"]["unsafe_allow_html"] is False and config["features"]["edit_message"] is False
    tracked = subprocess.run(["git", "ls-files", ".chainlit"], cwd=ROOT, capture_output=True, text=True)
    assert tracked.returncode != 0 or tracked.stdout.strip() == ""
