"""`Changes`: what a core operation altered, so each view decides what to redraw (Anki's OpChanges)."""

from __future__ import annotations

from dataclasses import dataclass, fields


@dataclass(frozen=True)
class Changes:
    accounts: bool = False
    contacts: bool = False
    opportunities: bool = False
    activities: bool = False
    orders: bool = False
    products: bool = False
    stock: bool = False
    promotions: bool = False
    messages: bool = False
    suggestions: bool = False
    feedback: bool = False
    outbox: bool = False
    conflicts: bool = False
    settings: bool = False

    @classmethod
    def everything(cls) -> Changes:
        return cls(**{f.name: True for f in fields(cls)})

    def __or__(self, other: Changes) -> Changes:
        return Changes(**{f.name: getattr(self, f.name) or getattr(other, f.name) for f in fields(self)})

    def any(self) -> bool:
        return any(getattr(self, f.name) for f in fields(self))

    def names(self) -> list[str]:
        return [f.name for f in fields(self) if getattr(self, f.name)]
