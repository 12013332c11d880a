"""The table and totals printed at the end of ``briefing ingest``, in Chinese."""

from __future__ import annotations

from briefing.fmt import pad, width
from briefing.mail.engine import IngestResult
from briefing.mail.log import (ACCEPTED, DUPLICATE, EMPTY, FAILED, HELD, INTERRUPTED, OUTCOME_LABELS, QUARANTINED,
                               REJECTED, REPLACED, SENT, SUPERSEDED, LogRecord)


def _explain(record: LogRecord) -> str:
    if record.outcome in (ACCEPTED, REPLACED):
        text = f"共{record.records}条记录 → {record.stored}"
        return text + (f"（旧版本存入 {record.previous}）" if record.previous else "")
    if record.outcome == SUPERSEDED:
        return f"共{record.records}条记录；" + (record.notes[-1] if record.notes else "") + f" → {record.stored}"
    if record.outcome in (REJECTED, QUARANTINED, HELD, INTERRUPTED):
        extra = f"（共{len(record.errors)}处，见下）" if len(record.errors) > 1 else ""
        hint = [note for note in record.notes if "可用 briefing ingest --vouch" in note]
        return (record.errors[0] if record.errors else "") + extra + "".join(f"（{note}）" for note in hint)
    return "；".join(record.notes)


def summary(result: IngestResult) -> str:
    """The table and totals printed at the end of ``briefing ingest``, in Chinese."""
    rows = [("序号", "发件人", "附件", "单位", "周次", "结果", "说明")]
    details: list[str] = []
    number = 0
    for handled in result.handled:
        if handled.skipped:
            continue
        number += 1
        if handled.error:
            rows.append((str(number), "", "", "", "", "未读取", f"{handled.origin}：{handled.error}"))
        for record in handled.records:
            rows.append((str(number), record.sender or "（未知）", record.attachment or "", record.unit or "",
                         record.week or "", record.label, _explain(record)))
            if record.outcome in (REJECTED, QUARANTINED) and len(record.errors) > 1:
                details.append(f"[{number}] {record.attachment or '邮件'}（{record.sender or '未知发件人'}）：")
                details.extend(f"    {line}" for line in record.errors)
    lines = []
    if len(rows) > 1:
        widths = [max(width(row[i]) for row in rows) for i in range(len(rows[0]) - 1)]
        for row in rows:
            lines.append("  ".join(pad(cell, widths[i]) for i, cell in enumerate(row[:-1])) + "  " + row[-1])
    skipped = sum(1 for h in result.handled if h.skipped)
    total = len(result.handled)
    head = f"共读取 {total} 封邮件" if total else "没有新邮件"
    if skipped and skipped == total:
        head += "，都已导入过，本次没有变化"
    elif skipped:
        head += f"，其中 {skipped} 封已导入过（或与导入过的完全相同），本次跳过"
    counts = [f"{OUTCOME_LABELS[o]} {result.count(o)} 份"
              for o in (ACCEPTED, REPLACED, SUPERSEDED, REJECTED, QUARANTINED, HELD, DUPLICATE) if result.count(o)]
    for outcome in (EMPTY, INTERRUPTED):
        if result.count(outcome):
            counts.append(f"{OUTCOME_LABELS[outcome]} {result.count(outcome)} 封")
    lines.append(head + "。" + ("结果：" + "，".join(counts) + "。" if counts else ""))
    if details:
        lines.append("")
        lines.append("错误明细（请按行号修改后重新发送）：")
        lines.extend(details)
    for receipt in result.receipts:
        if receipt.outcome == FAILED:
            lines.append(f"回执未能发给 {receipt.to}：{'；'.join(receipt.errors)}")
    sent = sum(1 for r in result.receipts if r.outcome == SENT)
    if sent:
        lines.append(f"已发送回执 {sent} 封。")
    if total - skipped:
        lines.append("邮件原件保存在 archive/mail/，导入记录保存在 .briefing/ingest.jsonl。")
    return "\n".join(lines)
