"""Loader of the plan's content kind `goals`: each goal with its think tank (a page path) and its
actions; an action's `history` becomes its first status events (core.content has the rules)."""

from samenaanpak.core.content import loader
from samenaanpak.core.history import record_status
from samenaanpak.core.loaders import page_at

from .models import Action, Goal


@loader("goals")
def load_goals(items, context):
    for order, item in enumerate(items):
        item = dict(item)
        actions = item.pop("actions", [])
        think_tank_path = item.pop("think_tank")
        think_tank = page_at(context, think_tank_path)
        if think_tank is None:
            continue
        key = f"{think_tank_path}/{item['title']}"
        goal = _load_goal(think_tank, key, order, item, context)
        if goal is not None:
            for action in actions:
                _load_action(goal, f"{key}/{action['title']}", action, context)


def _load_goal(think_tank, key, order, item, context):
    return context.once(
        "goal",
        key,
        Goal,
        find=lambda: Goal.objects.filter(think_tank=think_tank, title=item["title"]).first(),
        create=lambda: Goal.objects.create(think_tank=think_tank, sort_order=order, **item),
    )


def _load_action(goal, key, item, context):
    item = dict(item)
    history = item.pop("history", [])

    def create():
        action = Action.objects.create(goal=goal, **item)
        for event in history:
            record_status(action, event.pop("status"), **event)
        return action

    context.once(
        "action",
        key,
        Action,
        find=lambda: Action.objects.filter(goal=goal, title=item["title"]).first(),
        create=create,
    )
