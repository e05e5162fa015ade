from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from common.ratelimit import RateLimited

from ..forms.comments import CommentEditForm, CommentForm, CommentReportForm
from ..models import Comment, PartnerPost, Share, Status
from ..services import comments


def _visible_target(target_type: str, target_id: int, user):
    """The article, share or partner post a comment is for, if this member may see it."""
    from articles.models import Article

    if target_type == "article":
        queryset = Article.objects.visible_to(user)
    elif target_type == "share":
        queryset = Share.objects.approved()
    elif target_type == "partnerpost":
        queryset = PartnerPost.objects.approved()
    else:
        raise Http404("Unknown comment target.")
    return get_object_or_404(queryset, pk=target_id)


@login_required
@require_POST
def comment_create(request):
    form = CommentForm(request.POST)
    target = parent = None
    status = 400
    if form.is_valid():
        data = form.cleaned_data
        target = _visible_target(data["target_type"], data["target_id"], request.user)
        if data.get("parent_id"):
            parent = Comment.objects.filter(pk=data["parent_id"]).first()
        try:
            comment = comments.post_comment(
                author=request.user, target=target, body=data["body"], parent=parent
            )
        except RateLimited as error:
            form.add_error(None, str(error))
            status = 429
        except ValidationError as error:
            form.add_error(None, error.messages[0])
        else:
            if comment.status == Status.APPROVED:
                messages.success(request, "Thank you — your comment is live.")
                return redirect(comment.get_absolute_url())
            messages.info(
                request,
                "Thank you — your comment will appear once an editor has looked at it "
                "(usually within a day).",
            )
            return redirect(f"{target.get_absolute_url()}#comments")
    elif form["target_type"].value() and str(form["target_id"].value()).isdigit():
        target = _visible_target(
            form["target_type"].value(), int(form["target_id"].value()), request.user
        )
    return render(
        request, "community/comment_form.html", {"form": form, "target": target}, status=status
    )


@login_required
def comment_update(request, pk):
    comment = get_object_or_404(Comment, pk=pk, author=request.user, is_removed=False)
    if not comments.can_edit(comment, request.user):
        messages.error(request, "This comment can no longer be edited.")
        return redirect(comment.get_absolute_url())
    form = CommentEditForm(request.POST or None, instance=comment)
    if request.method == "POST" and form.is_valid():
        try:
            comments.edit_comment(
                comment=comment, user=request.user, body=form.cleaned_data["body"]
            )
        except ValidationError as error:
            form.add_error(None, error.messages[0])
        else:
            messages.success(request, "Your comment was updated.")
            return redirect(comment.get_absolute_url())
    return render(
        request, "community/comment_update.html", {"form": form, "comment": comment},
        status=400 if form.errors else 200,
    )  # fmt: skip


@login_required
def comment_delete(request, pk):
    comment = get_object_or_404(Comment, pk=pk, author=request.user, is_removed=False)
    if request.method == "POST":
        target_url = comment.target.get_absolute_url()
        comments.remove_comment(comment=comment, user=request.user)
        messages.success(request, "Your comment was deleted.")
        return redirect(f"{target_url}#comments")
    return render(request, "community/comment_confirm_delete.html", {"comment": comment})


@login_required
def comment_report(request, pk):
    comment = get_object_or_404(Comment.objects.approved(), pk=pk, is_removed=False)
    target = comment.target
    _visible_target(target._meta.model_name, target.pk, request.user)  # 404 if the page is hidden
    form = CommentReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            comments.report_comment(
                comment=comment, reporter=request.user, reason=form.cleaned_data["reason"]
            )
        except RateLimited as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "Thank you. An editor will look at this comment.")
            return redirect(comment.get_absolute_url())
    return render(
        request, "community/comment_report.html", {"form": form, "comment": comment},
        status=400 if form.errors else 200,
    )  # fmt: skip
