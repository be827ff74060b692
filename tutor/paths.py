"""Where the tutor's files are: the one place that knows the checkout's layout.

The package lives in `tutor/`; the prompt files, the eval data and the default course sit beside it at
the top of the checkout (the project is installed editable, as `make` does).
"""

from __future__ import annotations

from pathlib import Path

PACKAGE = Path(__file__).resolve().parent
ROOT = PACKAGE.parent
PROMPTS_DIR = ROOT / "prompts"
EVALS_DIR = ROOT / "evals"
KNOWLEDGE_DIR = ROOT / "knowledge"
CHAT_APP = PACKAGE / "chat" / "app.py"
CHAT_UI_DIR = PACKAGE / "chat" / "ui"  # Chainlit's app root: config, public assets, custom elements
