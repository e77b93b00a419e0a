"""Re-validate stored code: rows that fail today's check are marked, never deleted.

Run by the migration that added `code_problem` and by `manage.py recheck_code` after the
rules change. Works on any model with `code` and `code_problem` (clips, generations),
including a migration's historical model.
"""
from clips.code_validation import code_problem

BATCH_SIZE = 500


def code_problems_recheck(model):
    """Mark or clear every row's `code_problem`; returns (rows checked, rows marked)."""
    checked = marked = 0
    changed = []
    rows = model.objects.exclude(code="").only("pk", "code", "code_problem")
    for row in rows.iterator(chunk_size=BATCH_SIZE):
        problem = code_problem(row.code)
        found = problem.as_dict() if problem else None
        checked += 1
        marked += bool(found)
        if found != row.code_problem:
            row.code_problem = found
            changed.append(row)
        if len(changed) >= BATCH_SIZE:
            model.objects.bulk_update(changed, ["code_problem"])
            changed = []
    model.objects.bulk_update(changed, ["code_problem"])
    return checked, marked
