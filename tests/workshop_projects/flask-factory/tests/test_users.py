def test_hello(client):
    assert client.get("/").text == "Hello, World!"


def test_a_user_id_is_a_number(client):
    assert client.get("/users/42").json == {"route": "GET /users/{id:int}", "params": {"id": 42}}


def test_an_id_that_is_no_number_is_not_found(client):
    response = client.get("/users/abc")
    assert response.status_code == 404
    assert response.json == {"error": "Not Found"}


def test_create_a_user(client):
    response = client.post("/users", json={"name": "Ada"})
    assert response.status_code == 201
