from django.urls import path

from . import views

app_name = "start"

urlpatterns = [
    path("", views.plan, name="plan"),
    path("timer/", views.timer, name="timer"),
    # Served from here, not /static/, so the worker's scope covers the pages under /start/.
    path("sw.js", views.service_worker, name="service-worker"),
    path("goal/update/", views.goal_plan_update, name="goal-plan-update"),
    path("goal/delete/", views.goal_plan_delete, name="goal-plan-delete"),
]
