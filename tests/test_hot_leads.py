"""Which new messages raise a tray notification: buying signals and urgent problems, once each."""

from __future__ import annotations

from desktop.services.inbox import InboxItem, hot_leads


def item(i: int, intent: str | None, status: str = "new") -> InboxItem:
    return InboxItem(i, "2026-12-04T09:00:00Z", "email", "a@b.cn", "", "preview", "body", "zh", 1, "仁和大药房",
                     None, status, intent, 0.9, None, 1.0, False)


def test_hot_leads() -> None:
    items = [item(1, "quote_request"), item(2, "invoice_payment"), item(3, "complaint"), item(4, None),
             item(5, "sample_request", status="read"), item(6, "competitor_mention")]
    assert [i.id for i in hot_leads(items, set())] == [1, 3, 6]
    assert [i.id for i in hot_leads(items, {1, 3})] == [6]          # each message notifies once
