from celery import shared_task
from django.contrib.auth import get_user_model

from .models import Comment
from .services import comments, goals, welcome


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_reply_notification(comment_id: int) -> bool:
    """Tell a comment's author about an approved reply; a deleted reply sends nothing."""
    comment = (
        Comment.objects.select_related("parent__author", "author").filter(pk=comment_id).first()
    )
    if comment is None:
        return False
    return comments.notify_reply(comment=comment)


@shared_task
def send_goal_reminders() -> int:
    """Monthly goal reminders, for members who asked for them; at most one a month each."""
    return goals.send_goal_reminders()


@shared_task(autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_member_welcome(user_id: int) -> bool:
    """The one welcome on confirming a new account's address; safe to run twice."""
    user = get_user_model().objects.filter(pk=user_id).first()
    return welcome.send_member_welcome(user=user) if user else False
