"""Where things live: screens write only through services, and the admin never around them.

A view parses input, checks the rule, calls a verb-named service, renders. This test reads every
views module (public and staff screens, under any app) and every admin module, and fails on an ORM
write written there: ``.objects.create(…)``, ``.save(…)``, ``.delete(…)``, a queryset's
``.update(…)``, bulk writes and get-or-create. The admin's own saves (``ModelAdmin.save_model``
and friends, called through ``super()``) are the framework's, not written here.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

COCREA = Path(__file__).resolve().parent.parent / "cocrea"
WRITES = {"save", "delete", "create", "bulk_create", "bulk_update", "get_or_create", "update_or_create"}
QUERYSET_WRITES = {"update"}  # only on a queryset: a dict's update is not a write
QUERYSET_HINTS = {"objects", "filter", "exclude", "all", "select_for_update", "_default_manager"}


def screen_and_admin_modules() -> list[Path]:
    found = []
    for path in COCREA.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        name = path.name
        in_staff_package = path.parent.name == "staff" and path.parent.parent.name != "cocrea"
        screen = name in ("views.py", "staff_views.py", "admin.py", "admin_site.py") or name.startswith(
            "staff_"
        )
        if (screen and name != "staff_urls.py") or in_staff_package:
            found.append(path)
    return sorted(found)


def _chain(node: ast.AST) -> list[str]:
    """The attribute names along a call chain: ``A.objects.filter(x).update`` → [objects, filter, update]."""
    names: list[str] = []
    while True:
        if isinstance(node, ast.Attribute):
            names.append(node.attr)
            node = node.value
        elif isinstance(node, ast.Call):
            node = node.func
        else:
            return list(reversed(names))


def writes_in(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute):
            continue
        method = node.func.attr
        receiver = node.func.value
        if (
            isinstance(receiver, ast.Call)
            and isinstance(receiver.func, ast.Name)
            and receiver.func.id == "super"
        ):
            continue  # ModelAdmin's own save_model/delete_model chain
        chain = _chain(node.func)
        model_write = method in WRITES and not (method == "delete" and "session" in chain)
        queryset_write = method in QUERYSET_WRITES and bool(QUERYSET_HINTS & set(chain[:-1]))
        if model_write or queryset_write:
            found.append(f"{path.relative_to(COCREA.parent)}:{node.lineno} .{method}(")
    return found


def test_the_guard_sees_the_screens() -> None:
    names = {str(p.relative_to(COCREA)) for p in screen_and_admin_modules()}
    assert {
        "plans/views.py",
        "plans/staff_views.py",
        "plans/staff_sheets.py",
        "participation/staff/people.py",
        "plans/admin.py",
    } <= names
    assert len(names) >= 20


@pytest.mark.parametrize("path", screen_and_admin_modules(), ids=lambda p: str(p.relative_to(COCREA)))
def test_screens_and_admin_do_not_write_around_the_services(path: Path) -> None:
    assert writes_in(path) == []


def test_the_guard_catches_what_it_forbids(tmp_path: Path) -> None:
    sample = tmp_path / "views.py"
    sample.write_text(
        "def v(request, found):\n"
        "    Thing.objects.create(a=1)\n"
        "    found.save()\n"
        "    Thing.objects.filter(pk=1).update(a=2)\n"
        "    found.delete()\n"
        "    context = {}\n"
        "    context.update(a=1)\n"
        "    super().save_model(request, found, None, True)\n"
    )
    global COCREA
    saved, COCREA = COCREA, tmp_path
    try:
        assert [line.split(" ")[1] for line in writes_in(sample)] == [
            ".create(",
            ".save(",
            ".update(",
            ".delete(",
        ]
    finally:
        COCREA = saved
