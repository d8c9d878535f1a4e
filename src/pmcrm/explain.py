"""Reasons: how every pmcrm decision says why, with its figures, in zh and en.

A :class:`Reason` is one statement (a rule, what was observed, the
threshold, the outcome).  Decisions carry a tuple of reasons and render
them with :func:`render`.

>>> r = Reason(
...     code="factor.spending",
...     zh="消费：{spent}，满分线 {full}",
...     en="spending: {spent}, full marks at {full}",
...     figures=(("spent", "8000.00 CNY"), ("full", "20000.00 CNY")),
... )
>>> r.text("en")
'spending: 8000.00 CNY, full marks at 20000.00 CNY'
>>> r.text("zh")
'消费：8000.00 CNY，满分线 20000.00 CNY'
"""

from collections.abc import Iterable

import attrs

from pmcrm.values import Lang

__all__ = ["Reason", "render"]


@attrs.frozen
class Reason:
    """One statement of why: a template in zh and en and the figures it uses.

    Attributes:
        code: A stable identifier of the statement, such as ``"segment.high"``.
        zh: The Chinese template; ``{name}`` fields are filled from *figures*.
        en: The English template.
        figures: ``(name, rendered value)`` pairs, in order.
    """

    code: str
    zh: str
    en: str
    figures: tuple[tuple[str, str], ...] = ()

    def text(self, lang: Lang | str = Lang.EN) -> str:
        """The statement in *lang*, figures filled in."""
        template = self.zh if Lang(lang) is Lang.ZH else self.en
        return template.format(**dict(self.figures))

    def figure(self, name: str) -> str:
        """The rendered figure *name*.

        Raises:
            LookupError: the reason has no such figure.
        """
        for key, value in self.figures:
            if key == name:
                return value
        raise LookupError(f"reason {self.code!r} has no figure {name!r}")


def render(reasons: Iterable[Reason], lang: Lang | str = Lang.EN) -> str:
    """The reasons in *lang*, one per line."""
    return "\n".join(r.text(lang) for r in reasons)
