"""Accounting dates live in Vietnam's calendar: "today" is the date in Asia/Ho_Chi_Minh."""
from datetime import date, datetime
from zoneinfo import ZoneInfo

VN = ZoneInfo("Asia/Ho_Chi_Minh")


def vn_today() -> date:
    return datetime.now(VN).date()


def month_start(day: date) -> date:
    return day.replace(day=1)


def next_month(day: date) -> date:
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)
