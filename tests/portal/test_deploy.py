"""The production deployment, checked without a Docker engine.

docker-compose.yml cannot run here, so these tests read it (and the Dockerfile and
.env.example) and run Django under the environment compose would give the containers:
production settings must load from it and pass ``check --deploy`` with no warning.
"""

from __future__ import annotations

import ast
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
APP_SERVICES = ("migrate", "web", "worker", "beat")
LONG_RUNNING = ("postgres", "redis", "web", "worker", "beat")

# Variables the settings read that compose deliberately does not pass on.
NOT_FOR_COMPOSE = {
    "CHENGAN_VAR_DIR": "the image sets it (/app/var)",
    "DEBUG": "production.py forces it off",
    "CELERY_TASK_ALWAYS_EAGER": "tests only",
    "STATIC_ROOT": "the image's collectstatic decides it",
    "MEDIA_ROOT": "the media volume is mounted at the default",
}


@pytest.fixture(scope="module")
def compose():
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def env_example():
    return read_env_file(ROOT / ".env.example")


def read_env_file(path: Path) -> dict[str, str]:
    values = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            key, _, value = line.partition("=")
            values[key.strip()] = value.strip()
    return values


_INTERPOLATION = re.compile(r"\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?+])([^}]*))?\}")


def interpolate(value: str, env: dict[str, str]) -> str:
    """Resolve compose's ${VAR}, ${VAR:-default}, ${VAR:?error} and $$ against env."""

    def resolve(match):
        if match.group(0) == "$$":
            return "$"
        name, op, arg = match.groups()
        current = env.get(name)
        unset = current is None or (op is not None and op.startswith(":") and current == "")
        if op in (":-", "-"):
            return arg if unset else current
        if op in (":?", "?"):
            if unset:
                raise ValueError(f"compose would stop: {name} {arg}")
            return current
        if op in (":+", "+"):
            return "" if unset else arg
        return current or ""

    return _INTERPOLATION.sub(resolve, value)


def container_environment(compose, service: str, env_file: dict[str, str]) -> dict[str, str]:
    """The environment compose would give ``service`` with ``env_file`` as its .env."""
    declared = compose["services"][service].get("environment", {})
    return {key: interpolate(str(value), env_file) for key, value in declared.items()}


def production_env_file(env_example: dict[str, str]) -> dict[str, str]:
    """.env.example filled in the way an operator would: a real secret and password."""
    return {
        **env_example,
        "SECRET_KEY": secrets.token_urlsafe(50),
        "POSTGRES_PASSWORD": secrets.token_urlsafe(16),
    }


def run_django(
    code_or_args: list[str], env: dict[str, str], tmp_path
) -> subprocess.CompletedProcess:
    """Run Python in a fresh process with only the given environment (plus PATH and HOME)."""
    clean = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": os.environ.get("HOME", str(tmp_path)),
        "CHENGAN_VAR_DIR": str(tmp_path / "var"),
        **env,
    }
    return subprocess.run(
        [sys.executable, *code_or_args],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=300,
    )


def required_by_production() -> tuple[str, ...]:
    tree = ast.parse((ROOT / "portal" / "settings" / "production.py").read_text())
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == "REQUIRED_ENV" for t in node.targets
        ):
            return tuple(ast.literal_eval(node.value))
    raise AssertionError("production.py no longer names REQUIRED_ENV")


def read_by_settings() -> set[str]:
    names = set()
    pattern = re.compile(
        r"""(?:\benv(?:_bool|_int|_list)?\(|os\.environ(?:\.get)?[(\[])\s*["']([A-Z0-9_]+)["']"""
    )
    for path in (ROOT / "portal" / "settings").glob("*.py"):
        names |= set(pattern.findall(path.read_text(encoding="utf-8")))
    return names


# --- docker-compose.yml ----------------------------------------------------------------------


def test_compose_runs_postgres_redis_web_worker_and_beat(compose):
    services = compose["services"]
    assert set(LONG_RUNNING) <= set(services)
    assert services["postgres"]["image"].startswith("postgres:16")
    assert services["redis"]["image"].startswith("redis:7")
    assert services["worker"]["command"][:4] == ["celery", "-A", "portal", "worker"]
    assert services["beat"]["command"][:4] == ["celery", "-A", "portal", "beat"]
    assert "command" not in services["web"], "web runs the image's gunicorn command"
    assert "gunicorn portal.wsgi:application" in (ROOT / "Dockerfile").read_text()


def test_migrations_run_once_before_the_application_starts(compose):
    services = compose["services"]
    migrate = services["migrate"]
    assert migrate["command"] == ["python", "manage.py", "migrate", "--noinput"]
    assert migrate["restart"] == "no"
    assert migrate["depends_on"]["postgres"]["condition"] == "service_healthy"
    for name in ("web", "worker", "beat"):
        depends = services[name]["depends_on"]
        assert depends["postgres"]["condition"] == "service_healthy", name
        assert depends["redis"]["condition"] == "service_healthy", name
        assert depends["migrate"]["condition"] == "service_completed_successfully", name


