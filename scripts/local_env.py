"""Make sure the local `.env` holds a SECRET_KEY, so `make run` can serve with DEBUG off (the real 403 / 404 pages,
as a demo of data scope should show them). Generated once and kept: sessions survive restarts.
Adds only what is missing; never prints the key."""

import re
import secrets
import sys
from pathlib import Path

path = Path(sys.argv[1] if len(sys.argv) > 1 else ".env")
text = (
    path.read_text(encoding="utf-8")
    if path.exists()
    else "# Local settings (never committed). Made by `make run`; see .env.example.\n"
)
if re.search(r"^SECRET_KEY=\S+", text, re.MULTILINE):
    sys.exit(0)
line = f"SECRET_KEY={secrets.token_urlsafe(64)}"
if re.search(r"^SECRET_KEY=\s*$", text, re.MULTILINE):
    text = re.sub(r"^SECRET_KEY=\s*$", line, text, count=1, flags=re.MULTILINE)
else:
    text = text.rstrip("\n") + "\n" + line + "\n"
path.write_text(text, encoding="utf-8")
path.chmod(0o600)
print(f"{path}: generated a local SECRET_KEY")
