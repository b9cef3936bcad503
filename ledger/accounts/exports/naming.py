"""Account names for other ledgers: unit, account and fund codes joined with ':' (UNIT:ACCOUNT:FUND), each code
made a valid name component by a fixed rule of the format; two codes the rule would merge are refused, never
silently added together."""
from collections.abc import Callable

from ledger.core.errors import ValidationFailed
from ledger.core.i18n import _


class AccountNames:
    def __init__(self, component: Callable[[str], str], prefix: Callable[[str], str] = lambda _account: ""):
        self.component, self.prefix = component, prefix
        self.names: dict[tuple[str, str, str], str] = {}
        self.sources: dict[str, str] = {}  # component → the code it came from

    def __call__(self, unit: str, account: str, fund: str) -> str:
        key = (unit, account, fund)
        if key not in self.names:
            parts = [self.checked(code) for code in key]
            self.names[key] = self.prefix(account) + ":".join(parts)
        return self.names[key]

    def checked(self, code: str) -> str:
        name = self.component(code)
        first = self.sources.setdefault(name, code)
        if first != code:
            raise ValidationFailed(_("Mã %(first)s và %(second)s cùng thành %(name)s trong tệp xuất; đổi một mã "
                                     "rồi xuất lại.", first=first, second=code, name=name))
        return name


def single_line(text: str) -> str:
    """A memo on one line: other ledgers end a description at the line break."""
    return " ".join(text.split())
