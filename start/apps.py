from django.apps import AppConfig


class StartConfig(AppConfig):
    name = "start"
    verbose_name = "Getting started"

    def ready(self):
        from community.panels import add_goal_panel

        # The member's run-walk plan on their goal page: start sits above community, so it adds
        # itself there; community's template names no start template.
        add_goal_panel("start/includes/goal_plan.html")
