"""Panels that apps above community add to a member's goal page (DESIGN's layers: the upper
layer composes the lower one through a hook, so community names no app above it).

A panel is a template included with `goal`, `request` and `csrf_token` only; start adds the
member's run-walk plan from its AppConfig.ready().
"""

_goal_panels: list[str] = []


def add_goal_panel(template_name: str) -> None:
    """Show `template_name` on the goal page, below the monthly updates (once, however often
    it is added)."""
    if template_name not in _goal_panels:
        _goal_panels.append(template_name)


def goal_panels() -> list[str]:
    """The goal page's panels, in the order they were added."""
    return list(_goal_panels)
