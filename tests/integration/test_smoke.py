"""The app starts and its public pages render."""


def test_home_page_renders_for_a_guest(client):
    response = client.get("/")
    assert response.status_code == 200
    assert b"Shop by category" in response.data or b"New arrivals" in response.data
