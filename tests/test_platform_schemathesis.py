"""Schemathesis drives generated requests at the platform: no response may be a 5xx."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from platform_server.app import ServerConfig, create_app
from platform_server.runner import ServerThread
from tests.platform_fixtures import Platform, any_platform, postgres_url  # noqa: F401

#: Examples per operation and phase; a bounded run that takes well under a minute.
MAX_EXAMPLES = int(os.environ.get("HEADUNIT_SCHEMATHESIS_EXAMPLES", "25"))


@pytest.mark.slow
def test_generated_requests_get_no_server_error(any_platform: Platform, tmp_path: Path) -> None:
    cli = shutil.which("schemathesis") or str(Path(sys.executable).parent / "schemathesis")
    # Generous rate limit: this run checks handlers, not the limiter.
    app = create_app(ServerConfig(rate_per_s=10_000, burst=10_000), engine=any_platform.engine)
    token = any_platform.owner_token("fuzz@example.com")
    with ServerThread(app) as server:
        result = subprocess.run(
            [cli, "run", server.url + "/openapi.json",
             "--checks", "not_a_server_error",
             "--max-examples", str(MAX_EXAMPLES),
             "--seed", "1",
             "--request-timeout", "20",
             # Revoking would sign the run's own token out halfway.
             "--exclude-path", "/api/v1/oauth/revoke",
             "--header", f"Authorization: Bearer {token}",
             "--report-dir", str(tmp_path)],
            capture_output=True, text=True, timeout=400, cwd=tmp_path,
        )
    summary = result.stdout[-3000:]
    print(summary)

    assert result.returncode == 0, summary + result.stderr[-2000:]
    assert "Authentication failed" not in result.stdout
