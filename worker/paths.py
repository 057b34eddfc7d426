"""Where the repository's data directories live.

Migrations, named SQL, agent definitions, prompts and programmes are data read at run time,
kept at the top of the repository beside the ``worker`` package (the project is installed
editable).
"""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MIGRATIONS_DIR = ROOT / "migrations"
SQL_DIR = ROOT / "sql"
AGENTS_DIR = ROOT / "agents"
PROMPTS_DIR = ROOT / "prompts"
PROGRAMS_DIR = ROOT / "programs"
#: The web pages' templates and static files ship inside the package they belong to.
WEB_TEMPLATES_DIR = ROOT / "worker" / "web" / "templates"
WEB_STATIC_DIR = ROOT / "worker" / "web" / "static"
