"""The edge: OpenAPI document and its docs page work offline; errors keep their shape."""
import re


def test_docs_page_and_its_assets_are_served_locally(client):
    page = client.get("/api/docs")
    assert page.status_code == 200
    assets = re.findall(r'(?:href|src)="(/api/swagger-ui/[^"]+)"', page.text)
    assert len(assets) >= 2
    for asset in assets:
        with client.get(asset) as response:  # a streamed file: close it
            assert response.status_code == 200 and len(response.data) > 1000, asset


def test_openapi_document_names_the_contract_paths(client):
    spec = client.get("/api/openapi.json").json
    for path in ("/api/v1/units/{code}/entries", "/api/v1/units/{code}/receipts", "/api/v1/campaigns/{code}/progress",
                 "/api/v1/scholarships/rounds/{round_id}/decide", "/api/v1/statements/{statement_id}/publish"):
        assert path in spec["paths"], path


def test_unknown_api_path_is_problem_json_and_page_is_html(client):
    api = client.get("/api/v1/nothing-here")
    assert api.status_code in (401, 404) and api.mimetype == "application/problem+json"
    page = client.get("/nothing-here")
    assert page.status_code == 404 and page.mimetype == "text/html"
