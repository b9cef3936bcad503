"""The API's blueprints: one decorator per operation instead of the same four-line stack on every view.

`@blp.read(rule, Out, query=Query)` and `@blp.write(rule, Out, body=In)` stand for flask-smorest's
route + arguments + response, and for a write the unit of work around it (core/edge.py), or `money_post`
where money moves. The OpenAPI document is the same as with the decorators written out.
"""
import flask_smorest

from ledger.core.edge import unit_of_work


class Blueprint(flask_smorest.Blueprint):
    """flask-smorest's Blueprint with one decorator per operation: its route, the unit of work of a write,
    what it reads and what it answers — the stack every view would otherwise repeat."""

    def read(self, rule: str, answer, *, query=None):
        """A GET answering `answer`, reading `query` from the query string."""
        return self.operation("GET", rule, answer=answer, query=query)

    def write(self, rule: str, answer=None, *, body=None, status: int = 201, method: str = "POST", edge=unit_of_work):
        """A change: `body` in, `answer` out, inside `edge` (the unit of work, or money_post that adds replay)."""
        return self.operation(method, rule, answer=answer, body=body, status=status, edge=edge)

    def operation(self, method: str, rule: str, *, answer=None, body=None, query=None, status: int = 200,
                  edge=None):
        def register(view):
            if answer is not None:
                view = self.response(status, answer)(view)
            if query is not None:
                view = self.arguments(query, location="query")(view)
            if body is not None:
                view = self.arguments(body)(view)
            if edge is not None:
                view = edge(view)
            return self.route(rule, methods=[method])(view)
        return register