@pytest.mark.parametrize(
    ("service", "probe"),
    [
        ("postgres", "pg_isready"),
        ("redis", "redis-cli ping"),
        ("web", "docker/healthcheck.py"),
        ("worker", "inspect ping"),
        ("beat", "celerybeat.pid"),
    ],
)
def test_every_long_running_service_has_a_health_check(compose, service, probe):
    check = compose["services"][service]["healthcheck"]
    assert not check.get("disable")
    assert check["test"][0] in {"CMD", "CMD-SHELL"}
    assert probe in " ".join(check["test"][1:])
    assert check["interval"] and check["timeout"] and check["retries"] >= 3


def test_web_health_check_script_exists_and_asks_healthz():
    script = (ROOT / "docker" / "healthcheck.py").read_text()
    assert "/healthz" in script


def test_every_app_service_runs_production_settings_with_the_required_variables(compose):
    required = required_by_production()
    assert {"SECRET_KEY", "DATABASE_URL", "REDIS_URL", "ALLOWED_HOSTS"} <= set(required)
    for name in APP_SERVICES:
        env = compose["services"][name]["environment"]
        assert env["DJANGO_SETTINGS_MODULE"] == "portal.settings.production", name
        for variable in required:
            value = str(env.get(variable, ""))
            assert value, f"{name} does not receive {variable}"
            # Either a fixed value or one compose refuses to start without.
            assert "${" not in value or ":?" in value or variable.endswith("_URL"), (
                f"{name}: {variable} may silently be empty: {value}"
            )


def test_every_variable_the_settings_read_reaches_the_app_services(compose):
    missing = {}
    for name in APP_SERVICES:
        passed = set(compose["services"][name]["environment"])
        left_out = read_by_settings() - passed - set(NOT_FOR_COMPOSE)
        if left_out:
            missing[name] = sorted(left_out)
    assert not missing, f"settings read variables compose does not pass: {missing}"


def test_env_example_lists_every_variable_compose_reads(env_example):
    text = (ROOT / "docker-compose.yml").read_text(encoding="utf-8")
    used = {m.group(1) for m in _INTERPOLATION.finditer(text) if m.group(1)}
    assert used - set(env_example) == set()


def test_compose_refuses_to_start_without_a_secret_key(compose, env_example):
    env_file = {**production_env_file(env_example), "SECRET_KEY": ""}
    with pytest.raises(ValueError, match="SECRET_KEY"):
        container_environment(compose, "web", env_file)


def test_database_url_points_at_the_compose_postgres(compose, env_example):
    env = container_environment(compose, "web", production_env_file(env_example))
    assert env["DATABASE_URL"].startswith("postgres://chengan:")
    assert env["DATABASE_URL"].endswith("@postgres:5432/chengan")
    assert env["REDIS_URL"] == "redis://redis:6379/0"


# --- Dockerfile ------------------------------------------------------------------------------


def test_dockerfile_builds_assets_with_npm_and_runs_python_311_as_a_non_root_user():
    lines = [line.strip() for line in (ROOT / "Dockerfile").read_text().splitlines()]
    froms = [line for line in lines if line.startswith("FROM ")]
    assert froms[0].startswith("FROM node:") and "npm ci" in "\n".join(lines)
    assert froms[-1].startswith("FROM python:3.11-slim")
    users = [line.split()[1] for line in lines if line.startswith("USER ")]
    assert users and users[-1] not in {"root", "0"}
    build = "\n".join(lines)
    assert "collectstatic --noinput" in build
    assert "compile_translations" in build
    assert 'pip install ".[s3]"' in build


def test_dockerignore_keeps_secrets_and_local_state_out_of_the_image():
    ignored = set((ROOT / ".dockerignore").read_text().split())
    assert {".env", ".git", ".venv", "node_modules", "var"} <= ignored


# --- Django under the compose environment ------------------------------------------------------


def test_production_settings_pass_check_deploy_with_no_warning(compose, env_example, tmp_path):
    env = container_environment(compose, "web", production_env_file(env_example))
    result = run_django(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"], env, tmp_path
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize("variable", required_by_production())
def test_production_settings_refuse_to_load_without(variable, compose, env_example, tmp_path):
    env = container_environment(compose, "web", production_env_file(env_example))
    del env[variable]
    result = run_django(["-c", "import django; django.setup()"], env, tmp_path)
    assert result.returncode != 0
    assert f"{variable} must be set in production" in result.stderr


def test_naming_a_bucket_stores_uploads_in_s3(compose, env_example, tmp_path):
    env_file = {
        **production_env_file(env_example),
        "AWS_STORAGE_BUCKET_NAME": "chengan-uploads",
        "AWS_S3_ENDPOINT_URL": "https://minio.example.gov.cn",
        "AWS_S3_ADDRESSING_STYLE": "path",
    }
    env = container_environment(compose, "web", env_file)
    code = (
        "import django; django.setup();"
        "from django.core.files.storage import storages; s = storages['default'];"
        "print(type(s).__name__, s.bucket_name, s.endpoint_url, s.addressing_style)"
    )
    result = run_django(["-c", code], env, tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "S3Storage",
        "chengan-uploads",
        "https://minio.example.gov.cn",
        "path",
    ]
