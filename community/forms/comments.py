from django import forms

from common.forms import HumanCheckMixin

from ..models import Comment, CommentReport


class CommentForm(HumanCheckMixin, forms.ModelForm):
    """A comment or reply; the target travels as hidden fields so one URL serves every page."""

    target_type = forms.CharField(widget=forms.HiddenInput)
    target_id = forms.IntegerField(widget=forms.HiddenInput)
    parent_id = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Comment
        fields = ["body"]
        labels = {"body": "Your comment"}
        help_texts = {
            "body": "Markdown basics work: *emphasis*, **bold**, [links](https://…), "
            "lists and > quotes."
        }
        widgets = {"body": forms.Textarea(attrs={"rows": 4, "maxlength": 3000})}

    def __init__(self, *args, target=None, parent=None, **kwargs):
        super().__init__(*args, **kwargs)
        if target is not None:
            self.initial.update(target_type=target._meta.model_name, target_id=target.pk)
        if parent is not None:
            self.initial["parent_id"] = parent.pk
            self.fields["body"].label = "Your reply"

    def clean_body(self):
        body = self.cleaned_data["body"].strip()
        if not body:
            raise forms.ValidationError("Write something before sending.")
        return body


class CommentEditForm(forms.ModelForm):
    class Meta:
        model = Comment
        fields = ["body"]
        labels = {"body": "Your comment"}
        widgets = {"body": forms.Textarea(attrs={"rows": 5, "maxlength": 3000})}

    def clean_body(self):
        body = self.cleaned_data["body"].strip()
        if not body:
            raise forms.ValidationError("A comment cannot be empty. To take it down, delete it.")
        return body


class CommentReportForm(HumanCheckMixin, forms.ModelForm):
    class Meta:
        model = CommentReport
        fields = ["reason"]
        labels = {"reason": "What is wrong with this comment?"}
        widgets = {"reason": forms.Textarea(attrs={"rows": 3, "maxlength": 300})}
