import pytest


@pytest.mark.django_db
def test_healthz_reports_database_and_broker(client):
    response = client.get("/healthz")
    body = response.json()
    assert body["database"]["ok"] is True
    assert body["database"]["vendor"] in {"sqlite", "postgresql"}
    assert "transport" in body["broker"]
    assert response.status_code == (200 if body["broker"]["ok"] else 503)


@pytest.mark.redis
@pytest.mark.django_db
def test_healthz_reports_the_redis_broker_when_redis_url_is_set(client):
    response = client.get("/healthz")
    body = response.json()
    assert response.status_code == 200
    assert body["status"] == "ok"
    assert body["broker"] == {"ok": True, "transport": "redis"}
