"""REST endpoints of ask-the-network: questions (list, search, ask, read) and answers
(list, post, mark helpful, accept).

The web's selectors decide what a person may see (hidden content only for its
author; nothing from or to someone the interaction rule keeps apart: a 404),
the web's forms check input, the same services write, and a refusal is a 400
with its code. Bodies are Markdown as written; clients render and sanitise
them (the site does with nh3).
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from community import selectors, services
from community.forms import SEARCH_MAX, AnswerForm, QuestionForm
from community.models import ANSWER_MAX, BODY_MAX, TITLE_MAX, Answer, Question
from mentorship.api import ListAPIView, error_responses, form_checked, input_checked
from profiles.models import Skill
from profiles.selectors import person_name

MAX_SKILLS_INPUT = 20

# --- output ----------------------------------------------------------------------


class CommunityPersonSerializer(serializers.Serializer):
    public_id = serializers.UUIDField(source="profile.public_id", default=None, allow_null=True)
    name = serializers.SerializerMethodField()

    def get_name(self, user) -> str:
        return person_name(user)


class QuestionSerializer(serializers.ModelSerializer):
    author = CommunityPersonSerializer(read_only=True)
    skills = serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True)
    answer_count = serializers.IntegerField(read_only=True, default=None, allow_null=True)
    has_accepted = serializers.BooleanField(read_only=True, default=None, allow_null=True)
    asked_of_you = serializers.BooleanField(
        source="asked_of_viewer", read_only=True, default=None, allow_null=True
    )

    class Meta:
        model = Question
        fields = [
            "id",
            "author",
            "title",
            "body",
            "skills",
            "created_at",
            "is_hidden",
            "hidden_reason",
            "answer_count",
            "has_accepted",
            "asked_of_you",
        ]
        read_only_fields = fields


class AnswerSerializer(serializers.ModelSerializer):
    author = CommunityPersonSerializer(read_only=True)
    question = serializers.IntegerField(source="question_id", read_only=True)
    helpful_count = serializers.IntegerField(read_only=True, default=0)
    marked_by_you = serializers.BooleanField(source="marked", read_only=True, default=False)

    class Meta:
        model = Answer
        fields = [
            "id",
            "question",
            "author",
            "body",
            "created_at",
            "is_accepted",
            "is_hidden",
            "hidden_reason",
            "helpful_count",
            "marked_by_you",
        ]
        read_only_fields = fields


# --- input -----------------------------------------------------------------------


class QuestionFilterSerializer(serializers.Serializer):
    q = serializers.CharField(max_length=SEARCH_MAX, required=False, allow_blank=True)
    skill = serializers.SlugField(required=False, help_text="A skill's slug.")
    unanswered = serializers.BooleanField(required=False, default=False)
    mine = serializers.BooleanField(
        required=False, default=False, help_text="Only questions routed to you."
    )


class QuestionAskSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=TITLE_MAX)
    body = serializers.CharField(max_length=BODY_MAX, required=False, allow_blank=True)
    skills = serializers.ListField(
        child=serializers.CharField(max_length=100),
        required=False,
        default=list,
        max_length=MAX_SKILLS_INPUT,
        help_text="Skills to tag it with: ids or names of known skills.",
    )


class AnswerPostSerializer(serializers.Serializer):
    body = serializers.CharField(max_length=ANSWER_MAX)


# --- questions ---------------------------------------------------------------------


class QuestionListView(ListAPIView):
    serializer_class = QuestionSerializer
    ordering = ("-created_at", "-id")

    def get_queryset(self):
        data = input_checked(QuestionFilterSerializer, self.request.query_params)
        skill = None
        if data.get("skill"):
            skill = Skill.objects.filter(slug=data["skill"]).first()
            if skill is None:
                return Question.objects.none()  # an unknown skill matches nothing (not a 400)
        return selectors.questions_filtered(
            viewer=self.request.user,
            text=data.get("q", ""),
            skill=skill,
            unanswered=data["unanswered"],
            asked_of_me=data["mine"],
        )

    @extend_schema(
        tags=["community"],
        parameters=[QuestionFilterSerializer],
        responses={200: QuestionSerializer(many=True), **error_responses(400)},
    )
    def get(self, request, *args, **kwargs):
        """Questions you may see, newest first; `?q=` searches title and details."""
        return super().get(request, *args, **kwargs)

    @extend_schema(
        tags=["community"],
        request=QuestionAskSerializer,
        responses={201: QuestionSerializer, **error_responses(400)},
    )
    def post(self, request):
        """Ask the network: the question is routed to the mentors best placed to answer."""
        data = input_checked(QuestionAskSerializer, request.data)
        form = form_checked(QuestionForm({"title": data["title"], "body": data.get("body", "")}))
        items = [(int(key) if key.isdigit() else key.strip(), 1) for key in data["skills"]]
        skills = services.question_skills_resolve(items=items, user=request.user)
        question = services.question_ask(
            author=request.user,
            title=form.cleaned_data["title"],
            body=form.cleaned_data["body"],
            skills=skills,
        )
        listed = selectors.questions_listed(viewer=request.user).get(pk=question.pk)
        return Response(QuestionSerializer(listed).data, status=201)


class QuestionDetailView(APIView):
    @extend_schema(tags=["community"], responses={200: QuestionSerializer, **error_responses()})
    def get(self, request, pk: int):
        """One question (a hidden one only for its author)."""
        question = selectors.question_for_viewer(pk=pk, viewer=request.user)
        listed = selectors.questions_listed(viewer=request.user).filter(pk=question.pk).first()
        return Response(QuestionSerializer(listed or question).data)


# --- answers ---------------------------------------------------------------------------


class AnswerListView(ListAPIView):
    serializer_class = AnswerSerializer
    ordering = ("created_at", "id")

    def get_queryset(self):
        question = selectors.question_for_viewer(pk=self.kwargs["pk"], viewer=self.request.user)
        return selectors.answers_visible(question=question, viewer=self.request.user)

    @extend_schema(
        tags=["community"], responses={200: AnswerSerializer(many=True), **error_responses()}
    )
    def get(self, request, *args, **kwargs):
        """The question's answers, oldest first (`is_accepted` marks the one the asker chose)."""
        return super().get(request, *args, **kwargs)

    @extend_schema(
        tags=["community"],
        request=AnswerPostSerializer,
        responses={201: AnswerSerializer, **error_responses(400)},
    )
    def post(self, request, pk: int):
        """Answer a question (once; not your own)."""
        question = selectors.question_for_viewer(pk=pk, viewer=request.user)
        form = form_checked(AnswerForm(input_checked(AnswerPostSerializer, request.data)))
        answer = services.answer_post(
            question=question, author=request.user, body=form.cleaned_data["body"]
        )
        return Response(AnswerSerializer(answer).data, status=201)


class AnswerHelpfulView(APIView):
    @extend_schema(
        tags=["community"],
        request=None,
        responses={
            200: inline_serializer("HelpfulMarked", {"created": serializers.BooleanField()}),
            **error_responses(400),
        },
    )
    def post(self, request, pk: int):
        """Mark an answer helpful (`created: false` if you already had)."""
        answer = selectors.answer_for_viewer(pk=pk, viewer=request.user)
        return Response({"created": services.answer_mark_helpful(answer=answer, by=request.user)})


class AnswerAcceptView(APIView):
    @extend_schema(
        tags=["community"],
        request=None,
        responses={200: AnswerSerializer, **error_responses(400)},
    )
    def post(self, request, pk: int):
        """Accept an answer to your question (one per question)."""
        answer = selectors.answer_for_viewer(pk=pk, viewer=request.user)
        return Response(
            AnswerSerializer(services.answer_accept(answer=answer, by=request.user)).data
        )
