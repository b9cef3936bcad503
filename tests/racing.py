"""Requests released at the same moment, each thread with its own client and session (PostgreSQL races)."""
import threading
from concurrent.futures import ThreadPoolExecutor


def post_at_once(app, requests):
    """POST every (api, path, body) in its own thread, released together; (status, json) in order."""
    barrier = threading.Barrier(len(requests))

    def send(request):
        api, path, body = request
        barrier.wait(timeout=60)
        response = app.test_client().post("/api/v1" + path, json=body,
                                          headers={"Authorization": f"Bearer {api.token}"})
        return response.status_code, response.get_json()
    with ThreadPoolExecutor(max_workers=len(requests)) as pool:
        return list(pool.map(send, requests))
