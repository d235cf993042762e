"""What each write to the budget touches on the public site (cocrea/core/pagecache.py)."""

from __future__ import annotations

from cocrea.budget.models import BudgetLine, Expenditure
from cocrea.core import pagecache
from cocrea.plans.scopes import milestone_kwargs


@pagecache.register(BudgetLine)
def _line(line: BudgetLine) -> list[str]:
    return pagecache.chain(milestone_kwargs(line.milestone_id))


@pagecache.register(Expenditure)
def _expenditure(expenditure: Expenditure) -> list[str]:
    milestone_id = pagecache.column(BudgetLine, expenditure.budget_line_id, "milestone_id")
    return pagecache.chain(milestone_kwargs(milestone_id))
