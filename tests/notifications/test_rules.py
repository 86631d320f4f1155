"""Every deadline the code opens names a registered rule (one name per rule); an unknown one raises."""
import ast
import pathlib

import pytest
from django.conf import settings

from qms.notifications.rules import RULES, RuleSpec, UnknownRule, register_rules, rule_spec

ROOT = pathlib.Path(settings.BASE_DIR)


def _module_constants(tree: ast.Module) -> dict[str, str]:
    out = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    out[target.id] = node.value.value
    return out


def _opened_rules() -> list[tuple[str, str]]:
    found = []
    for path in ROOT.rglob("*.py"):
        rel = path.relative_to(ROOT).as_posix()
        if rel.startswith((".venv/", "node_modules/", "tests/", "bench/")) or "/migrations/" in rel:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        consts = _module_constants(tree)
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", "")) == "deadlines_create":
                # several rows in one INSERT: each row is a dict literal with its "rule"
                for row in ast.walk(node):
                    if isinstance(row, ast.Dict):
                        for k, v in zip(row.keys, row.values):
                            if isinstance(k, ast.Constant) and k.value == "rule" and isinstance(v, ast.Constant) and isinstance(v.value, str):
                                found.append((rel, v.value))
            if isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", "")) == "deadline_open":
                for kw in node.keywords:
                    if kw.arg != "rule":
                        continue
                    if isinstance(kw.value, ast.Constant) and isinstance(kw.value.value, str):
                        found.append((rel, kw.value.value))
                    elif isinstance(kw.value, ast.Name) and kw.value.id in consts:
                        found.append((rel, consts[kw.value.id]))
    return found


def test_it_finds_the_deadlines_the_code_opens():
    rules = {rule for _path, rule in _opened_rules()}
    assert {"interview.upward_report", "event.report_internal", "monthly_report.due", "rectification.due"} <= rules
    # the interview's own dates are named per kind (a health commission's or the hospital's internal one)
    for step in ("hold_by", "rectification", "report_due"):
        assert f"interview.{step}" in RULES and f"interview.internal.{step}" in RULES


def test_it_has_a_registered_rule_for_every_deadline_opened_in_the_code():
    missing = [(path, rule) for path, rule in _opened_rules() if rule not in RULES]
    assert missing == []


def test_it_raises_on_an_unknown_rule():
    with pytest.raises(UnknownRule):
        rule_spec("no.such_rule")


@pytest.mark.django_db
def test_it_refuses_to_open_a_deadline_under_an_unknown_rule(demo):
    from qms.core.services import deadline_open

    with pytest.raises(UnknownRule):
        deadline_open(obj=demo.institutions["H001"], rule="no.such_rule", label="x")


def test_it_refuses_one_name_for_two_rules():
    spec = RULES["interview.hold_by"]
    register_rules({"interview.hold_by": spec})  # the same spec again is harmless
    with pytest.raises(ValueError):
        register_rules({"interview.hold_by": RuleSpec("另一个", "", remind=(), overdue=())})
