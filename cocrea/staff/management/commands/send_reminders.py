"""``cocrea send-reminders``: the former name of ``cocrea daily``, kept for existing cron entries."""

from cocrea.staff.management.commands.daily import Command as Daily


class Command(Daily):
    pass
