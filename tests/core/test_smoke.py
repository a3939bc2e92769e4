from fastapi.testclient import TestClient


def test_register_page_renders(client: TestClient) -> None:
    r = client.get("/register")
    assert r.status_code == 200, r.text
