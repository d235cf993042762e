"""The deployment (issue #14): `cocrea check --deploy` is clean with the production environment of
deploy/cocrea.env.example as compose runs it, that file names every variable Cocrea reads, and the
compose file is valid YAML with the services the README describes."""

from __future__ import annotations

import ast
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
DEPLOY = REPO / "deploy"
ENV_EXAMPLE = DEPLOY / "cocrea.env.example"
# Where Cocrea reads its environment.
READERS = [
    REPO / "cocrea" / "settings.py",
    REPO / "cocrea" / "core" / "sentry.py",
    REPO / "cocrea" / "core" / "server.py",
    REPO / "cocrea" / "cli.py",
]
NOT_CONFIGURATION = {"DJANGO_SETTINGS_MODULE"}


def example_environment() -> dict[str, str]:
    """The example's uncommented lines, as compose's env_file reads them."""
    values = {}
    for line in ENV_EXAMPLE.read_text().splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            name, _, value = line.partition("=")
            values[name.strip()] = value.strip()
    return values


def variables_read(path: Path) -> set[str]:
    """Names passed as a literal to os.environ.get / environ.get / os.environ[...] / env_bool."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant):
            func = node.func
            is_get = (
                isinstance(func, ast.Attribute)
                and func.attr == "get"
                and (ast.unparse(func.value) in {"os.environ", "environ", "self.environ"})
            )
            if is_get or (isinstance(func, ast.Name) and func.id == "env_bool"):
                names.add(node.args[0].value)
        if (
            isinstance(node, ast.Subscript)
            and ast.unparse(node.value) == "os.environ"
            and isinstance(node.slice, ast.Constant)
        ):
            names.add(node.slice.value)
    return names


def test_the_example_documents_every_variable_cocrea_reads():
    documented = ENV_EXAMPLE.read_text()
    read = set().union(*(variables_read(path) for path in READERS)) - NOT_CONFIGURATION
    assert {"DEBUG", "SECRET_KEY", "SENTRY_DSN", "WEB_CONCURRENCY", "LISTEN_HOST"} <= read
    missing = sorted(name for name in read if f"{name}=" not in documented)
    assert not missing, f"add these to deploy/cocrea.env.example: {missing}"


def production_environment(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "CACHE_URL", "TASKS_URL"}}
    env.update(example_environment())
    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
    for name, value in compose["x-cocrea"]["environment"].items():
        env[name] = value.replace("${POSTGRES_PASSWORD:-cocrea}", "cocrea")
    env.update(SECRET_KEY=secrets.token_urlsafe(50), COCREA_DATA_DIR=str(tmp_path))
    return env


def test_check_deploy_is_clean_with_the_production_environment(tmp_path):
    env = production_environment(tmp_path)
    assert env["DEBUG"] == "0" and env["DATABASE_URL"].startswith("postgres://")
    result = subprocess.run(
        [sys.executable, "-m", "cocrea.cli", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        cwd=REPO,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_the_placeholder_secret_key_is_refused(tmp_path):
    """Copying the example without filling it in stops start-up rather than running weakly."""
    env = production_environment(tmp_path)
    env["SECRET_KEY"] = example_environment()["SECRET_KEY"]
    result = subprocess.run(
        [sys.executable, "-m", "cocrea.cli", "check", "--deploy"], env=env, cwd=REPO, capture_output=True
    )
    assert result.returncode != 0
    assert b"SECRET_KEY is too weak" in result.stderr


def test_compose_file_has_web_worker_postgres_redis_and_the_optional_nginx():
    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
    services = compose["services"]
    assert {"init", "web", "worker", "db", "redis", "nginx"} <= set(services)
    assert services["web"]["command"] == ["cocrea", "serve"]
    assert services["worker"]["command"] == ["cocrea", "worker"]
    assert services["web"]["build"]["dockerfile"] == "deploy/Containerfile"
    postgres_major = int(services["db"]["image"].split(":")[1].split("-")[0])
    assert postgres_major >= 15
    assert services["redis"]["image"].split(":")[1].startswith("7")
    assert services["nginx"]["profiles"] == ["proxy"]
    assert (DEPLOY / "nginx.conf").exists()
    for name in ("web", "worker"):
        assert services[name]["depends_on"]["init"]["condition"] == "service_completed_successfully"


def test_the_image_runs_as_an_unprivileged_user_with_static_files_and_catalogues_built():
    text = (DEPLOY / "Containerfile").read_text()
    stages = [line for line in text.splitlines() if line.startswith("FROM ")]
    assert len(stages) == 2 and " AS build" in stages[0]
    assert "USER cocrea" in text[text.rindex("\nFROM ") :]
    assert "compilemessages" in text and "collectstatic" in text
    assert 'CMD ["cocrea", "serve"]' in text


@pytest.mark.parametrize("variable", ["DATABASE_URL", "CACHE_URL", "TASKS_URL"])
def test_compose_points_the_services_at_its_own_db_and_redis(variable):
    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
    value = compose["x-cocrea"]["environment"][variable]
    assert ("@db:5432/" in value) if variable == "DATABASE_URL" else value.startswith("redis://redis:6379/")


def test_sessions_are_read_through_redis_only_when_it_is_shared(tmp_path):
    """With Redis every process reads the same session; the embedded local memory would keep a
    signed-out session alive in another process."""
    script = "import django; django.setup(); from django.conf import settings; print(settings.SESSION_ENGINE)"
    engines = {}
    for cache_url in ("", "redis://127.0.0.1:6379/9"):
        env = {**production_environment(tmp_path), "CACHE_URL": cache_url}
        result = subprocess.run(
            [sys.executable, "-c", script], env=env, cwd=REPO, capture_output=True, text=True, check=True
        )
        engines[cache_url] = result.stdout.strip().splitlines()[-1]
    assert engines == {
        "": "django.contrib.sessions.backends.db",
        "redis://127.0.0.1:6379/9": "django.contrib.sessions.backends.cached_db",
    }
